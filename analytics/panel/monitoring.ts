import { Publication, type Counted, type Shown } from '../disclosure.ts';
import type { DecisionEntry } from '../../schemas/panel.ts';
import type { Meeting } from './meeting.ts';
import { isReferral } from './meeting-list.ts';

/**
 * The panel's monitoring return for the Home Office and the evaluation, per month of meetings: children identified
 * (first on a meeting's list), reviewed (a decision recorded), referred (first referral, by support type), engaged
 * and completed (first such outcome); the days from identification to referral; and who the referrals reached (age
 * band, sex, locality). Each child counts once in identified, referred, engaged and completed, so the months add
 * up to the whole period, and the support types to the referrals: lines for disclosure control (analytics/disclosure.ts).
 */
export const monitorAgeBands = [{ band: '10-13', from: 10, to: 13 }, { band: '14-15', from: 14, to: 15 }, { band: '16-17', from: 16, to: 17 }] as const;
export const monitorMeasures = ['identified', 'reviewed', 'referred', 'engaged', 'completed'] as const;
type Measure = (typeof monitorMeasures)[number];

export type Count = number | null;
export interface MonitorPeriod {
  month: string;
  identified: Count; reviewed: Count; referred: Count; engaged: Count; completed: Count;
  referred_by_support: Record<string, Count>;
  /** Median whole days from the meeting that first listed a child to the one that referred them; null when none or withheld. */
  median_days_to_referral: number | null;
}
export interface MonitorResult {
  panel: string;
  /** Counts from 1 to this are withheld (null), and others where they would give one away. */
  max_suppressed: number;
  months: MonitorPeriod[];
  all: MonitorPeriod;
  reached: { age_band: Record<string, Count>; sex: Record<string, Count>; locality: Record<string, Count> };
}

export interface MonitorInputs {
  panel: string;
  meetings: Meeting[];
  decisions: Record<string, DecisionEntry[]>;
  /** Support types in order: the catalogue's programmes, then the other services. */
  supportTypes: string[];
  localities: string[];
  sexes: string[];
  maxSuppressed: number;
}

const month = (date: string) => date.slice(0, 7);
const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
};
const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
export const supportOf = (e: DecisionEntry) => (e.decision === 'refer_programme' ? e.programme! : e.service!);

export function panelMonitoring(input: MonitorInputs): Counted<MonitorResult> {
  const meetings = [...input.meetings].sort((a, b) => a.date.localeCompare(b.date));
  const identifiedOn = new Map<string, { date: string; age: number; sex: string | null; locality: string }>();
  for (const m of meetings) for (const p of m.members) if (!identifiedOn.has(p.person_id)) identifiedOn.set(p.person_id, { date: m.date, age: p.age, sex: p.sex, locality: p.locality });

  const events: Record<Measure, Map<string, Set<string>>> = Object.fromEntries(monitorMeasures.map((k) => [k, new Map()])) as never;
  const add = (measure: Measure, at: string, person: string) => (events[measure].get(month(at)) ?? events[measure].set(month(at), new Set()).get(month(at))!).add(person);
  for (const [person, { date }] of identifiedOn) add('identified', date, person);
  const referrals = new Map<string, DecisionEntry>();
  for (const [person, entries] of Object.entries(input.decisions)) {
    for (const e of entries) add('reviewed', e.meeting, person);
    const referral = entries.find(isReferral);
    if (referral) { referrals.set(person, referral); add('referred', referral.meeting, person); }
    for (const outcome of ['engaged', 'completed'] as const) {
      const first = entries.find((e) => e.outcome === outcome);
      if (first) add(outcome, first.meeting, person);
    }
  }
  const months = [...new Set(monitorMeasures.flatMap((k) => [...events[k].keys()]))].sort();
  const pub = new Publication();
  const cell = (n: number) => pub.cell(n, input.maxSuppressed);
  const types = input.supportTypes;

  const period = (people: (m: Measure) => Set<string>, referred: DecisionEntry[], person: (e: DecisionEntry) => string) => {
    const cells = Object.fromEntries(monitorMeasures.map((k) => [k, cell(people(k).size)])) as Record<Measure, number>;
    const byType = Object.fromEntries(types.map((t) => [t, cell(referred.filter((e) => supportOf(e) === t).length)]));
    pub.line(cells.referred, Object.values(byType));
    const waits = referred.map((e) => days(identifiedOn.get(person(e))?.date ?? e.meeting, e.meeting));
    return { cells, byType, median: median(waits) };
  };
  const referredIn = (m: string) => [...referrals].filter(([, e]) => month(e.meeting) === m);
  const personOf = new Map([...referrals].map(([p, e]) => [e, p]));
  const monthly = months.map((m) => ({ month: m, ...period((k) => events[k].get(m) ?? new Set(), referredIn(m).map(([, e]) => e), (e) => personOf.get(e)!) }));
  const everyone = (k: Measure) => new Set([...events[k].values()].flatMap((s) => [...s]));
  const all = { month: 'all', ...period(everyone, [...referrals.values()], (e) => personOf.get(e)!) };
  for (const k of ['identified', 'referred', 'engaged', 'completed'] as const) pub.line(all.cells[k], monthly.map((p) => p.cells[k]));
  for (const t of types) pub.line(all.byType[t], monthly.map((p) => p.byType[t]));

  const reachedBy = (keys: string[], of: (who: { age: number; sex: string | null; locality: string }) => string) => {
    const cells = Object.fromEntries(keys.map((k) => [k, cell([...referrals.keys()].filter((p) => identifiedOn.has(p) && of(identifiedOn.get(p)!) === k).length)]));
    pub.line(all.cells.referred, Object.values(cells));
    return cells;
  };
  const reached = {
    age_band: reachedBy(monitorAgeBands.map((b) => b.band), (w) => monitorAgeBands.find((b) => w.age >= b.from && w.age <= b.to)?.band ?? 'other'),
    sex: reachedBy([...input.sexes, 'not_recorded'], (w) => (w.sex && w.sex !== 'unknown' ? w.sex : 'not_recorded')),
    locality: reachedBy(input.localities, (w) => w.locality),
  };

  return {
    audience: 'csp',
    cells: pub,
    answer: (show: Shown) => {
      const shown = (c: number) => show(c).count;
      const out = (p: typeof all): MonitorPeriod => ({
        month: p.month,
        ...Object.fromEntries(monitorMeasures.map((k) => [k, shown(p.cells[k])])) as Record<Measure, Count>,
        referred_by_support: Object.fromEntries(Object.entries(p.byType).map(([t, c]) => [t, shown(c)])),
        median_days_to_referral: shown(p.cells.referred) === null ? null : p.median,
      });
      const shownAll = (cells: Record<string, number>) => Object.fromEntries(Object.entries(cells).map(([k, c]) => [k, shown(c)]));
      return {
        panel: input.panel, max_suppressed: input.maxSuppressed, months: monthly.map(out), all: out(all),
        reached: { age_band: shownAll(reached.age_band), sex: shownAll(reached.sex), locality: shownAll(reached.locality) },
      };
    },
  };
}
