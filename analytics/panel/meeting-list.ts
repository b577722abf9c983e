import type { CohortRules } from '../../schemas/cohort.ts';
import { decisions as decisionWords, statuses, type DecisionEntry, type LeavingReason, type Status } from '../../schemas/panel.ts';
import type { LeftMember, Meeting, MeetingMember } from './meeting.ts';
import type { CohortResult } from '../products/cohort.ts';
import { counted, eventsInWords, longDate, reasonsFor } from './reasons.ts';

/** The datasets whose new records mean a referred child has been seen again. */
const SEEN_IN = ['police_person', 'asb_incident'] as const;

/** The cohort as a meeting holds it: counts and codes, and the keys of the crime and ASB records. */
export const meetingMembers = (cohort: CohortResult): MeetingMember[] => cohort.members.map(({ partners: _, records, ...m }) => ({
  person_id: m.person_id, age: m.age, sex: m.sex, locality: m.locality, criteria: m.criteria, factors: m.factors, score: m.score,
  events: m.events, last_event_date: m.last_event_date,
  seen: records.filter((r) => (SEEN_IN as readonly string[]).includes(r.dataset)).map((r) => `${r.dataset}:${r.record_key}`).sort(),
}));

const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/**
 * The members of the meeting before who are not on this list, and why: found on another panel's list the same day,
 * past the panel's age by now, or else no longer meeting a mandatory criterion (or now already supported).
 */
export function leavers(previous: Meeting | null, members: MeetingMember[], date: string, rules: CohortRules, onOtherPanel: Map<string, string>): LeftMember[] {
  if (!previous) return [];
  const here = new Set(members.map((m) => m.person_id));
  return previous.members.filter((m) => !here.has(m.person_id)).map((before): LeftMember => {
    const other = onOtherPanel.get(before.person_id);
    if (other) return { person_id: before.person_id, why: 'other_panel', other_panel: other, before };
    const agedOut = before.age + Math.floor(daysBetween(previous.date, date) / 365.25) > rules.ageTo;
    return { person_id: before.person_id, why: agedOut ? 'aged_out' : 'criteria_lapsed', before };
  });
}

export function leavingWords(left: Pick<LeftMember, 'why' | 'other_panel'>, rules: CohortRules, panelName: (id: string) => string): string {
  const words: Record<LeavingReason, string> = {
    other_panel: `Now lives in the area of ${panelName(left.other_panel ?? '')}`,
    aged_out: `Now older than ${rules.ageTo}`,
    criteria_lapsed: `No longer meets M1 or M2 in the last ${rules.windowMonths} months, or now already supported (${rules.excludingServices.join(', ').replace(/_/g, ' ')})`,
  };
  return words[left.why];
}

/** A member's latest decision at or before a meeting, and the first referral of theirs. */
export function decisionAt(entries: DecisionEntry[] | undefined, date: string): DecisionEntry | null {
  return (entries ?? []).filter((e) => e.meeting <= date).at(-1) ?? null;
}
export const isReferral = (e: Pick<DecisionEntry, 'decision'>) => e.decision === 'refer_programme' || e.decision === 'refer_service';

export type ListRow = Omit<MeetingMember, 'seen'> & {
  status: Status;
  status_words: string;
  /** Why a member is no longer eligible, in words. */
  why: string | null;
  reasons: string[];
  events_words: string;
  /** Referred at an earlier meeting and in new crime or ASB records since: what is new, in words. */
  seen_again: string | null;
  decision: DecisionEntry | null;
};

