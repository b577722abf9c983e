import { openEngine } from '../../analytics/engine.ts';
import { decide, findItem, type ReviewItem } from '../../analytics/matching/review.ts';
import { currentModel, currentReviewQueue } from '../linkage/people.ts';
import type { Platform } from '../platform/platform.ts';
import { optional, required, UsageError, type ParsedArgs } from './args.ts';

const line = (i: ReviewItem) =>
  `${i.pair}  ${i.score.toFixed(3)}  ${Object.entries(i.fields).map(([f, a]) => `${f}:${a}`).join(' ')}  ${i.records[0].partner} ↔ ${i.records[1].partner}`;

function count(flags: ParsedArgs['flags'], name: string, fallback: number): number {
  const value = optional(flags, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, not "${value}"`);
  return Number(value);
}

/** `vrn review list|accept|reject|model`: the linkage review queue (decisions remembered and audited), and the model. */
export async function runReview(platform: Platform, action: string | undefined, flags: ParsedArgs['flags']): Promise<number> {
  if (!action || !['list', 'accept', 'reject', 'model'].includes(action)) throw new UsageError('review needs list, accept, reject or model');
  if (action === 'model') {
    // The model the latest linking run trained: levels, m, u and λ (never a value).
    console.log(JSON.stringify(await currentModel(platform), null, 2));
    return 0;
  }
  const engine = await openEngine('sql', platform);
  try {
    const queue = await currentReviewQueue(platform, engine);
    if (action === 'list') {
      const limit = count(flags, 'limit', 50), offset = count(flags, 'offset', 0);
      const page = queue.slice(offset, offset + limit);
      if (flags.format === 'json') console.log(JSON.stringify({ total: queue.length, offset, limit, pairs: page }, null, 2));
      else {
        const shown = queue.length > page.length ? ` (${page.length ? `${offset + 1}–${offset + page.length}` : 'none'} shown; --offset and --limit for others)` : '';
        console.log([`${queue.length} pair${queue.length === 1 ? '' : 's'} to review, best score first${shown}`, ...page.map(line)].join('\n'));
      }
      return 0;
    }
    let item: ReviewItem;
    try {
      item = findItem(queue, required(flags, 'pair'));
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    const decision = await decide(
      // The audit sink joins Platform in another change; until then decisions are remembered but not audited here.
      { storage: platform.storage, audit: platform.audit, now: () => platform.now() },
      { item, decision: action as 'accept' | 'reject', user: optional(flags, 'user') ?? process.env.USER ?? 'cli', role: 'analyst' },
    );
    console.log(flags.format === 'json' ? JSON.stringify(decision) : `${decision.pair}: ${decision.decision}ed`);
    return 0;
  } finally {
    await engine.close();
  }
}
