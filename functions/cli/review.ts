import { defaultEngine, openEngine } from '../../analytics/engine.ts';
import type { Interval, Quality } from '../../analytics/matching/quality.ts';
import { findItem, type BlindItem, type ReviewItem } from '../../analytics/matching/review.ts';
import { currentBlindQueue, reviewStats } from '../linkage/blind-review.ts';
import { decide, undo } from '../linkage/decisions.ts';
import { currentModel, currentReviewQueue, reviewQueueByImpact } from '../linkage/people.ts';
import type { Platform } from '../platform/platform.ts';
import { optional, required, UsageError, type ParsedArgs } from './args.ts';

const fields = (i: BlindItem) => Object.entries(i.fields).map(([f, a]) => `${f}:${a}`).join(' ');
const partners = (i: BlindItem) => `${i.records[0].partner} ↔ ${i.records[1].partner}`;
const line = (i: ReviewItem & { impact?: string | null }) => `${i.pair}  ${i.score.toFixed(3)}  ${fields(i)}  ${partners(i)}${i.impact ? `  touches the ${i.impact}` : ''}${i.held ? `  held: ${i.held}` : ''}`;
const blindLine = (i: BlindItem) => `${i.pair}  ${fields(i)}  ${partners(i)}`;

function count(flags: ParsedArgs['flags'], name: string, fallback: number): number {
  const value = optional(flags, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, not "${value}"`);
  return Number(value);
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const interval = (i: Interval | null, none: string) => (i ? `${pct(i.estimate)} (95% interval ${pct(i.low)}–${pct(i.high)})` : none);
const n = (x: number) => x.toLocaleString('en-GB');

export function statsText(q: Quality): string {
  return [
    `auto-links: ${n(q.blind.autoLinked)} in the latest linking run; ${n(q.blind.offered)} offered for blind review; ${n(q.blind.accepted + q.blind.rejected)} decided (${n(q.blind.accepted)} one person, ${n(q.blind.rejected)} not)`,
    `precision of auto-links: ${interval(q.precision, 'not estimated until a blind pair is decided')}`,
    `review queue: ${n(q.queue.accepted + q.queue.rejected)} decided (${n(q.queue.accepted)} accepted, ${n(q.queue.rejected)} rejected); ${n(q.queue.waiting)} waiting`,
    `recall: ${interval(q.recall, 'not estimated until a blind pair and a queue pair are decided')}; it counts only matches that reached the review queue`,
  ].join('\n');
}

/** `vrn review list|blind|accept|reject|undo|stats|model`: the review queue and blind review (decisions remembered and audited), and the model. */
export async function runReview(platform: Platform, action: string | undefined, flags: ParsedArgs['flags']): Promise<number> {
  if (!action || !['list', 'blind', 'accept', 'reject', 'undo', 'stats', 'model'].includes(action)) throw new UsageError('review needs list, blind, accept, reject, undo, stats or model');
  const json = flags.format === 'json';
  const user = { user: optional(flags, 'user') ?? process.env.USER ?? 'cli', role: 'analyst' };
  const deps = { storage: platform.storage, audit: platform.audit, now: () => platform.now() };
  if (action === 'model') {
    // The model the latest linking run trained: levels, m, u and λ (never a value).
    console.log(JSON.stringify(await currentModel(platform), null, 2));
    return 0;
  }
  if (action === 'undo') {
    const undone = await undo(deps, { pair: required(flags, 'pair'), ...user });
    if (!undone) throw new UsageError(`no decision on pair ${required(flags, 'pair')} to take back`);
    console.log(json ? JSON.stringify(undone) : `${undone.pair}: ${undone.decision} taken back`);
    return 0;
  }
  const engine = await openEngine(defaultEngine.request, platform);
  try {
    if (action === 'stats') {
      const stats = await reviewStats(platform, engine);
      console.log(json ? JSON.stringify(stats, null, 2) : statsText(stats));
      return 0;
    }
    if (action === 'list' || action === 'blind') {
      const impact = optional(flags, 'impact');
      if (impact !== undefined && impact !== 'cohort') throw new UsageError('--impact takes cohort (the pairs touching a panel cohort member)');
      const queue: BlindItem[] = action === 'list'
        ? await reviewQueueByImpact(platform, engine, { only: impact === 'cohort' ? 'cohort' : undefined, asOf: optional(flags, 'as-of') })
        : await currentBlindQueue(platform, engine);
      const limit = count(flags, 'limit', 50), offset = count(flags, 'offset', 0);
      const page = queue.slice(offset, offset + limit);
      if (json) console.log(JSON.stringify({ total: queue.length, offset, limit, pairs: page }, null, 2));
      else {
        const shown = queue.length > page.length ? ` (${page.length ? `${offset + 1}–${offset + page.length}` : 'none'} shown; --offset and --limit for others)` : '';
        const what = action === 'list' ? `to review${impact ? ' touching a panel cohort member' : ', those touching a panel cohort member first, then best score first'}` : 'auto-linked, for blind review (no score shown)';
        console.log([`${queue.length} pair${queue.length === 1 ? '' : 's'} ${what}${shown}`, ...page.map((i) => (action === 'list' ? line(i as ReviewItem) : blindLine(i)))].join('\n'));
      }
      return 0;
    }
    const pair = required(flags, 'pair');
    let item: BlindItem;
    try {
      item = findItem(pair.startsWith('B-') ? await currentBlindQueue(platform, engine) : await currentReviewQueue(platform, engine), pair);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    const decision = await decide(deps, { item, decision: action as 'accept' | 'reject', ...user });
    console.log(json ? JSON.stringify(decision) : `${decision.pair}: ${decision.decision}ed`);
    return 0;
  } finally {
    await engine.close();
  }
}
