import { createHash } from 'node:crypto';
import type { AuditSink } from '../../functions/platform/audit/port.ts';
import { getJson, PreconditionFailed, type Storage } from '../../functions/platform/storage/port.ts';
import { clkFields, linkageConfig, type ClkField, type LinkageConfig } from '../../schemas/linkage.ts';
import type { Engine } from '../ir.ts';
import { linkPeople, loadLinkRows } from './link-rows.ts';
import type { Explanation } from './model.ts';
import { pairKey, type Decisions, type TableResolution } from './resolve.ts';

/**
 * The review queue: pairs scoring between the review and auto-link thresholds that stayed apart (and pairs the twin
 * guard held), each shown by its pseudonymous record ids, which fields agreed and the pair's explanation: the prior
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
  explanation: Explanation;
}

export const pairId = (key: string): string => `R-${createHash('sha256').update(key).digest('base64url').slice(0, 10)}`;

/** A level as agreement: the best level agrees, `different` disagrees, any other partly. */
const agreement = (c: ClkField, level: string, config: LinkageConfig): Agreement =>
  level === 'missing' ? 'missing' : level === 'different' ? 'disagree' : level === config.comparisons[c].levels[0].level ? 'agree' : 'partial';

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function reviewQueue(resolution: TableResolution, config: LinkageConfig = resolution.table.config): ReviewItem[] {
  const t = resolution.table;
  return resolution.review.map((p) => {
    const [u, v] = [t.unit[p.a], t.unit[p.b]];
    const explained = t.explain(u, v) ?? { prior: 0, comparisons: clkFields.map((comparison) => ({ comparison, level: 'missing', weight: 0 })) };
    const explanation: Explanation = { prior: round(explained.prior), comparisons: explained.comparisons.map((c) => ({ ...c, weight: round(c.weight) })) };
    return {
      pair: pairId(pairKey(t.ids[p.a], t.ids[p.b])),
      records: [{ id: t.ids[p.a], partner: t.partners[t.partner[p.a]] }, { id: t.ids[p.b], partner: t.partners[t.partner[p.b]] }],
      score: round(p.score),
      fields: Object.fromEntries(explanation.comparisons.map((c) => [c.comparison, agreement(c.comparison, c.level, config)])) as Record<ClkField, Agreement>,
      explanation,
    };
  });
}

// ---- Decisions, remembered in storage ----

export const DECISIONS_KEY = 'linkage/review/decisions.json';

export interface Decision { decision: 'accept' | 'reject'; pair: string; by: string; at: string }
interface DecisionFile { decisions: Record<string, Decision> }

export async function loadDecisions(storage: Storage): Promise<Map<string, 'accept' | 'reject'>> {
  const file = await getJson<DecisionFile>(storage, DECISIONS_KEY);
  return new Map(Object.entries(file?.value.decisions ?? {}).map(([key, d]) => [key, d.decision]));
}

/**
 * Records an analyst's decision on a queued pair: a conditional write, retried when another decision landed first,
 * so none is lost; then an audit entry naming the pair's id and the decision (no record id, no value). The audit
 * sink is optional until the platform provides one.
 */
export async function decide(
  deps: { storage: Storage; audit?: AuditSink; now: () => Date },
  request: { item: Pick<ReviewItem, 'pair' | 'records'>; decision: 'accept' | 'reject'; user: string; role: string; route?: string },
): Promise<Decision> {
  const [a, b] = request.item.records;
  const key = pairKey(a.id, b.id);
  const entry: Decision = { decision: request.decision, pair: request.item.pair, by: request.user, at: deps.now().toISOString() };
  for (let attempt = 0; ; attempt++) {
    const current = await getJson<DecisionFile>(deps.storage, DECISIONS_KEY);
    const next: DecisionFile = { decisions: { ...(current?.value.decisions ?? {}), [key]: entry } };
    try {
      await deps.storage.put(DECISIONS_KEY, JSON.stringify(next, null, 1), current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
      break;
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= 20) throw error;
    }
  }
  await deps.audit?.append({
    time: entry.at, user: request.user, role: request.role, method: 'POST', route: request.route ?? `review ${request.decision}`,
    scope: {}, outcome: 'allowed', status: 200, touched: { review_pair: request.item.pair, decision: request.decision },
  });
  return entry;
}

export function findItem(queue: readonly ReviewItem[], pair: string): ReviewItem {
  const item = queue.find((i) => i.pair === pair);
  if (!item) throw new RangeError(`no pair ${pair} in the review queue (it may have been decided, or linked by another decision)`);
  return item;
}

/** The queue as it stands: every person row, resolved with the decisions so far. */
export async function currentQueue(engine: Engine, storage: Storage, config: LinkageConfig = linkageConfig): Promise<ReviewItem[]> {
  return reviewQueue(linkPeople(await loadLinkRows(engine), await loadDecisions(storage), config), config);
}
