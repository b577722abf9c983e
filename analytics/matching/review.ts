import { createHash } from 'node:crypto';
import { clkFields, linkageConfig, type ClkField, type LinkageConfig } from '../../schemas/linkage.ts';
import { pairKey, type TableResolution } from './resolve.ts';
import type { LinkTable } from './table.ts';

/**
 * The review queue: pairs scoring between the review and auto-link thresholds that stayed apart, each shown by its
 * pseudonymous record ids and which fields agreed — never a value. Field agreement comes from the CLK's per-field
 * segments (the Dice of each segment): graded (a typo shows as partial), no extra stored column, and no per-field
 * deterministic hash that would let anyone count how often a surname occurs.
 */
export type Agreement = 'agree' | 'partial' | 'disagree' | 'missing';

/**
 * Why a pair scored what it did: the prior and each comparison's level and weight, in natural log-odds, so that
 * score = 1 / (1 + exp(-(prior + Σ weight))). Levels are short words; no value ever.
 */
export interface Explanation {
  prior: number;
  comparisons: { comparison: string; level: string; weight: number }[];
}

export interface ReviewItem {
  /** Short id of the pair, for `vrn review accept|reject --pair ID`. */
  pair: string;
  records: [{ id: string; partner: string }, { id: string; partner: string }];
  score: number;
  fields: Record<ClkField, Agreement>;
  /** The pair's evidence, when the model gives it (the waterfall draws it). */
  evidence?: Explanation;
}

/** An auto-linked pair offered for blind review: no score and no evidence, so the analyst judges it afresh. */
export type BlindItem = Omit<ReviewItem, 'score' | 'evidence'>;

const shortHash = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 10);
export const pairId = (key: string): string => `R-${shortHash(key)}`;
/** Blind pairs have ids of their own, so a decision on one is never taken for a queue decision. */
export const blindPairId = (key: string): string => `B-${shortHash(key)}`;

const levelOf = (d: number | null, config: LinkageConfig): Agreement =>
  (d === null ? 'missing' : d >= config.agreement.agree ? 'agree' : d >= config.agreement.partial ? 'partial' : 'disagree');

/**
 * Today's model explained: each field's weight as scoreOfDice (clk.ts) adds it, its level as the queue shows it.
 * A field missing on either side weighs nothing.
 */
export function explainDice(dice: readonly (number | null)[], config: LinkageConfig = linkageConfig): Explanation {
  return {
    prior: config.prior,
    comparisons: clkFields.map((f, i) => {
      const v = dice[i];
      if (v === null) return { comparison: f, level: 'missing', weight: 0 };
      const { agree, disagree, floor, curve } = config.evidence[f];
      const weight = disagree + (agree - disagree) * Math.max(0, (v - floor) / (1 - floor)) ** curve;
      return { comparison: f, level: levelOf(v, config), weight: Math.round(weight * 1000) / 1000 };
    }),
  };
}

/** Records x and y of the table as a reviewable pair: ids, partners, field agreement and evidence. */
export function pairItem(t: LinkTable, x: number, y: number, score: number, config: LinkageConfig = t.config): ReviewItem {
  const [u, v] = [t.unit[x], t.unit[y]];
  const dice = t.encoded[u] && t.encoded[v] ? t.fieldDice(u, v) : clkFields.map(() => null);
  return {
    pair: pairId(pairKey(t.ids[x], t.ids[y])),
    records: [{ id: t.ids[x], partner: t.partners[t.partner[x]] }, { id: t.ids[y], partner: t.partners[t.partner[y]] }],
    score: Math.round(score * 10_000) / 10_000,
    fields: Object.fromEntries(clkFields.map((f, i) => [f, levelOf(dice[i], config)])) as Record<ClkField, Agreement>,
    evidence: explainDice(dice, config),
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
