import type { Agreement } from '../../schemas/agreement.ts';
import type { Area } from '../../schemas/area/index.ts';
import { ageBands, codeLists, seriousViolenceGroups, violenceRelatedExclusionReasons } from '../../schemas/code-lists.ts';
import { maxSuppressed, Publication, uncontrolled, type Audience, type Counted, type Shown, type SuppressedCount } from '../disclosure.ts';
import { financialYear, monthsOf, yearStarting, type FinancialYear } from '../financial-year.ts';
import { and, between, col, date, eq, isIn, lit, month, param, type Engine, type Expr, type ResultRow } from '../ir.ts';
import { measureDefinitions, measureQueries, pct, successMeasures, type MeasureResult, type MeasuresResult } from './success-measures.ts';

/**
 * Everything the CSP audience sees for one financial year, controlled together: every locality's profile
 * figures and the area's success measures. CSP officers of all the localities are one audience, so the lines run
 * across localities and across products as well as within a profile:
 *
 * - within a locality: each breakdown (months, offence groups, domestic, location type, victim age band and sex;
 *   ASB by category; A&E by means and by place; exclusions by category), the hour × weekday grid (whose only
 *   published total is the year's count: crimes with no time recorded are its residual) and the listed hotspots
 *   (sectors outside the list or unknown are the residual) and the LSOAs of the map (crimes with no LSOA are the
 *   residual) each add up to their headline;
 * - across localities: the localities' serious-violence counts (and crimes of no known locality, the residual) add
 *   up to the whole area's count every profile shows as a rate per 1,000; their knife-enabled counts add up to the
 *   area's knife-enabled measure;
 * - within the measures: each all-ages count is its months plus nothing, and its under-25 split plus the rest.
 *
 * The measures' under-25 monthly series and the rolling 12-month series are not published to this audience: the
 * first is almost all small counts, and each would add a line for every month (the rolling series ties every
 * month to the year before). A profile's previous-year figures and the measures' previous and baseline figures are
 * taken from that year's release, so a count hidden in one year's outputs is hidden wherever it appears.
 */
export type Breakdown = { key: string; count: number | null; suppressed: boolean }[];

export const NOT_RECORDED = 'not_recorded';
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const HOURS = Array.from({ length: 24 }, (_, h) => h);

const inYear = (column: string, asDate = false) => between(asDate ? date(col(column)) : col(column), date(param('from')), date(param('to')));
const seriousViolence = and(isIn(col('offence_group'), seriousViolenceGroups), inYear('recorded_date'));

/** The headline counts of a profile: each a dataset and a filter, counted per locality. */
const headlines = {
  serious_violence: { dataset: 'police_crime', where: seriousViolence },
  knife_serious_violence: { dataset: 'police_crime', where: and(seriousViolence, eq(col('knife_flag'), lit(true))) },
  asb: { dataset: 'asb_incident', where: inYear('reported_at', true) },
  ae_attendances: { dataset: 'ae_attendance', where: inYear('arrival_at', true) },
  school_exclusions: { dataset: 'school_exclusion', where: and(inYear('start_date'), isIn(col('reason_code'), violenceRelatedExclusionReasons)) },
} as const;
type Headline = keyof typeof headlines;

/** The breakdowns of a headline, zero-filled from the code lists. */
const breakdowns = {
  monthly: { of: 'serious_violence', key: month(col('recorded_date')), keys: (y: FinancialYear) => monthsOf(y) },
  by_offence_group: { of: 'serious_violence', key: col('offence_group'), keys: () => [...seriousViolenceGroups] },
  domestic: { of: 'serious_violence', key: col('domestic_flag'), keys: () => ['true', 'false'] },
  by_location_type: { of: 'serious_violence', key: col('location_type'), keys: () => [...codeLists.location_type.values, NOT_RECORDED] },
  victim_age_band: { of: 'serious_violence', key: col('victim_age_band'), keys: () => [...ageBands.map((b) => b.band), NOT_RECORDED] },
  victim_sex: { of: 'serious_violence', key: col('victim_sex'), keys: () => [...codeLists.sex.values, NOT_RECORDED] },
  asb_by_pen_category: { of: 'asb', key: col('pen_category'), keys: () => [...codeLists.pen_category.values] },
  ae_by_means_of_assault: { of: 'ae_attendances', key: col('means_of_assault'), keys: () => [...codeLists.means_of_assault.values] },
  ae_by_location_type: { of: 'ae_attendances', key: col('incident_location_type'), keys: () => [...codeLists.incident_location_type.values, NOT_RECORDED] },
  exclusions_by_category: { of: 'school_exclusions', key: col('category'), keys: () => [...codeLists.exclusion_category.values] },
} satisfies Record<string, { of: Headline; key: Expr; keys: (y: FinancialYear) => string[] }>;
type BreakdownName = keyof typeof breakdowns;

