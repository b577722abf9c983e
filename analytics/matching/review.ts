import { clkFields, type ClkField, type LinkageConfig } from '../../schemas/linkage.ts';
import type { Explanation } from './model.ts';
import { pairKey, type TableResolution } from './resolve.ts';
import { sha256 } from './sha256.ts';
import type { LinkTable } from './table.ts';

export type { Explanation } from './model.ts';

/**
 * The review queue: pairs scoring between the review and auto-link thresholds that stayed apart (and pairs the twin
 * guard held), each shown by its pseudonymous record ids, which fields agreed and the pair's evidence: the prior
 * and each comparison's level and weight in log-odds (model.ts) — never a value. Levels come from the CLK's
 * per-field segments (the Dice of each segment): graded (a typo shows as close), no extra stored column, and no
 * per-field deterministic hash that would let anyone count how often a surname occurs.
 */
export type Agreement = 'agree' | 'partial' | 'disagree' | 'missing';

export interface ReviewItem {
  /** Short id of the pair, for `vrn review accept|reject --pair ID`. */
  pair: string;
  records: [{ id: string; partner: string }, { id: string; partner: string }];
  score: number;
  fields: Record<ClkField, Agreement>;
  /** Why the pair scored what it did (the waterfall draws it): it sums to the score. */
  evidence: Explanation;
  /** The guard that kept the pair from linking without review whatever its score (schemas/linkage.ts guards). */
  held?: string;
}

/** An auto-linked pair offered for blind review: no score and no evidence, so the analyst judges it afresh. */
export type BlindItem = Omit<ReviewItem, 'score' | 'evidence' | 'held'>;

const shortHash = (key: string) => sha256(key, 'base64url').slice(0, 10);
export const pairId = (key: string): string => `R-${shortHash(key)}`;
/** Blind pairs have ids of their own, so a decision on one is never taken for a queue decision. */
export const blindPairId = (key: string): string => `B-${shortHash(key)}`;

/** A level as agreement: the best level agrees, `different` disagrees, any other partly. */
const agreement = (c: ClkField, level: string, config: LinkageConfig): Agreement =>
  level === 'missing' ? 'missing' : level === 'different' ? 'disagree' : level === config.comparisons[c].levels[0].level ? 'agree' : 'partial';

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** Records x and y of the table as a reviewable pair: ids, partners, field agreement and evidence. */
export function pairItem(t: LinkTable, x: number, y: number, score: number, config: LinkageConfig = t.config): ReviewItem {
  const [u, v] = [t.unit[x], t.unit[y]];
  const explained = t.explain(u, v) ?? { prior: 0, comparisons: clkFields.map((comparison) => ({ comparison, level: 'missing', weight: 0 })) };
  const evidence: Explanation = { prior: round(explained.prior), comparisons: explained.comparisons.map((c) => ({ ...c, weight: round(c.weight) })) };
  return {
    pair: pairId(pairKey(t.ids[x], t.ids[y])),
    records: [{ id: t.ids[x], partner: t.partners[t.partner[x]] }, { id: t.ids[y], partner: t.partners[t.partner[y]] }],
    score: round(score),
    fields: Object.fromEntries(evidence.comparisons.map((c) => [c.comparison, agreement(c.comparison, c.level, config)])) as Record<ClkField, Agreement>,
    evidence,
    ...(() => { const held = t.guardOf(u, v); return held ? { held } : {}; })(),
  };
}

export function reviewQueue(resolution: TableResolution, config: LinkageConfig = resolution.table.config): ReviewItem[] {
  return resolution.review.map((p) => pairItem(resolution.table, p.a, p.b, p.score, config));
}

export function findItem<T extends { pair: string }>(queue: readonly T[], pair: string): T {
  const item = queue.find((i) => i.pair === pair);
  if (!item) throw new RangeError(`no pair ${pair} in the review queue (it may have been decided, or linked by another decision)`);
  return item;
}