/** Seen again: a member referred before this meeting with police or ASB records the meeting before did not hold. */
function seenAgain(member: MeetingMember, meeting: Meeting, byDate: Map<string, Meeting>, entries: DecisionEntry[] | undefined): string | null {
  const referral = (entries ?? []).find((e) => isReferral(e) && e.meeting < meeting.date);
  if (!referral) return null;
  const at = (date: string | null) => (date ? byDate.get(date)?.members.find((m) => m.person_id === member.person_id) : undefined);
  // New since the meeting before if the child was on its list, else since the meeting that referred them.
  const since = at(meeting.previous) ? meeting.previous! : referral.meeting;
  const baseline = at(since);
  if (!baseline) return null;
  const before = new Set(baseline.seen);
  const fresh = member.seen.filter((k) => !before.has(k));
  const of = (dataset: string) => fresh.filter((k) => k.startsWith(`${dataset}:`)).length;
  const parts = [
    ...(of('police_person') ? [`${of('police_person')} new ${of('police_person') === 1 ? 'crime record' : 'crime records'}`] : []),
    ...(of('asb_incident') ? [`${counted(of('asb_incident'), 'asb_incident').replace('anti-social', 'new anti-social')}`] : []),
  ];
  if (!parts.length) return null;
  return `Referred at the meeting of ${longDate(referral.meeting)}; since the meeting of ${longDate(since)}: ${parts.join(' and ')}`;
}

/** A meeting's list: every member with their status against the meeting before, their reasons and their decision. */
export function meetingList(meeting: Meeting, meetings: Meeting[], decisions: Record<string, DecisionEntry[]>, rules: CohortRules, panelName: (id: string) => string): ListRow[] {
  const byDate = new Map(meetings.map((m) => [m.date, m]));
  const before = new Set(byDate.get(meeting.previous ?? '')?.members.map((m) => m.person_id) ?? []);
  const row = ({ seen: _, ...m }: MeetingMember, status: Status, why: string | null, seen: string | null): ListRow => ({
    ...m, status, status_words: statuses[status], why, reasons: reasonsFor(m, rules), events_words: eventsInWords(m.events),
    seen_again: seen, decision: decisionAt(decisions[m.person_id], meeting.date),
  });
  return [
    ...meeting.members.map((m) => row(m, meeting.previous && before.has(m.person_id) ? 'still_eligible' : 'new', null, seenAgain(m, meeting, byDate, decisions[m.person_id]))),
    ...meeting.left.map((l) => row(l.before, 'no_longer_eligible', leavingWords(l, rules, panelName), null)),
  ];
}

export const sorts = ['score', 'age', 'locality', 'status', 'person'] as const;
export type ListSort = (typeof sorts)[number];
export interface ListFilter { status?: Status; criterion?: string; locality?: string; ageFrom?: number; ageTo?: number; minScore?: number; sort?: ListSort }

const statusOrder: Record<Status, number> = { new: 0, still_eligible: 1, no_longer_eligible: 2 };

/** The list filtered and sorted as asked (score: highest first; the rest ascending; ties by score, then id). */
export function filterList(rows: ListRow[], f: ListFilter): ListRow[] {
  const kept = rows.filter((r) => (!f.status || r.status === f.status)
    && (!f.criterion || r.criteria.includes(f.criterion) || r.factors.includes(f.criterion))
    && (!f.locality || r.locality === f.locality)
    && (f.ageFrom === undefined || r.age >= f.ageFrom) && (f.ageTo === undefined || r.age <= f.ageTo)
    && (f.minScore === undefined || r.score >= f.minScore));
  const key: Record<ListSort, (a: ListRow, b: ListRow) => number> = {
    score: () => 0,
    age: (a, b) => a.age - b.age,
    locality: (a, b) => a.locality.localeCompare(b.locality),
    status: (a, b) => statusOrder[a.status] - statusOrder[b.status],
    person: (a, b) => a.person_id.localeCompare(b.person_id),
  };
  const by = key[f.sort ?? 'score'];
  return [...kept].sort((a, b) => by(a, b) || b.score - a.score || a.person_id.localeCompare(b.person_id));
}

export const decisionWordsOf = (e: DecisionEntry | null) => (e ? decisionWords[e.decision] : null);
