import { filterList, leavers, meetingList, meetingMembers, type ListFilter, type ListRow } from '../../analytics/panel/meeting-list.ts';
import { legend } from '../../analytics/panel/reasons.ts';
import type { CohortResult } from '../../analytics/products/cohort.ts';
import type { Action, User } from '../../schemas/access.ts';
import { DecisionInput, type DecisionEntry } from '../../schemas/panel.ts';
import type { Meeting } from '../../analytics/panel/meeting.ts';
import { authorise } from '../api/authorise.ts';
import type { AuditSink } from '../platform/audit/port.ts';
import type { Platform } from '../platform/platform.ts';
import { addDecision, addMeeting, loadDecisions, loadMeetings } from './store.ts';

/**
 * The Prevention Panel past the list, for every face (API, portal, CLI): meetings recorded by date, each meeting's
 * list with statuses and reasons, and decisions per member. A coordinator reads and writes their own panel only: the
 * policy (schemas/access.ts) is asked here as well as at the route, and a refusal is audited.
 */
export interface PanelDeps {
  platform: Platform;
  /** The cohort of a panel on a date (the product, through the API's cache or run directly by the CLI). */
  cohort(panel: string, asOf: string): Promise<CohortResult>;
  /** Set by faces without an audit trail of their own (the CLI); the API's middleware records each request itself. */
  audit?: AuditSink;
  route?: string;
}

/** A request the panel cannot take as asked: `status` says how (400 malformed, 404 no such meeting or member). */
export class PanelRequestError extends Error {
  constructor(message: string, readonly status: 400 | 404 = 400) {
    super(message);
    this.name = 'PanelRequestError';
  }
}
/** Outside the caller's role or panel (audited before it is thrown). */
export class PanelRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PanelRefused';
  }
}

async function audited(deps: PanelDeps, user: User, method: string, panel: string, outcome: 'allowed' | 'denied', touched: Record<string, string>, reason?: string) {
  await deps.audit?.append({
    time: deps.platform.now().toISOString(), user: user.id, role: user.role, method, route: deps.route ?? `panel ${method === 'GET' ? 'list' : 'write'}`,
    scope: { panel }, outcome, status: outcome === 'allowed' ? 200 : 403, touched, ...(reason ? { reason } : {}),
  });
}

async function allow(deps: PanelDeps, user: User, action: Action, panel: string, method: string, touched: Record<string, string> = {}) {
  if (!deps.platform.area.panels.some((p) => p.id === panel)) throw new PanelRequestError(`unknown panel "${panel}"; known: ${deps.platform.area.panels.map((p) => p.id).join(', ')}`, 404);
  const decision = authorise(user, { action, scope: { panel } }, deps.platform.agreement);
  if (!decision.allowed) {
    await audited(deps, user, method, panel, 'denied', touched, decision.reason);
    throw new PanelRefused(decision.reason);
  }
}

const panelName = (platform: Platform) => (id: string) => platform.area.panels.find((p) => p.id === id)?.name ?? id;

/** Records a meeting: the panel's list on its date is kept, with who left the list since the meeting before and why. */
export async function recordMeeting(deps: PanelDeps, user: User, panel: string, date: string): Promise<Meeting> {
  await allow(deps, user, 'panel.write', panel, 'POST', { meeting: date });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new PanelRequestError('the meeting date must be a date YYYY-MM-DD');
  const { platform } = deps;
  const members = meetingMembers(await deps.cohort(panel, date));
  const onOtherPanel = new Map<string, string>();
  for (const other of platform.area.panels.filter((p) => p.id !== panel)) {
    for (const m of (await deps.cohort(other.id, date)).members) onOtherPanel.set(m.person_id, other.id);
  }
  const meeting = await addMeeting(platform.storage, panel, date, (meetings) => {
    const previous = meetings.at(-1) ?? null;
    return {
      panel, date, recorded_by: user.id, recorded_at: platform.now().toISOString(), previous: previous?.date ?? null,
      members, left: leavers(previous, members, date, platform.deployment.cohort, onOtherPanel),
    };
  });
  await audited(deps, user, 'POST', panel, 'allowed', { meeting: date, members: String(members.length), left: String(meeting.left.length) });
  return meeting;
}

