import type { IndicatorFigure, IndicatorsResult } from '../products/indicators.ts';
import { keyValues, reportPage } from './html.ts';
import { aboutRows, type ExportAbout } from './labels.ts';
import { choropleth, mapContext } from './map.ts';
import type { ReportContext } from './reports.ts';
import { barChart, escapeHtml, lineChart } from './svg.ts';
import type { Table } from './table.ts';

const measureWords: Record<IndicatorFigure['measure'], string> = { count: 'count', rate_per_1000: 'per 1,000 residents', rate_per_100000: 'per 100,000 residents' };
const shown = (f: { count: number | null; suppressed: boolean }) => (f.suppressed ? 'suppressed' : f.count);

/** The indicators as tables: a summary row each, and their localities, months, trend and force comparators. */
export function indicatorsTables(r: IndicatorsResult): Table[] {
  return [
    {
      name: 'Indicators',
      columns: ['indicator', 'area', 'period', 'data_to', 'partial', 'count', 'rate', 'measure', 'previous_period', 'previous_count', 'change_vs_previous_pct', 'baseline_period', 'baseline_count', 'change_vs_baseline_pct', 'target_change_pct', 'target_met', 'better'],
      rows: r.indicators.map((i) => [i.title, r.area_name, r.period, i.data_to, i.partial, shown(i), i.rate, measureWords[i.measure], i.previous.period, shown(i.previous), i.change_vs_previous_pct,
        i.baseline.period, shown(i.baseline), i.change_vs_baseline_pct, i.target?.change_vs_baseline_pct ?? null, i.target?.met ?? null, i.better]),
    },
    {
      name: 'By locality',
      columns: ['indicator', 'locality', 'count', 'rate', 'whole_area_rate'],
      rows: r.indicators.flatMap((i) => i.by_locality.map((l) => [i.title, l.name, shown(l), l.rate, i.area_rate])),
    },
    { name: 'Monthly', columns: ['indicator', 'month', 'count'], rows: r.indicators.flatMap((i) => i.monthly.map((m) => [i.title, m.month, shown(m)])) },
    { name: 'Trend', columns: ['indicator', 'period', 'count', 'rate'], rows: r.indicators.flatMap((i) => i.trend.map((t) => [i.title, t.period, shown(t), t.rate])) },
    {
      name: 'Force comparators',
      columns: ['indicator', 'force', 'count', 'previous_count', 'change_vs_previous_pct'],
      rows: r.indicators.flatMap((i) => i.comparators.map((c) => [i.title, c.force, c.count, c.previous_count, c.change_vs_previous_pct])),
    },
    {
      name: 'By LSOA',
      columns: ['indicator', 'lsoa', 'locality', 'count', 'hotspot'],
      rows: r.indicators.flatMap((i) => (i.by_lsoa ?? []).map((c) => [i.title, c.lsoa, c.locality, shown(c), i.hotspots.includes(c.lsoa)])),
    },
    { name: 'Waiting for data', columns: ['indicator', 'waits_for'], rows: r.waiting_for_data.map((w) => [w.title, w.waits_for]) },
  ];
}

const aboutLine = (about?: ExportAbout) => (about ? `${aboutRows(about).map(([k, v]) => `${k}: ${v}`).join(' · ')}. ` : '');

/**
 * An indicator's map: its LSOA choropleth (counts over the months counted) for the area shown, the localities
 * outlined, the hotspots marked, the boundaries' attribution; suppressed LSOAs as the table has them. Where the
 * indicator has no LSOA breakdown (or the deployment no boundaries), a note says so in place of the map.
 */
export function indicatorMap(i: IndicatorFigure, r: IndicatorsResult, context: Pick<ReportContext, 'area' | 'geometry' | 'boundaries'>): string {
  const open = `<figure class="map" data-map="${escapeHtml(i.id)}">`;
  const none = (why: string) => `${open}<p class="note no-map">No map: ${escapeHtml(why)}.</p></figure>`;
  if (!i.by_lsoa) return none(i.map_note ?? 'no LSOA breakdown');
  if (!context.geometry || !context.boundaries) return none('the deployment has no LSOA boundaries');
  const map = mapContext({ area: context.area, geometry: context.geometry, boundaries: context.boundaries }, r.area === context.area.id ? undefined : [r.area]);
  if (!map.localities.length) return none('the deployment has no LSOA boundaries for this area');
  const title = `${i.title} by LSOA, ${r.area_name}, ${r.period}${i.partial ? ' (so far)' : ''}`;
  return `${open}${choropleth({ title, cells: i.by_lsoa.map((c) => ({ lsoa: c.lsoa, value: c.count })), ...map, measure: 'Count', hotspots: i.hotspots })}</figure>`;
}