const localityColumn: Record<string, string> = { police_crime: 'locality', asb_incident: 'locality', ae_attendance: 'incident_locality', school_exclusion: 'home_locality' };

/** One locality's figures for the year, as the audience sees them. */
export interface LocalityRelease {
  headline: Record<Headline, SuppressedCount>;
  breakdowns: Record<BreakdownName, Breakdown>;
  grid: SuppressedCount[][];
  /** Serious violence by LSOA: every LSOA of the locality (the area's lookup), zero-filled, in code order. */
  byLsoa: Breakdown;
  /** The sectors shown, largest first: never a hidden one. */
  hotspots: { sector: string; count: number }[];
}

export interface Release {
  year: FinancialYear;
  audience: Audience;
  localities: Map<string, LocalityRelease>;
  areaSeriousViolence: SuppressedCount;
  measures: Map<string, { count: SuppressedCount; monthly: ({ month: string } & SuppressedCount)[] }>;
}

/**
 * The CSP audience's regime, whatever the agreement's rounding: every count rounded to 5 on its own, 1..t
 * suppressed (analytics/disclosure.ts). The same audience sees the indicators for any period and area, which only
 * rounding can publish without an exact sum to subtract; an exact profile beside them would narrow the counts
 * they round, so the profiles and measures are rounded too, and a count is the same figure wherever it appears.
 */
export const cspRounding = (audience: Audience): { rounding?: 'nearest5' } => (audience === 'csp' ? { rounding: 'nearest5' } : {});

export const measureKey = (id: string, split: MeasureResult['split']) => `${id}:${split}`;

const keyOf = (value: ResultRow[string]) => (value === null ? NOT_RECORDED : String(value));

/** Counts a query per locality (every value of the locality column, unknown too). */
async function perLocality(engine: Engine, dataset: string, where: Expr, groupBy: Record<string, Expr>, params: Record<string, string>) {
  const rows = await engine.count({ from: dataset, where, groupBy: { locality: col(localityColumn[dataset]), ...groupBy } }, params);
  const out = new Map<string, ResultRow[]>();
  for (const row of rows) {
    const locality = String(row.locality);
    (out.get(locality) ?? out.set(locality, []).get(locality)!).push(row);
  }
  return out;
}

/**
 * Counts the year's release for an audience into a publication (its cells and lines) and returns how to read it
 * once published; the analyst audience gets the same figures uncontrolled. Years counted into one publication are
 * separate lines, so each year's pattern is the one it would have alone: a count hidden in one year's outputs is
 * hidden wherever that year appears.
 */
