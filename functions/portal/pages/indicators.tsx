import type { Context } from 'hono';
import { isPeriod, yearStarting } from '../../../analytics/financial-year.ts';
import type { IndicatorFigure, IndicatorsResult } from '../../../analytics/products/indicators.ts';
import { indicatorMap } from '../../../analytics/render/indicators.ts';
import type { ReportContext } from '../../../analytics/render/reports.ts';
import { barChart, lineChart } from '../../../analytics/render/svg.ts';
import { Chart, DataTable, Svg } from '../layout.tsx';
import { PORTAL_API, portalUser, type Portal } from '../page-context.ts';

const units: Record<IndicatorFigure['measure'], string> = { count: 'count', rate_per_1000: 'per 1,000 residents', rate_per_100000: 'per 100,000 residents' };
const shown = (f: { count: number | null; suppressed: boolean }) => (f.suppressed ? 'suppressed' : f.count);

/** The periods offered: each quarter, year to date and year of the current and last financial years, and rolling twelve months. */
function periodChoices(latest: string): string[] {
  const start = Number(latest.slice(0, 4)) - (Number(latest.slice(5, 7)) < 4 ? 1 : 0);
  const years = [yearStarting(start).label, yearStarting(start - 1).label];
  const month = latest.slice(0, 7);
  return [...years.flatMap((y) => [`${y}-YTD`, ...[1, 2, 3, 4].map((q) => `${y}-Q${q}`), y]), `R12-${month}`];
}

/** One indicator: its figures as a table, the localities beside the whole area, the trend, the months, and its map. */
function IndicatorCard(props: { i: IndicatorFigure; r: IndicatorsResult; areaShort: string; context: ReportContext }) {
  const { i, r } = props;
  const unit = i.measure === 'count' ? null : units[i.measure];
  const value = (f: { count: number | null; rate: number | null }) => (unit ? f.rate : f.count);
  return (
    <section id={`indicator-${i.id}`} aria-labelledby={`h-${i.id}`}>
      <h2 id={`h-${i.id}`}>{i.title}</h2>
      <p class="muted currency">{i.data_to === null ? 'No data yet.' : `Data to ${i.data_to}.`}{i.partial && i.data_to !== null ? ` Part period: ${i.months_counted.length} of ${i.months_counted.length + i.months_not_covered.length} months, compared with the same months of ${i.previous.period} and of the baseline.` : ''} {i.better === 'lower' ? 'Lower is better.' : 'Higher is better.'}</p>
      <DataTable caption={`${i.title}: ${r.area_name}`} columns={[r.period, ...(unit ? [unit] : []), i.previous.period, 'change %', i.baseline.period, 'change on baseline %', ...(i.target ? ['target'] : [])]}
        rows={[[shown(i), ...(unit ? [i.rate] : []), shown(i.previous), i.change_vs_previous_pct, shown(i.baseline), i.change_vs_baseline_pct,
          ...(i.target ? [`${i.target.change_vs_baseline_pct}%: ${i.target.met === null ? 'not known' : i.target.met ? 'met' : 'not met'}`] : [])]]} />
      <Svg svg={barChart(`${i.title}, ${unit ?? 'count'}, by locality, ${props.areaShort} ${unit ? i.area_rate ?? 'suppressed' : ''}`.trim(),
        [...i.by_locality.map((l) => ({ label: l.locality === r.area ? `${l.name} (yours)` : l.name, value: value(l) })), ...(unit ? [{ label: `${props.areaShort} (all)`, value: i.area_rate }] : [])])} />
      <Svg svg={barChart(`${i.title}: the same months each year since ${r.baseline}`, i.trend.map((t) => ({ label: t.period, value: value(t) })))} />
      {i.monthly.length > 0 && <Svg svg={lineChart(`${i.title} by month`, i.monthly.map((m) => ({ label: m.month, value: m.count })))} />}
      {i.months_not_covered.length > 0 && <p class="muted">Not covered by the data yet, so not drawn: {i.months_not_covered.join(', ')}.</p>}
      {i.comparators.length > 0 && <DataTable caption="police.uk: each force, the same months" columns={['force', 'count', 'year before', 'change %']} rows={i.comparators.map((c) => [c.force, c.count, c.previous_count, c.change_vs_previous_pct])} />}
      {i.comparator_note && <p class="muted">{i.comparator_note}</p>}
      <Chart html={indicatorMap(i, r, props.context)} />
    </section>
  );
}

