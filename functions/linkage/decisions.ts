import { pairKey } from '../../analytics/matching/resolve.ts';
import type { BlindItem } from '../../analytics/matching/review.ts';
import type { AuditSink } from '../platform/audit/port.ts';
import { getJson, updateJson, type Storage } from '../platform/storage/port.ts';

/**
 * Analysts' review decisions, remembered in storage. Queue decisions (and rejections of blind-reviewed links)
 * change who is one person, so they are part of the data version; blind decisions on auto-links that were
 * accepted change nothing and are kept apart, for the quality estimates alone.
 */
export const DECISIONS_KEY = 'linkage/review/decisions.json';
export const BLIND_DECISIONS_KEY = 'linkage/review/blind-decisions.json';

export type Verdict = 'accept' | 'reject';
export interface Decision { decision: Verdict; pair: string; by: string; at: string }
interface DecisionFile { decisions: Record<string, Decision> }

/** Every decision in a file, by pair key. */
export async function loadDecisionEntries(storage: Storage, file = DECISIONS_KEY): Promise<Map<string, Decision>> {
  return new Map(Object.entries((await getJson<DecisionFile>(storage, file))?.value.decisions ?? {}));
}

export async function loadDecisions(storage: Storage): Promise<Map<string, Verdict>> {
  return new Map([...await loadDecisionEntries(storage)].map(([key, d]) => [key, d.decision]));
}

/** Changes a decision file with a conditional write (updateJson), so no decision is lost. */
const change = (storage: Storage, file: string, edit: (decisions: Record<string, Decision>) => void) =>
  updateJson<DecisionFile>(storage, file, () => ({ decisions: {} }), (current) => {
    const decisions = { ...current.decisions };
    edit(decisions);
    return { decisions };
  });

interface Deps { storage: Storage; audit?: AuditSink; now: () => Date }
interface Request { item: Pick<BlindItem, 'pair' | 'records'>; decision: Verdict; user: string; role: string; route?: string }

/** An audit entry naming the pair's id and the decision (no record id, no value). The API's middleware writes its own. */
const audited = (deps: Deps, r: { pair: string; decision: string; user: string; role: string; route: string }, at: string) => deps.audit?.append({
  time: at, user: r.user, role: r.role, method: 'POST', route: r.route, scope: {}, outcome: 'allowed', status: 200,
  touched: { review_pair: r.pair, decision: r.decision },
});

/**
 * Records an analyst's decision on a pair. A blind pair (id B-…) is recorded among the blind decisions, and a
 * rejected one also as a rejection like any other, so the link it refuses is undone; an accepted one changes nothing.
 */
export async function decide(deps: Deps, request: Request): Promise<Decision> {
  const [a, b] = request.item.records;
  const key = pairKey(a.id, b.id);
  const entry: Decision = { decision: request.decision, pair: request.item.pair, by: request.user, at: deps.now().toISOString() };
  const blind = request.item.pair.startsWith('B-');
  if (blind) await change(deps.storage, BLIND_DECISIONS_KEY, (d) => { d[key] = entry; });
  if (!blind || request.decision === 'reject') await change(deps.storage, DECISIONS_KEY, (d) => { d[key] = entry; });
  await audited(deps, { ...request, pair: entry.pair, route: request.route ?? `review ${request.decision}` }, entry.at);
  return entry;
}

/** Takes back the decision on a pair, by its id (from either list); null when there is none. */
export async function undo(deps: Deps, request: { pair: string; user: string; role: string; route?: string }): Promise<Decision | null> {
  const found: { decision?: Decision } = {};
  const drop = (decisions: Record<string, Decision>) => {
    for (const [key, d] of Object.entries(decisions)) if (d.pair === request.pair) { found.decision ??= d; delete decisions[key]; }
  };
  const files = request.pair.startsWith('B-') ? [BLIND_DECISIONS_KEY, DECISIONS_KEY] : [DECISIONS_KEY];
  for (const file of files) {
    const had = [...(await loadDecisionEntries(deps.storage, file)).values()].some((d) => d.pair === request.pair);
    if (had) await change(deps.storage, file, drop);
  }
  if (found.decision) await audited(deps, { ...request, decision: 'undo', route: request.route ?? 'review undo' }, deps.now().toISOString());
  return found.decision ?? null;
}