/** One indicator's section: the headline, the like-for-like comparisons, the months, the localities and the trend. */
function indicatorSection(i: IndicatorFigure, r: IndicatorsResult, context: ReportContext): { heading: string; html: string } {
  const { names } = context;
  const unit = i.measure === 'count' ? null : measureWords[i.measure];
  const currency = i.data_to === null ? 'No data yet.'
    : `Data to ${i.data_to}${i.partial ? `: a part period (${i.months_counted.length} of ${i.months_counted.length + i.months_not_covered.length} months), compared with the same months of ${i.previous.period} and of the baseline` : ''}.`;
  const rows: [string, string | number | null][] = [
    [`${r.period}${i.partial ? ' (so far)' : ''}`, shown(i)], ...(unit ? [[unit, i.rate] as [string, number | null]] : []),
    [`${i.previous.period}`, shown(i.previous)], ['Change on the year before (%)', i.change_vs_previous_pct],
    [`Baseline ${i.baseline.period}`, shown(i.baseline)], ['Change on the baseline (%)', i.change_vs_baseline_pct],
    ...(i.target ? [[`Target: ${i.target.change_vs_baseline_pct}% on the baseline`, i.target.met === null ? 'not known' : i.target.met ? 'met' : 'not met'] as [string, string]] : []),
  ];
  const value = (f: { count: number | null; rate: number | null }) => (unit ? f.rate : f.count);
  const localities = barChart(`${i.title}, ${unit ?? 'count'}, by locality (${names.areaShort}: ${unit ? i.area_rate ?? 'suppressed' : shown(i)})`,
    [...i.by_locality.map((l) => ({ label: l.name, value: value(l) })), ...(unit ? [{ label: `${names.areaShort} (all)`, value: i.area_rate }] : [])]);
  return {
    heading: i.title,
    html: `<p class="note">${escapeHtml(currency)} ${i.better === 'lower' ? 'Lower is better.' : 'Higher is better.'}</p>${keyValues(rows)}`
      + (i.monthly.length ? lineChart(`${i.title} by month`, i.monthly.map((m) => ({ label: m.month, value: m.count }))) : '')
      + (i.months_not_covered.length ? `<p class="note">Not yet covered by the data: ${escapeHtml(i.months_not_covered.join(', '))} (not drawn).</p>` : '')
      + localities
      + barChart(`${i.title}: ${i.trend.length ? `${i.trend[0].period} to ${i.trend[i.trend.length - 1].period}` : 'trend'}, the same months each year`, i.trend.map((t) => ({ label: t.period, value: value(t) })))
      + (i.comparators.length ? `<table><caption>police.uk: each force, the same months</caption><tr><th>Force</th><th>Count</th><th>Year before</th><th>Change %</th></tr>${i.comparators.map((c) => `<tr><td>${escapeHtml(c.force)}</td><td class="n">${c.count}</td><td class="n">${c.previous_count}</td><td class="n">${c.change_vs_previous_pct ?? ''}</td></tr>`).join('')}</table>` : '')
      + (i.comparator_note ? `<p class="note">${escapeHtml(i.comparator_note)}</p>` : '')
      + indicatorMap(i, r, context),
  };
}

const controlNote = (r: IndicatorsResult) => (r.rounded
  ? 'Counts are rounded to the nearest 5, each on its own; counts from 1 to 4 (1 to 7 for hospital and A&E figures) are suppressed; rates and changes are worked from the rounded counts.'
  : 'Analyst view: figures are not disclosure-controlled. Do not share outside the partnership core.');

/** The performance dashboard as a report: every indicator of the period and area. */
export function indicatorsHtml(r: IndicatorsResult, context: ReportContext, about?: ExportAbout): string {
  const { names } = context;
  return reportPage(`${r.area_name}: performance indicators ${r.period}`, `${r.from} to ${r.to} · baseline ${r.baseline}`, [
    ...r.indicators.map((i) => indicatorSection(i, r, context)),
    { heading: 'Indicators that wait for data', html: `<ul>${r.waiting_for_data.map((w) => `<li>${escapeHtml(w.title)}: ${escapeHtml(w.waits_for)}</li>`).join('')}</ul>` },
  ], `${aboutLine(about) || `${names.vru}. `}${controlNote(r)}`);
}

/** The quarterly public monitoring report: the indicators as the public may see them, rounded and suppressed. */
export function publicReportHtml(r: IndicatorsResult, context: ReportContext, about?: ExportAbout): string {
  const { names } = context;
  const dataTo = r.indicators.map((i) => i.data_to).filter((d): d is string => d !== null).sort();
  const summary = `<table><tr><th>Indicator</th><th>${escapeHtml(r.period)}</th><th>Rate</th><th>Change on the year before (%)</th><th>Change on ${escapeHtml(r.baseline)} (%)</th><th>Data to</th></tr>${r.indicators.map((i) =>
    `<tr><td>${escapeHtml(i.title)}</td><td class="n">${escapeHtml(String(shown(i) ?? ''))}</td><td class="n">${i.rate ?? ''}</td><td class="n">${i.change_vs_previous_pct ?? ''}</td><td class="n">${i.change_vs_baseline_pct ?? ''}</td><td>${escapeHtml(i.data_to ?? 'no data')}${i.partial ? ' (part period)' : ''}</td></tr>`).join('')}</table>`;
  return reportPage(`${names.vru}: public monitoring report ${r.period}`, `${r.area_name} · ${r.from} to ${r.to} · data to ${dataTo[0] ?? 'no data'}${dataTo.length && dataTo[0] !== dataTo[dataTo.length - 1] ? ` (to ${dataTo[dataTo.length - 1]} for some)` : ''}`, [
    { heading: 'Summary', html: summary },
    ...r.indicators.map((i) => indicatorSection(i, r, context)),
  ], `${aboutLine(about) || `${names.vru}. `}${controlNote(r)}`);
}