export async function countRelease(engine: Engine, area: Area, agreement: Agreement, year: FinancialYear, audience: Audience, pub: Publication): Promise<(show: Shown) => Release> {
  const params = { from: year.from, to: year.to };
  const limit = (dataset: string) => maxSuppressed(agreement, dataset);

  const headlineRows = {} as Record<Headline, Map<string, ResultRow[]>>;
  for (const [name, h] of Object.entries(headlines) as [Headline, (typeof headlines)[Headline]][]) {
    headlineRows[name] = await perLocality(engine, h.dataset, h.where, {}, params);
  }
  const breakdownRows = {} as Record<BreakdownName, Map<string, ResultRow[]>>;
  for (const [name, b] of Object.entries(breakdowns) as [BreakdownName, (typeof breakdowns)[BreakdownName]][]) {
    const h = headlines[b.of];
    breakdownRows[name] = await perLocality(engine, h.dataset, h.where, { key: b.key }, params);
  }
  const timed = and(seriousViolence, { op: 'not_null', a: col('offence_time') });
  const gridRows = await perLocality(engine, 'police_crime', timed, { weekday: { op: 'weekday', a: col('offence_date') }, hour: { op: 'hour_of_time', a: col('offence_time') } }, params);
  const lsoaRows = await perLocality(engine, 'police_crime', and(seriousViolence, { op: 'not_null', a: col('lsoa_code') }), { lsoa: col('lsoa_code') }, params);
  const lsoasOf = new Map<string, string[]>();
  for (const [lsoa, slug] of Object.entries(area.lsoas).sort(([a], [b]) => a.localeCompare(b))) (lsoasOf.get(slug) ?? lsoasOf.set(slug, []).get(slug)!).push(lsoa);
  const sectorRows = await perLocality(engine, 'police_crime', and(seriousViolence, { op: 'not_null', a: col('sector') }), { sector: col('sector') }, params);

  const police = limit('police_crime');
  const ids = area.localities.map(({ slug }) => {
    const headline = Object.fromEntries((Object.keys(headlines) as Headline[]).map((name) =>
      [name, pub.cell(Number(headlineRows[name].get(slug)?.[0]?.count ?? 0), limit(headlines[name].dataset))])) as Record<Headline, number>;
    const parts = Object.fromEntries((Object.keys(breakdowns) as BreakdownName[]).map((name) => {
      const b = breakdowns[name];
      const counts = new Map((breakdownRows[name].get(slug) ?? []).map((r) => [keyOf(r.key), Number(r.count)]));
      const keys = b.keys(year);
      const extra = [...counts.keys()].filter((k) => !keys.includes(k) && !(name === 'monthly' && k === NOT_RECORDED));
      const rows = [...keys, ...extra].map((key) => ({ key, id: pub.cell(counts.get(key) ?? 0, limit(headlines[b.of].dataset)) }));
      pub.line(headline[b.of], rows.map((r) => r.id));
      return [name, rows];
    })) as Record<BreakdownName, { key: string; id: number }[]>;
    const cells = gridRows.get(slug) ?? [];
    const grid = WEEKDAYS.map((_, d) => HOURS.map((h) => pub.cell(Number(cells.find((c) => c.weekday === d + 1 && c.hour === h)?.count ?? 0), police)));
    pub.line(headline.serious_violence, grid.flat());
    // Map cells are cells like any other: the locality's LSOAs add up to its count (crimes with no LSOA, or one
    // outside the lookup, are the residual), so a map hides exactly what a table of them would.
    const lsoaCounts = new Map((lsoaRows.get(slug) ?? []).map((r) => [String(r.lsoa), Number(r.count)]));
    const lsoas = (lsoasOf.get(slug) ?? []).map((lsoa) => ({ key: lsoa, id: pub.cell(lsoaCounts.get(lsoa) ?? 0, police) }));
    pub.line(headline.serious_violence, lsoas.map((l) => l.id));
    // Small sectors are never listed; for this audience the rest of the list is a line like any other.
    const sectors = (sectorRows.get(slug) ?? []).map((r) => ({ sector: String(r.sector), count: Number(r.count) }))
      .filter((s) => s.count > (audience === 'csp' ? police : 0))
      .sort((a, b) => b.count - a.count || a.sector.localeCompare(b.sector)).slice(0, 10)
      .map((s) => ({ sector: s.sector, id: pub.cell(s.count, police) }));
    pub.line(headline.serious_violence, sectors.map((s) => s.id));
    return { slug, headline, parts, grid, lsoas, sectors };
  });

  const areaCount = [...headlineRows.serious_violence.values()].reduce((n, rows) => n + Number(rows[0]?.count ?? 0), 0);
  const whole = pub.cell(areaCount, police);
  pub.line(whole, ids.map((l) => l.headline.serious_violence));

  const measureIds = new Map<string, { count: number; monthly: { month: string; id: number }[] }>();
  const months = monthsOf(year);
  for (const { def, split, query } of measureQueries(year.label, year.label)) {
    const byMonth = new Map((await engine.count(query, params)).map((r) => [String(r.month), Number(r.count)]));
    const max = limit(def.dataset);
    const count = pub.cell(months.reduce((n, m) => n + (byMonth.get(m) ?? 0), 0), max);
    const monthly = split === 'all_ages' ? months.map((m) => ({ month: m, id: pub.cell(byMonth.get(m) ?? 0, max) })) : [];
    pub.line(count, monthly.map((m) => m.id));
    measureIds.set(measureKey(def.id, split), { count, monthly });
  }
  for (const def of measureDefinitions) {
    const all = measureIds.get(measureKey(def.id, 'all_ages'))!.count;
    pub.line(all, [measureIds.get(measureKey(def.id, 'under_25'))!.count]);
  }
  pub.line(measureIds.get(measureKey('knife_serious_violence', 'all_ages'))!.count, ids.map((l) => l.headline.knife_serious_violence));

  return (show) => ({
    year,
    audience,
    localities: new Map(ids.map((l) => [l.slug, {
      headline: Object.fromEntries(Object.entries(l.headline).map(([k, id]) => [k, show(id)])) as Record<Headline, SuppressedCount>,
      breakdowns: Object.fromEntries(Object.entries(l.parts).map(([k, rows]) => [k, rows.map((r) => ({ key: r.key, ...show(r.id) }))])) as Record<BreakdownName, Breakdown>,
      grid: l.grid.map((row) => row.map(show)),
      byLsoa: l.lsoas.map((x) => ({ key: x.key, ...show(x.id) })),
      hotspots: l.sectors.filter((s) => !show(s.id).suppressed).map((s) => ({ sector: s.sector, count: show(s.id).count! })),
    }])),
    areaSeriousViolence: show(whole),
    measures: new Map([...measureIds].map(([k, m]) => [k, { count: show(m.count), monthly: m.monthly.map((p) => ({ month: p.month, ...show(p.id) })) }])),
  });
}

