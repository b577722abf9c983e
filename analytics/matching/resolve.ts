import { linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import { candidatePairs, type Candidates, type CandidateStats, type LinkRecord, type Pair } from './candidates.ts';
import { sha256 } from './sha256.ts';
import type { LinkTable } from './table.ts';
import { UnionFind } from './union-find.ts';

/** Remembered review decisions, by pair key (see pairKey). */
export type Decisions = ReadonlyMap<string, 'accept' | 'reject'>;

/** A pair's key: its two record ids in order, so a decision holds whichever way round the pair is found. */
export const pairKey = (x: string, y: string): string => (x < y ? `${x}\u001f${y}` : `${y}\u001f${x}`);

export interface TableResolution {
  table: LinkTable;
  /** Record → cluster root (a record index); records of one person share it. */
  root: Int32Array;
  /** Record → person_id. */
  personIds: string[];
  /** One pair of records per two clusters that a pair between the thresholds would join, undecided and allowed. */
  review: Pair[];
  /** Joins made by score or decision, and joins a rule refused. */
  linked: number;
  refused: number;
  stats: CandidateStats;
}

/**
 * Person clusters from a table of records and its candidates:
 * 1. an exact key links outright: the same NHS number, UPN or partner's person id;
 * 2. then pairs an analyst accepted; then records sharing the name and date of birth key (score 1); then, best
 *    score first, the records of one unit (an identical encoding) and pairs of units, at or above the auto-link
 *    threshold and not held by the twin guard (model.ts: those go to review whatever their score). Each join is of two clusters and only if it puts no two person ids of one partner, no
 *    two NHS numbers or UPNs, and no rejected pair into one person. Ties go by record id (its rank), so input order
 *    never matters.
 * Within a unit, and between two units, a record is tried against one record of each cluster already among them,
 * not against every record: a join refused between two clusters stays refused as they grow, so this links what
 * trying every pair would, in time linear in the records.
 */
export function resolveTable(candidates: Candidates, decisions: Decisions = new Map(), config: LinkageConfig = candidates.table.config): TableResolution {
  const t = candidates.table, n = t.size, rank = t.rank;
  const sets = UnionFind.of(n);
  const words = Math.max(1, Math.ceil(t.partners.length / 32));
  /** Per cluster root: the partners whose person ids it holds (a bit each), and whether it holds an NHS number (1) or UPN (2). */
  const partners = new Uint32Array(n * words), held = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (t.local[i] >= 0) partners[i * words + (t.partner[i] >>> 5)] |= 1 << (t.partner[i] & 31);
    held[i] = (t.nhs[i] >= 0 ? 1 : 0) | (t.upn[i] >= 0 ? 2 : 0);
  }
  const find = (i: number): number => sets.find(i);
  /** Per cluster root: the records its records were rejected with (an analyst's "not the same person"). */
  const rejectedWith = new Map<number, number[]>();
  const union = (x: number, y: number) => {
    const joined = sets.union(x, y);
    if (!joined) return;
    const { root: rx, absorbed: ry } = joined;
    for (let w = 0; w < words; w++) partners[rx * words + w] |= partners[ry * words + w];
    held[rx] |= held[ry];
    const moved = rejectedWith.get(ry);
    if (moved) {
      const kept = rejectedWith.get(rx);
      if (kept) for (const r of moved) kept.push(r); else rejectedWith.set(rx, moved);
      rejectedWith.delete(ry);
    }
  };

  const index = decisions.size ? new Map(t.ids.map((id, i) => [id, i])) : new Map<string, number>();
  const decided = (decision: 'accept' | 'reject') => [...decisions].filter(([, d]) => d === decision).sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([key]) => key.split('\u001f').map((id) => index.get(id)))
    .filter((p): p is [number, number] => p[0] !== undefined && p[1] !== undefined);
  for (const [p, q] of decided('reject')) {
    (rejectedWith.get(p) ?? rejectedWith.set(p, []).get(p)!).push(q);
    (rejectedWith.get(q) ?? rejectedWith.set(q, []).get(q)!).push(p);
  }

  // A rejection between the two clusters is looked for among the fewer rejections of the two: no pass over all of them.
  const allowed = (x: number, y: number): boolean => {
    const rx = find(x), ry = find(y);
    if (rx === ry) return true;
    for (let w = 0; w < words; w++) if (partners[rx * words + w] & partners[ry * words + w]) return false;
    if (held[rx] & held[ry]) return false;
    const [here, there] = (rejectedWith.get(rx)?.length ?? 0) <= (rejectedWith.get(ry)?.length ?? 0) ? [rx, ry] : [ry, rx];
    for (const r of rejectedWith.get(here) ?? []) if (find(r) === there) return false;
    return true;
  };
  let linked = 0, refused = 0;
  const join = (x: number, y: number): boolean => {
    if (find(x) === find(y)) return true;
    if (!allowed(x, y)) { refused++; return false; }
    union(x, y);
    linked++;
    return true;
  };
  /** Joins each record to the first cluster it may join among those seen so far; returns one record per cluster. */
  const joinAll = (records: Iterable<number>, clusters: number[] = []): number[] => {
    for (const r of records) if (!clusters.some((c) => join(c, r))) clusters.push(r);
    return clusters;
  };
  const byRank = (records: readonly number[]) => [...records].sort((x, y) => rank[x] - rank[y]);

  // 1. Exact keys (interned values are unique across kinds, and a partner's person id is interned per partner).
  const firstWith = new Int32Array(t.keyCount).fill(-1);
  for (const column of [t.nhs, t.upn, t.local]) {
    for (let i = 0; i < n; i++) {
      const key = column[i];
      if (key < 0) continue;
      if (firstWith[key] < 0) firstWith[key] = i; else union(firstWith[key], i);
    }
  }

  // 2. Accepted pairs.
  for (const [x, y] of decided('accept')) join(x, y);

  // 3. The name and date of birth key, in record id order.
  const inRankOrder = new Int32Array(n);
  for (let i = 0; i < n; i++) inRankOrder[rank[i]] = i;
  const nameDobClusters = new Map<number, number[]>();
  for (const i of inRankOrder) {
    const key = t.nameDob[i];
    if (key < 0) continue;
    const clusters = nameDobClusters.get(key);
    if (clusters) joinAll([i], clusters); else nameDobClusters.set(key, [i]);
  }
  nameDobClusters.clear();

  // 4. Units and pairs of units, by score (a unit before a pair at the same score, then by the units' first record ids).
  const { a, b, score } = candidates;
  const autoLinks = (k: number) => score[k] >= config.thresholds.autoLink && !candidates.held[k];
  const unitRank = new Int32Array(t.units).fill(n);
  for (let i = 0; i < n; i++) if (rank[i] < unitRank[t.unit[i]]) unitRank[t.unit[i]] = rank[i];
  const order = Array.from({ length: candidates.count }, (_, k) => k)
    .sort((x, y) => score[y] - score[x] || Number(a[x] !== b[x]) - Number(a[y] !== b[y])
      || unitRank[a[x]] - unitRank[a[y]] || unitRank[b[x]] - unitRank[b[y]]);
  /** A unit's records: one per cluster once its own records are joined, all of them before. */
  const clustersOf = new Map<number, number[]>();
  const unitClusters = (u: number) => clustersOf.get(u) ?? t.members[u];
  for (const k of order) {
    if (!autoLinks(k)) continue;
    if (a[k] === b[k]) { clustersOf.set(a[k], joinAll(byRank(t.members[a[k]]))); continue; }
    const right = unitClusters(b[k]);
    for (const x of unitClusters(a[k])) for (const y of right) join(x, y);
  }

  // Review: the pairs between the thresholds and those the twin guard held, one pair of records for each two clusters they would join.
  const review: Pair[] = [];
  const queued = new Set<string>();
  for (const k of order) {
    if (autoLinks(k)) continue;
    const left = unitClusters(a[k]), right = a[k] === b[k] ? left : unitClusters(b[k]);
    for (const x of left) {
      for (const y of right) {
        const rx = find(x), ry = find(y);
        if (rx === ry || !allowed(x, y)) continue;
        const key = rx < ry ? `${rx},${ry}` : `${ry},${rx}`;
        if (queued.has(key)) continue;
        queued.add(key);
        review.push({ a: Math.min(x, y), b: Math.max(x, y), score: score[k] });
      }
    }
  }
  const pairRank = (p: Pair) => pairKey(t.ids[p.a], t.ids[p.b]);
  review.sort((x, y) => y.score - x.score || (pairRank(x) < pairRank(y) ? -1 : 1));

  // A person's id comes from the smallest record id in the cluster.
  const root = new Int32Array(n), first = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const r = (root[i] = find(i));
    if (first[r] < 0 || rank[i] < rank[first[r]]) first[r] = i;
  }
  const idOfRoot = new Map<number, string>();
  const personIds = Array.from(root, (r) => idOfRoot.get(r) ?? idOfRoot.set(r, personIdOf(t.ids[first[r]])).get(r)!);
  return { table: t, root, personIds, review, linked, refused, stats: candidates.stats };
}

/** Person clusters of records given as objects: record id → person_id, and the review queue's pairs (record indexes). */
export interface Resolution extends TableResolution { personOf: Map<string, string> }

export function resolvePeople(
  records: readonly LinkRecord[], decisions: Decisions = new Map(), config: LinkageConfig = linkageConfig,
  /** Candidates found already (at a review threshold no higher than config's): to try several thresholds. */
  candidates: Candidates = candidatePairs(records, config, undefined, decisions),
): Resolution {
  const resolution = resolveTable(candidates, decisions, config);
  return { ...resolution, personOf: new Map(resolution.table.ids.map((id, i) => [id, resolution.personIds[i]])) };
}

/** A person's id: a one-way value of the smallest record id in the cluster. */
export const personIdOf = (recordId: string): string => `P-${sha256(recordId, 'base64url').slice(0, 12)}`;