export async function meetingDates(deps: PanelDeps, user: User, panel: string): Promise<{ date: string; members: number; left: number; recorded_by: string }[]> {
  await allow(deps, user, 'panel.read', panel, 'GET');
  return (await loadMeetings(deps.platform.storage, panel)).map((m) => ({ date: m.date, members: m.members.length, left: m.left.length, recorded_by: m.recorded_by }));
}

export interface PanelList {
  panel: string; meeting: string; previous: string | null;
  legend: ReturnType<typeof legend>;
  count: number; rows: ListRow[];
}

/** A meeting's list (the latest unless one is named), filtered and sorted. */
export async function panelList(deps: PanelDeps, user: User, panel: string, meetingDate: string | undefined, filter: ListFilter = {}): Promise<PanelList> {
  await allow(deps, user, 'panel.read', panel, 'GET');
  const { platform } = deps;
  const meetings = await loadMeetings(platform.storage, panel);
  const meeting = meetingDate ? meetings.find((m) => m.date === meetingDate) : meetings.at(-1);
  if (!meeting) throw new PanelRequestError(meetingDate ? `no meeting of the ${panel} panel is recorded on ${meetingDate}` : `no meeting of the ${panel} panel is recorded yet: record one first`, 404);
  const rows = filterList(meetingList(meeting, meetings, await loadDecisions(platform.storage, panel), platform.deployment.cohort, panelName(platform)), filter);
  await audited(deps, user, 'GET', panel, 'allowed', { meeting: meeting.date });
  return { panel, meeting: meeting.date, previous: meeting.previous, legend: legend(platform.deployment.cohort), count: rows.length, rows };
}

/** Each field of a refused decision, by name and reason; never the value sent. */
const issues = (error: { issues: { path: PropertyKey[]; message: string; code: string; keys?: string[] }[] }) => error.issues
  .map((i) => (i.code === 'unrecognized_keys' ? `not a field of a decision: ${(i.keys ?? []).join(', ')} (free text is not accepted)` : `${i.path.join('.') || 'decision'}: ${i.message}`)).join('; ');

/** Records what the panel decided for a member at a meeting: fixed codes only, the member on that meeting's list. */
export async function recordDecision(deps: PanelDeps, user: User, panel: string, personId: string, input: unknown): Promise<DecisionEntry> {
  await allow(deps, user, 'panel.write', panel, 'POST', { person_id: /^P-[A-Za-z0-9_-]{4,76}$/.test(personId) ? personId : 'not a person id' });
  if (!/^P-[A-Za-z0-9_-]{4,76}$/.test(personId)) throw new PanelRequestError('person must be a pseudonymous person id from the list (P-…)');
  const parsed = DecisionInput.safeParse(input);
  if (!parsed.success) throw new PanelRequestError(issues(parsed.error as never));
  const d = parsed.data;
  const { platform } = deps;
  if (d.programme && !platform.deployment.programmes.some((p) => p.id === d.programme)) {
    throw new PanelRequestError(`programme: not a programme of the catalogue; one of ${platform.deployment.programmes.map((p) => p.id).join(', ')}`);
  }
  const meeting = (await loadMeetings(platform.storage, panel)).find((m) => m.date === d.meeting);
  if (!meeting) throw new PanelRequestError(`no meeting of the ${panel} panel is recorded on ${d.meeting}`, 404);
  if (!meeting.members.some((m) => m.person_id === personId) && !meeting.left.some((m) => m.person_id === personId)) {
    throw new PanelRequestError(`${personId} is not on the ${panel} panel's list of ${d.meeting}`, 404);
  }
  const entry: DecisionEntry = { ...d, person_id: personId, by: user.id, at: platform.now().toISOString() };
  await addDecision(platform.storage, panel, entry);
  await audited(deps, user, 'POST', panel, 'allowed', touchedBy(entry));
  return entry;
}

/** What the audit trail holds of a decision: the person's pseudonymous id and the codes. */
export const touchedBy = (e: DecisionEntry): Record<string, string> => Object.fromEntries(
  (['person_id', 'meeting', 'decision', 'programme', 'service', 'consent', 'support_start', 'outcome'] as const).filter((k) => e[k] !== undefined).map((k) => [k, String(e[k])]));
