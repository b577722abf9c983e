import type { Agreement } from '../../schemas/agreement.ts';
import type { Programme } from '../../schemas/programmes.ts';
import { dayToIso } from '../dates.ts';
import { maxSuppressed, type Counted, type SuppressedCount } from '../disclosure.ts';
import { financialYear } from '../financial-year.ts';
import { col, type Engine } from '../ir.ts';
import type { LinkageState } from './cohort.ts';
import type { Table } from '../render/table.ts';
import { countMonitoring, programmeOf, type Monitoring, type MonitoringRequest } from './programme-monitoring.ts';
import { participantsContacts, programmeOutcomes, type OutcomeResult, type WindowOutcome } from './programme-outcomes.ts';

/**
 * A programme's report for a financial year: its monitoring (programme-monitoring.ts) and the outcomes of everyone
 * who started it up to the year's end (programme-outcomes.ts). For the csp audience a window's outcome figures are
 * shown only where the count of matched participants is.
 */
export type ProgrammeReportRequest = MonitoringRequest;
/** A window as its audience sees it: the counts of people are cells (eligible = matched + unmatched is a line). */
export type ShownWindow = Omit<WindowOutcome, 'eligible' | 'matched' | 'unmatched' | 'comparison_people'> & { eligible: SuppressedCount; matched: SuppressedCount; unmatched: SuppressedCount; comparison_people: SuppressedCount };
export interface ProgrammeReport extends Monitoring {
  outcomes: Omit<OutcomeResult, 'windows'> & { windows: ShownWindow[] };
}

/** The first and last day police crimes were recorded: the span over which contacts are seen. */
async function dataSpan(engine: Engine): Promise<{ from: string; to: string } | null> {
  const days = (await engine.count({ from: 'police_crime', groupBy: { day: col('recorded_date') } }, {})).map((r) => String(r.day).slice(0, 10)).filter((d) => /^\d{4}-/.test(d)).sort();
  return days.length ? { from: days[0], to: days[days.length - 1] } : null;
}

export async function countProgrammeReport(engine: Engine, agreement: Agreement, programmes: Programme[], request: ProgrammeReportRequest, linkage: LinkageState = { kind: 'fuzzy' }): Promise<Counted<ProgrammeReport>> {
  const programme = programmeOf(programmes, request.programme);
  const monitoring = await countMonitoring(engine, agreement, programmes, request);
  const year = financialYear(request.period);
  const span = await dataSpan(engine) ?? { from: year.from, to: year.to };
  const people = await participantsContacts(engine, span.to);
  const computed = programmeOutcomes(people, { programmes: [programme.id], label: programme.id, startsTo: year.to, dataFrom: span.from, dataTo: span.to });
  // Before any linking run no record has a person, so there are no participants to follow: said first.
  const outcomes = linkage.note ? { ...computed, caveats: [linkage.note, ...computed.caveats] } : computed;
  const max = maxSuppressed(agreement, 'programme_delivery');
  const windowCells = outcomes.windows.map((w) => {
    const [eligible, matched, unmatched, comparison] = [w.eligible, w.matched, w.unmatched, w.comparison_people].map((n) => monitoring.cells.cell(n, max));
    monitoring.cells.line(eligible, [matched, unmatched]);
    return { eligible, matched, unmatched, comparison };
  });
  return {
    ...monitoring,
    answer: (show) => {
      const windows = outcomes.windows.map((w, i): ShownWindow => {
        const c = windowCells[i];
        const counts = { eligible: show(c.eligible), matched: show(c.matched), unmatched: show(c.unmatched), comparison_people: show(c.comparison) };
        return counts.matched.suppressed || counts.comparison_people.suppressed ? withheld(w, counts) : { ...w, ...counts };
      });
      return { ...monitoring.answer(show), outcomes: { ...outcomes, balance: windows[windows.length - 1]?.did.estimate === null ? [] : outcomes.balance, windows } };
    },
  };
}

/** A window whose participants are too few to show: its means and estimates go, its definition stays. */
function withheld(w: WindowOutcome, counts: Pick<ShownWindow, 'eligible' | 'matched' | 'unmatched' | 'comparison_people'>): ShownWindow {
  const none = { estimate: null, low: null, high: null };
  return { months: w.months, ...counts, participants: { before: null, after: null }, comparison: { before: null, after: null }, did: none, relative: none, by_kind: [] };
}

