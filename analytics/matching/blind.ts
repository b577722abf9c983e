import type { LinkageConfig } from '../../schemas/linkage.ts';
import type { Candidates } from './candidates.ts';
import { pairKey, type TableResolution } from './resolve.ts';
import { blindPairId, pairItem, type BlindItem } from './review.ts';
import { sha256 } from './sha256.ts';

/**
 * Blind review of auto-links: a deterministic sample of the pairs a linking run linked by score, offered to
 * analysts without the score, so that their decisions estimate the auto-links' precision.
 *
 * An auto-linked pair is a candidate pair of encodings scoring at or above the auto-link threshold whose records
 * ended in one person: for two encodings, their first records; for one encoding held by several records, its first
 * two. Each counts once, whatever the number of records behind it.
 */
export interface AutoLinks { pairs: { a: number; b: number; score: number }[]; resolution: TableResolution }

export function autoLinkedPairs(candidates: Candidates, resolution: TableResolution, config: LinkageConfig = candidates.table.config): AutoLinks {
  const t = candidates.table, pairs: AutoLinks['pairs'] = [];
  for (let k = 0; k < candidates.count; k++) {
    if (candidates.score[k] < config.thresholds.autoLink) continue;
    const [u, v] = [candidates.a[k], candidates.b[k]];
    const [x, y] = u === v ? [t.members[u][0], t.members[u][1]] : [t.members[u][0], t.members[v][0]];
    if (y !== undefined && resolution.root[x] === resolution.root[y]) pairs.push({ a: x, b: y, score: candidates.score[k] });
  }
  return { pairs, resolution };
}

/** What a linking run offers for blind review: the sample, and how many auto-linked pairs it was drawn from. */
export interface BlindSample { seed: string; autoLinked: number; pairs: BlindItem[] }

/** How many pairs of `n` auto-links are offered. */
export const blindSampleSize = (n: number, config: LinkageConfig): number =>
  Math.min(n, config.blindReview.atMost, Math.max(config.blindReview.atLeast, Math.ceil(n * config.blindReview.share)));

/**
 * The sample: the auto-linked pairs whose keyed hash of (seed, pair) is smallest. The same seed and links give the
 * same sample in any order, and a pair stays sampled while the seed holds, however many links join it.
 */
export function blindSample(links: AutoLinks, seed: string, config: LinkageConfig = links.resolution.table.config): BlindSample {
  const t = links.resolution.table;
  const ranked = links.pairs.map((p) => {
    const key = pairKey(t.ids[p.a], t.ids[p.b]);
    return { p, key, rank: sha256(`${seed}\u001f${key}`, 'hex') };
  }).sort((x, y) => (x.rank < y.rank ? -1 : x.rank > y.rank ? 1 : 0));
  const pairs = ranked.slice(0, blindSampleSize(ranked.length, config)).map(({ p, key }) => {
    const { records, fields } = pairItem(t, p.a, p.b, p.score, config);
    return { pair: blindPairId(key), records, fields };
  });
  return { seed, autoLinked: links.pairs.length, pairs };
}