const query = (c: Context, name: string) => c.req.query(name) || undefined;

/** The performance dashboard: the performance lead's, the analysts' and (for their own locality, controlled) the CSP officers'. */
export function registerIndicatorPages(portal: Portal) {
  const { app, deps } = portal;
  const { area, deployment } = deps.platform;
  app.get('/portal/indicators', async (c) => {
    const user = portalUser(c);
    const defaults = await portal.defaults();
    const choices = periodChoices(defaults.asOf);
    const period = query(c, 'period') ?? choices[0];
    // A CSP officer sees their own locality (against the whole area and the others), as the policy allows.
    const areas = user.role === 'csp_officer' ? (user.locality ? [user.locality] : []) : [area.id, ...area.localities.map((l) => l.slug)];
    const chosen = query(c, 'area') ?? (user.locality ?? area.id);
    const audience = user.role === 'csp_officer' ? 'csp' : (query(c, 'audience') ?? 'analyst');
    const name = (slug: string) => (slug === area.id ? area.name : area.localities.find((l) => l.slug === slug)?.name ?? slug);
    const form = (
      <form method="get" class="panel inline">
        <label for="period">Period</label>
        <select id="period" name="period">{[...new Set([...choices, ...(isPeriod(period) ? [period] : [])])].map((p) => <option value={p} selected={p === period}>{p}</option>)}</select>
        <label for="area">Area</label>
        <select id="area" name="area">{areas.map((a) => <option value={a} selected={a === chosen}>{name(a)}</option>)}</select>
        {user.role !== 'csp_officer' && (
          <><label for="audience">Figures</label><select id="audience" name="audience">
            <option value="analyst" selected={audience === 'analyst'}>all (analyst)</option>
            <option value="csp" selected={audience === 'csp'}>rounded and suppressed (CSP)</option>
          </select></>
        )}
        <button type="submit">Show</button>
      </form>
    );
    if (!areas.includes(chosen)) return portal.page(c, 'Performance indicators', <>{form}<p class="panel error" role="alert">A CSP officer sees their own locality's indicators (beside the whole area and the others), not {name(chosen)}'s.</p></>, 403);
    const path = `/v1/indicators?period=${encodeURIComponent(period)}&area=${encodeURIComponent(chosen)}&audience=${encodeURIComponent(audience)}`;
    const result = await portal.api(c, 'GET', path);
    if (result.status === 401) return portal.problem(c, 'Performance indicators', result);
    if (result.status !== 200) return portal.page(c, 'Performance indicators', <>{form}<p class="panel error" role="alert">{result.data?.message ?? 'the request failed'}</p></>, result.status);
    const r = result.data as IndicatorsResult;
    const file = (format: string) => `${path.replace(/^\/v1/, PORTAL_API)}&format=${format}`;
    return portal.page(c, `Performance indicators: ${r.area_name}, ${r.period}`, (
      <>
        {form}
        <section>
          <p id="disclosure" class="muted">{r.rounded ? 'Every count is rounded to the nearest 5, and counts from 1 to 4 (1 to 7 for hospital and A&E figures) are suppressed; rates and changes are worked from the rounded counts.' : 'Analyst view: not disclosure-controlled. Do not share outside the partnership core.'}</p>
          <p class="downloads">Download: <a href={file('html')}>Report (HTML)</a> <a href={file('xlsx')} download="">Spreadsheet (XLSX)</a> <a href={file('csv')} download="">Table (CSV)</a> <a href={`${PORTAL_API}/reports/public?period=${encodeURIComponent(r.period)}`}>Public report (HTML)</a></p>
          <DataTable caption={`Every indicator, ${r.area_name}, ${r.period}`} columns={['indicator', 'data to', r.period, 'rate', 'change on the year before %', `change on ${r.baseline} %`]}
            rows={r.indicators.map((i) => [i.title, `${i.data_to ?? 'no data'}${i.partial ? ' (part)' : ''}`, shown(i), i.rate, i.change_vs_previous_pct, i.change_vs_baseline_pct])} />
        </section>
        {r.indicators.map((i) => <IndicatorCard i={i} r={r} areaShort={deployment.names.areaShort} context={deployment} />)}
        <section>
          <h2>Indicators that wait for data</h2>
          <ul>{r.waiting_for_data.map((w) => <li>{w.title}: {w.waits_for}</li>)}</ul>
        </section>
      </>
    ));
  });
}