const value = (c: SuppressedCount) => c.count;
const dayLabel = (iso: string) => dayToIso(Math.floor(Date.parse(iso) / 86_400_000));

/** The report as tables: a sheet per section; the CSV is their long form. */
export function programmeTables(r: ProgrammeReport): Table[] {
  const counts = (name: string, rows: { key: string; count: SuppressedCount }[]): Table => ({ name, columns: ['category', 'count'], rows: rows.map((x) => [x.key, value(x.count)]) });
  const m = r.measure;
  return [
    { name: 'Summary', columns: ['measure', 'value'], rows: [
      ['programme', r.programme], ['period', r.period], ['referrals', value(r.referrals.total)], ['referred, not started', value(r.starts.not_started)],
      ['starts', value(r.starts.total)], ['days from referral to start (median)', r.starts.days_to_start_median], ['days from referral to start (mean)', r.starts.days_to_start_mean],
      ['sessions offered', r.engagement.sessions_offered], ['sessions attended', r.engagement.sessions_attended], ['attendance (%)', r.engagement.attendance_pct],
      ['exits', value(r.exits.total)], ['onward referrals', value(r.onward_referrals.total)],
      ...(m ? [[`${m.name}: scored before and after`, value(m.scored)], [`${m.name}: mean before`, m.pre_mean], [`${m.name}: mean after`, m.post_mean], [`${m.name}: mean change (${m.better} is better)`, m.change_mean]] as [string, number | null][] : []),
    ] },
    counts('Referrals by source', r.referrals.by_source), counts('Exits by reason', r.exits.by_reason), counts('Onward referrals', r.onward_referrals.by_kind),
    counts('Starts by age band', r.reached.age_band), counts('Starts by sex', r.reached.sex), counts('Starts by locality', r.reached.locality),
    ...(r.reached.strand.length ? [counts('Starts by strand', r.reached.strand)] : []),
    { name: 'Monthly', columns: ['month', 'referrals', 'starts', 'exits'], rows: r.monthly.map((x) => [x.month, value(x.referrals), value(x.starts), value(x.exits)]) },
    { name: 'Outcomes', columns: ['window_months', 'matched_participants', 'comparison_people', 'participants_before', 'participants_after', 'comparison_before', 'comparison_after', 'did', 'did_low', 'did_high', 'relative', 'relative_low', 'relative_high'],
      rows: r.outcomes.windows.map((w): Table['rows'][number] => [w.months, value(w.matched), value(w.comparison_people), w.participants.before, w.participants.after, w.comparison.before, w.comparison.after, w.did.estimate, w.did.low, w.did.high, w.relative.estimate, w.relative.low, w.relative.high]) },
    { name: 'Outcomes by contact', columns: ['window_months', 'contact', 'participants_before', 'participants_after', 'comparison_before', 'comparison_after', 'did', 'relative'],
      rows: r.outcomes.windows.flatMap((w) => w.by_kind.map((k): Table['rows'][number] => [w.months, k.kind, k.participants_before, k.participants_after, k.comparison_before, k.comparison_after, k.did, k.relative])) },
    { name: 'Matching balance', columns: ['variable', 'participants', 'comparison', 'smd'], rows: r.outcomes.balance.map((b) => [b.variable, b.participants, b.comparison, b.smd]) },
    { name: 'About the outcomes', columns: ['note'], rows: [[r.outcomes.matching], [r.outcomes.interval_method], [`contacts seen from ${dayLabel(r.outcomes.data_from)} to ${dayLabel(r.outcomes.data_to)}`], ...r.outcomes.caveats.map((c) => [c])] },
  ];
}

export function programmeLongTable(r: ProgrammeReport): Table {
  const rows: Table['rows'] = [];
  for (const t of programmeTables(r)) {
    for (const row of t.rows) {
      if (t.columns.length === 1) rows.push([t.name, String(row[0]), null]);
      else if (t.columns.length === 2) rows.push([t.name, String(row[0]), row[1]]);
      else row.slice(1).forEach((v, i) => rows.push([t.name, `${row[0]} ${t.columns[i + 1]}`, v]));
    }
  }
  return { name: 'programme', columns: ['section', 'category', 'value'], rows };
}
