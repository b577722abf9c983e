import type { SuppressedCount } from '../disclosure.ts';
import type { ProgrammeReport } from '../products/programme-report.ts';
import { keyValues, reportPage } from './html.ts';
import { aboutRows, type ExportAbout } from './labels.ts';
import type { ReportContext } from './reports.ts';
import { barChart, escapeHtml, lineChart } from './svg.ts';

const label = (key: string) => key.replace(/_/g, ' ');
const v = (c: SuppressedCount) => c.count;
const bars = (title: string, rows: { key: string; count: SuppressedCount }[]) => barChart(title, rows.map((r) => ({ label: label(r.key), value: v(r.count) })));
const interval = (i: { estimate: number | null; low: number | null; high: number | null }, pct = false) => {
  const f = (x: number | null) => (x === null ? '–' : pct ? `${Math.round(x * 100)}%` : String(x));
  return i.estimate === null ? 'not shown' : `${f(i.estimate)} (95% interval ${f(i.low)} to ${f(i.high)})`;
};

/** The report's charts, for the portal's page: referrals and starts by month, sources, exits, who it reached. */
export function programmeCharts(r: ProgrammeReport): string[] {
  return [
    lineChart('Referrals by month', r.monthly.map((m) => ({ label: m.month, value: v(m.referrals) }))),
    bars('Referrals by source', r.referrals.by_source), bars('Exits by reason', r.exits.by_reason), bars('Starts by locality', r.reached.locality),
  ];
}

/** A programme's monitoring and outcomes as an HTML report with inline SVG charts. */
export function programmeHtml(r: ProgrammeReport, { names }: ReportContext, about?: ExportAbout): string {
  const o = r.outcomes;
  const outcomeRows = o.windows.map((w) => `<tr><td>${w.months} months</td><td class="n">${v(w.matched) ?? 'suppressed'}</td><td class="n">${v(w.comparison_people) ?? 'suppressed'}</td><td class="n">${w.participants.before ?? '–'} → ${w.participants.after ?? '–'}</td><td class="n">${w.comparison.before ?? '–'} → ${w.comparison.after ?? '–'}</td><td>${escapeHtml(interval(w.did))}</td><td>${escapeHtml(interval(w.relative, true))}</td></tr>`).join('');
  const balance = o.balance.map((b) => `<tr><td>${escapeHtml(b.variable)}</td><td class="n">${b.participants}</td><td class="n">${b.comparison}</td><td class="n">${b.smd ?? '–'}</td></tr>`).join('');
  const footnote = r.audience === 'csp'
    ? 'Counts from 1 to 4 are suppressed, with further figures where needed so that none can be worked out from a total; sums and means are shown only where the count of people behind them is.'
    : 'Analyst view: figures are not disclosure-controlled. Do not share outside the partnership core.';
  return reportPage(`${r.name}: monitoring and outcomes ${r.period}`, `${names.vru} · programme ${r.programme}`, [
    { heading: 'Delivery', html: keyValues([
      ['Referrals', v(r.referrals.total)], ['Referred, not started', v(r.starts.not_started)], ['Starts', v(r.starts.total)],
      ['Days from referral to start (median)', r.starts.days_to_start_median], ['Sessions offered', r.engagement.sessions_offered],
      ['Sessions attended', r.engagement.sessions_attended], ['Attendance (%)', r.engagement.attendance_pct], ['Exits', v(r.exits.total)],
      ['Onward referrals', v(r.onward_referrals.total)],
      ...(r.measure ? [[`${r.measure.name}: mean change (${r.measure.better} is better)`, r.measure.change_mean] as [string, number | null]] : []),
    ]) },
    { heading: 'Referrals and starts by month', html: lineChart('Referrals by month', r.monthly.map((m) => ({ label: m.month, value: v(m.referrals) }))) + lineChart('Starts by month', r.monthly.map((m) => ({ label: m.month, value: v(m.starts) }))) },
    { heading: 'Referrals by source', html: bars('Referrals by source', r.referrals.by_source) },
    { heading: 'Exits by reason', html: bars('Exits by reason', r.exits.by_reason) },
    { heading: 'Onward referrals', html: bars('Onward referrals', r.onward_referrals.by_kind) },
    { heading: 'Who it reached', html: bars('Starts by age band', r.reached.age_band) + bars('Starts by sex', r.reached.sex) + bars('Starts by locality', r.reached.locality) + (r.reached.strand.length ? bars('Starts by strand', r.reached.strand) : '') },
    { heading: 'Outcomes: contacts before and after the start, against a matched comparison', html:
      `<table><tr><th>Window</th><th>Participants</th><th>Comparison people</th><th>Participants (per person, before → after)</th><th>Comparison</th><th>Difference in differences (contacts per person)</th><th>Relative change</th></tr>${outcomeRows}</table>`
      + `<p>${escapeHtml(o.matching)}; ${escapeHtml(o.interval_method)}. Contacts: ${o.kinds.map(label).join(', ')}.</p>`
      + (balance ? `<table><tr><th>Balance</th><th>Participants</th><th>Comparison</th><th>SMD</th></tr>${balance}</table>` : '') },
    { heading: 'What this can and cannot show', html: `<ul>${o.caveats.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>` },
  ], `${about ? `${aboutRows(about).map(([k, x]) => `${k}: ${x}`).join(' · ')}. ` : ''}${footnote}`);
}