export { HOURS };

/**
 * The success measures for an audience, as counted. Analysts and the performance lead get the official return,
 * uncontrolled. The CSP audience gets each year's figures from that year's release: the count, previous-year and
 * baseline figures, a change only between two published counts, the all-ages monthly series; not the under-25
 * monthly series nor the rolling 12 months (see above).
 */
export async function countMeasures(engine: Engine, area: Area, agreement: Agreement, period: string, baseline: string, audience: Audience): Promise<Counted<MeasuresResult<number | null>>> {
  if (audience === 'analyst') return uncontrolled(await successMeasures(engine, period, baseline));
  const year = financialYear(period);
  const cells = new Publication();
  const releases = new Map<string, (show: Shown) => Release>();
  const of = async (y: FinancialYear) => releases.get(y.label) ?? releases.set(y.label, await countRelease(engine, area, agreement, y, audience, cells)).get(y.label)!;
  const counted = { now: await of(year), previous: await of(yearStarting(year.startYear - 1)), base: await of(financialYear(baseline)) };
  return {
    audience, cells, ...cspRounding(audience),
    answer: (show) => {
      const now = counted.now(show), previous = counted.previous(show), base = counted.base(show);
      return {
        period, baseline, audience,
        measures: measureDefinitions.flatMap((def) => (['all_ages', 'under_25'] as const).map((split) => {
          const key = measureKey(def.id, split);
          const count = now.measures.get(key)!.count.count;
          const baselineCount = base.measures.get(key)!.count.count;
          const previousCount = previous.measures.get(key)!.count.count;
          return {
            id: def.id, split, count,
            baseline_count: baselineCount, change_vs_baseline_pct: pct(count, baselineCount),
            previous_count: previousCount, change_vs_previous_pct: pct(count, previousCount),
            monthly: now.measures.get(key)!.monthly.map((m) => ({ month: m.month, count: m.count })),
            rolling_12_months: [],
          };
        })),
      };
    },
  };
}

