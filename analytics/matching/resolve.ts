import { createHash } from 'node:crypto';
import { linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import { candidatePairs, groupBy, type Candidates, type CandidateStats, type LinkRecord, type Pair } from './candidates.ts';

/** Remembered review decisions, by pair key (see pairKey). */
export type Decisions = ReadonlyMap<string, 'accept' | 'reject'>;

/** A pair's key: its two record ids in order, so a decision holds whichever way round the pair is found. */
export const pairKey = (x: string, y: string): string => (x < y ? `${x}\u001f${y}` : `${y}\u001f${x}`);

interface Cluster {
  /** Per partner, the partner's person ids in the cluster. */
  locals: Map<string, Set<string>>;
  nhs: Set<string>;
  upn: Set<string>;
  members: number[];
}

export interface Resolution {
  /** Record index → cluster root (a record index); records of one person share it. */
  root: Int32Array;
  /** Record id → person_id. */
  personOf: Map<string, string>;
  /** Pairs between the thresholds whose records stayed apart and that nobody has decided on. */
  review: Pair[];
  /** Pairs linked by score (auto-link or accepted), and the candidates refused by a rule. */
  linked: Pair[];
  refused: Pair[];
  stats: CandidateStats;
}

/**
 * Person clusters from records:
 * 1. an exact key links outright: the same NHS number, UPN or partner's person id;
 * 2. then pairs an analyst accepted, then pairs at or above the auto-link threshold, best score first (ties by record
 *    id, so the result does not depend on input order), each joining two clusters only if that puts no two
 *    different person ids of one partner, no two NHS numbers or UPNs, and no rejected pair into one person.
 */
export function resolvePeople(
  records: readonly LinkRecord[], decisions: Decisions = new Map(), config: LinkageConfig = linkageConfig,
  /** Candidates found already (at a review threshold no higher than config's): to try several thresholds. */
  candidates: Candidates = candidatePairs(records, config),
): Resolution {
  const n = records.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; };
  const clusters = records.map((r, i): Cluster => ({
    locals: new Map(r.local ? [[r.partner, new Set([r.local])]] : []),
    nhs: new Set(r.nhs ? [r.nhs] : []), upn: new Set(r.upn ? [r.upn] : []), members: [i],
  }));
  const rejected = new Map<number, number[]>();
  const index = new Map(records.map((r, i) => [r.id, i]));

  const union = (x: number, y: number) => {
    let rx = find(x), ry = find(y);
    if (rx === ry) return;
    if (clusters[rx].members.length < clusters[ry].members.length) [rx, ry] = [ry, rx];
    const big = clusters[rx], small = clusters[ry];
    for (const [partner, ids] of small.locals) { const set = big.locals.get(partner) ?? big.locals.set(partner, new Set()).get(partner)!; for (const id of ids) set.add(id); }
    for (const v of small.nhs) big.nhs.add(v);
    for (const v of small.upn) big.upn.add(v);
    for (const m of small.members) big.members.push(m);
    small.members = [];
    parent[ry] = rx;
  };

  const allowed = (x: number, y: number): boolean => {
    const rx = find(x), ry = find(y);
    if (rx === ry) return true;
    const a = clusters[rx], b = clusters[ry];
    for (const partner of a.locals.keys()) if (b.locals.has(partner)) return false;
    if ((a.nhs.size && b.nhs.size) || (a.upn.size && b.upn.size)) return false;
    const [small, other] = a.members.length <= b.members.length ? [a, ry] : [b, rx];
    for (const m of small.members) for (const r of rejected.get(m) ?? []) if (find(r) === other) return false;
    return true;
  };

  // 1. Exact keys.
  for (const members of groupBy(records, (r) => [r.nhs && `n${r.nhs}`, r.upn && `u${r.upn}`, r.local && `l${r.partner}\u001f${r.local}`].filter((k): k is string => !!k)).values()) {
    for (const m of members.slice(1)) union(members[0], m);
  }

  const stats = candidates.stats;
  const pairs = candidates.pairs.filter((p) => p.score >= config.thresholds.review);
  const decisionOf = (p: Pair) => decisions.get(pairKey(records[p.a].id, records[p.b].id));
  for (const [key, decision] of decisions) {
    if (decision !== 'reject') continue;
    const [x, y] = key.split('\u001f').map((id) => index.get(id));
    if (x === undefined || y === undefined) continue;
    (rejected.get(x) ?? rejected.set(x, []).get(x)!).push(y);
    (rejected.get(y) ?? rejected.set(y, []).get(y)!).push(x);
  }

  // 2. Accepted pairs (found as candidates or not), then the auto-links by score.
  const accepted: Pair[] = [];
  for (const [key, decision] of decisions) {
    if (decision !== 'accept') continue;
    const [x, y] = key.split('\u001f').map((id) => index.get(id));
    if (x !== undefined && y !== undefined) accepted.push({ a: Math.min(x, y), b: Math.max(x, y), score: 1, exact: false });
  }
  const byId = (p: Pair) => pairKey(records[p.a].id, records[p.b].id);
  const ordered = pairs.filter((p) => p.score >= config.thresholds.autoLink && decisionOf(p) !== 'reject')
    .map((p) => ({ p, key: byId(p) }))
    .sort((x, y) => y.p.score - x.p.score || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    .map((x) => x.p);
  const linked: Pair[] = [], refused: Pair[] = [];
  for (const p of [...accepted.sort((x, y) => (byId(x) < byId(y) ? -1 : 1)), ...ordered]) {
    if (find(p.a) === find(p.b)) continue;
    if (allowed(p.a, p.b)) { union(p.a, p.b); linked.push(p); } else refused.push(p);
  }

  const review = pairs.filter((p) => p.score < config.thresholds.autoLink && find(p.a) !== find(p.b) && decisionOf(p) === undefined && allowed(p.a, p.b))
    .sort((x, y) => y.score - x.score || (byId(x) < byId(y) ? -1 : 1));

  const root = Int32Array.from({ length: n }, (_, i) => find(i));
  const smallest = new Map<number, string>();
  records.forEach((r, i) => { const s = smallest.get(root[i]); if (s === undefined || r.id < s) smallest.set(root[i], r.id); });
  const personOf = new Map(records.map((r, i) => [r.id, personIdOf(smallest.get(root[i])!)]));
  return { root, personOf, review, linked, refused, stats };
}

/** A person's id: a one-way value of the smallest record id in the cluster. */
export const personIdOf = (recordId: string): string => `P-${createHash('sha256').update(recordId).digest('base64url').slice(0, 12)}`;
