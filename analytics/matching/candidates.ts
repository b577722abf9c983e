import { linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import { score, type Clk } from './clk.ts';

/**
 * One person record as linkage sees it: its pseudonymous exact keys, its encoding and blocking tokens. `id` is
 * the caller's stable record id (decisions in the review queue are remembered by it).
 */
export interface LinkRecord {
  id: string;
  partner: string;
  /** The partner's own person id, as its keyed hash. */
  local: string | null;
  nhs: string | null;
  upn: string | null;
  nameDob: string | null;
  clk: Clk | null;
  blocks: readonly string[];
}

/** A compared pair (a < b as record indexes) and its score; `exact` when the name and date of birth key agreed. */
export interface Pair { a: number; b: number; score: number; exact: boolean }

/** NHS numbers or UPNs both present and different: not the same person, whatever else agrees. */
export const conflicting = (x: LinkRecord, y: LinkRecord): boolean =>
  (x.nhs !== null && y.nhs !== null && x.nhs !== y.nhs) || (x.upn !== null && y.upn !== null && x.upn !== y.upn);

/** Two records of one partner with different person ids of that partner can never be one person by a score. */
const samePartnerDifferentPerson = (x: LinkRecord, y: LinkRecord): boolean =>
  x.partner === y.partner && x.local !== null && y.local !== null && x.local !== y.local;

export interface CandidateStats { compared: number; blocksSkipped: number; allPairs: boolean }

/**
 * Candidate pairs scoring at least the review threshold: pairs sharing the name and date of birth key (score 1),
 * and pairs whose encodings are close, compared within blocks (records sharing any blocking token) or all pairs
 * when there are few records. Conflicting pairs are never candidates.
 */
export type Compare = (x: LinkRecord, y: LinkRecord, config: LinkageConfig) => number | null;

/** The score of two encodings (clk.ts); null where either record has none. */
export const compareClks: Compare = (x, y, config) => (x.clk && y.clk ? score(x.clk, y.clk, config) : null);

export interface Candidates { pairs: Pair[]; stats: CandidateStats }

export function candidatePairs(records: readonly LinkRecord[], config: LinkageConfig = linkageConfig, compare: Compare = compareClks): Candidates {
  const n = records.length;
  const pairs: Pair[] = [];
  const stats: CandidateStats = { compared: 0, blocksSkipped: 0, allPairs: n <= config.blocking.allPairsUpTo };
  const consider = (i: number, j: number, exact: boolean) => {
    const [a, b] = i < j ? [i, j] : [j, i];
    const x = records[a], y = records[b];
    if (conflicting(x, y) || samePartnerDifferentPerson(x, y)) return;
    stats.compared++;
    const s = exact ? 1 : compare(x, y, config);
    if (s !== null && s >= config.thresholds.review) pairs.push({ a, b, score: s, exact });
  };
  // Pairs sharing the name+DOB key are taken here, so the passes below skip them.
  const sameNameDob = (x: LinkRecord, y: LinkRecord) => x.nameDob !== null && x.nameDob === y.nameDob;

  for (const members of groupBy(records, (r) => (r.nameDob ? [r.nameDob] : [])).values()) {
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) consider(members[i], members[j], true);
  }
  if (stats.allPairs) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (!sameNameDob(records[i], records[j])) consider(i, j, false);
    return { pairs, stats };
  }
  // Each pair is compared once, in the smallest block both share (no set of seen pairs, which at scale outgrows memory).
  const blocks = groupBy(records, (r) => r.blocks);
  const skipped = new Set<string>();
  for (const [token, members] of blocks) if (members.length > config.blocking.maxBlock) skipped.add(token);
  stats.blocksSkipped = skipped.size;
  const usable = records.map((r) => [...new Set(r.blocks)].filter((t) => !skipped.has(t)).sort());
  const firstShared = (a: string[], b: string[]): string | undefined => {
    for (let i = 0, j = 0; i < a.length && j < b.length;) {
      if (a[i] === b[j]) return a[i];
      if (a[i] < b[j]) i++; else j++;
    }
    return undefined;
  };
  for (const [token, members] of blocks) {
    if (skipped.has(token)) continue;
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i], b = members[j];
        if (a !== b && firstShared(usable[a], usable[b]) === token && !sameNameDob(records[a], records[b])) consider(a, b, false);
      }
    }
  }
  return { pairs, stats };
}

/** Record indexes by each of their values. */
export function groupBy(records: readonly LinkRecord[], values: (r: LinkRecord) => readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  records.forEach((r, i) => { for (const v of values(r)) (groups.get(v) ?? groups.set(v, []).get(v)!).push(i); });
  return groups;
}
