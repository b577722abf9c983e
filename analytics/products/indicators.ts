import type { Agreement } from '../../schemas/agreement.ts';
import type { Area } from '../../schemas/area/index.ts';
import { indicatorDate, indicators as allIndicators, indicatorsWaitingForData, type Indicator } from '../../schemas/indicators.ts';
import { maxSuppressed, Publication, type Counted, type Shown } from '../disclosure.ts';
import { coveredMonths, financialYear, monthEnd, yearStarting, parsePeriod, periodEarlier, sameMonthsIn, yearsEarlier, type Period } from '../financial-year.ts';
import type { CountQuery, Engine, Params, ResultRow } from '../ir.ts';
import { byIndicator, comparatorQuery, groupedQuery, indicatorLsoaQuery, indicatorQuery } from './indicator-query.ts';
import { countRelease, cspRounding, type Release } from './csp-release.ts';
import { DEFAULT_BASELINE, pct } from './success-measures.ts';

/**
 * The performance framework: every indicator of schemas/indicators.ts for a period and an area (the whole area or
 * one locality), with its rate, its like-for-like changes against the year before and the baseline, its months,
 * every locality beside the whole area's rate, and its trend since the baseline year.
 *
 * Currency: each indicator is counted only over the months its dataset's extracts cover to the end (`data_to`); a
 * period the data does not yet cover whole is `partial`, and its comparisons are over the same months of the year
 * before and of the baseline, never a part-year against a full one. Months after `data_to` are listed as not
 * covered, never counted as zeros.
 *
 * Disclosure: for the CSP and public audiences every count is rounded to the nearest 5 and counts 1..t suppressed,
 * whatever the agreement's rounding (these figures are published for many periods and areas at once: rounding leaves
 * no exact sum to subtract one from another), the regime of everything the CSP audience sees (./csp-release.ts), so
 * a count is published the same here as in the profiles. The map's LSOA cells are cells of the same publication,
 * on lines to their localities' counts. Rates and changes come from the counts as published.
 */
export type IndicatorAudience = 'analyst' | 'csp' | 'public';

export interface IndicatorsRequest { period: string; area: string; audience: IndicatorAudience; baseline?: string }

type N = number | null;
export interface Figure { count: N; suppressed: boolean; rate: N }
export interface IndicatorFigure {
  id: string; title: string; theme: Indicator['theme']; dataset: string; measure: Indicator['measure']; better: Indicator['better'];
  data_to: string | null; partial: boolean;
  /** The months counted (the period's, up to data_to) and those it does not cover yet. */
  months_counted: string[]; months_not_covered: string[];
  count: N; suppressed: boolean; rate: N; rate_note: string | null;
  previous: Figure & { period: string }; change_vs_previous_pct: N;
  baseline: Figure & { period: string }; change_vs_baseline_pct: N;
  target: { change_vs_baseline_pct: number; note: string | null; met: boolean | null } | null;
  monthly: { month: string; count: N; suppressed: boolean }[];
  /** Every locality (the dashboard's district bars) and the whole area's rate (its line). */
  by_locality: ({ locality: string; name: string } & Figure)[];
  area_rate: N;
  /** The same months in each year since the baseline, oldest first. */
  trend: ({ period: string } & Figure)[];
  comparators: { force: string; count: number; previous_count: number; change_vs_previous_pct: N }[];
  comparator_note: string | null;
  /**
   * The map: the counted months by LSOA, every LSOA of the area shown (the area's lookup), zero-filled, in code
   * order, under the same control as the table (each locality's LSOAs add up to its count, rows with no LSOA the
   * residual); null where the dataset carries no LSOA, and `map_note` says so.
   */
  by_lsoa: { lsoa: string; locality: string; count: N; suppressed: boolean }[] | null;
  /** The LSOAs with the most (published) counts, largest first: the map marks them. */
  hotspots: string[];
  map_note: string | null;
}

/** How many LSOAs a map marks as hotspots. */
export const HOTSPOTS = 5;

export interface IndicatorsResult {
  period: string; kind: Period['kind']; from: string; to: string; baseline: string;
  area: string; area_name: string; audience: IndicatorAudience; rounded: boolean;
  indicators: IndicatorFigure[];
  waiting_for_data: { title: string; waits_for: string }[];
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;
const rateOf = (indicator: Indicator, count: N, population: number | null): N => {
  if (count === null || population === null || indicator.measure === 'count') return null;
  return indicator.measure === 'rate_per_1000' ? round((count / population) * 1000, 2) : round((count / population) * 100_000, 1);
};

export async function countIndicators(
  engine: Engine, area: Area, agreement: Agreement, dataTo: Record<string, string | null>, request: IndicatorsRequest, only?: string[],
): Promise<Counted<IndicatorsResult>> {
  const period = parsePeriod(request.period);
  const baselineYear = financialYear(request.baseline ?? DEFAULT_BASELINE);
  const whole = area.id;
  const locality = area.localities.find((l) => l.slug === request.area);
  if (request.area !== whole && !locality) throw new RangeError(`unknown area "${request.area}"; known: ${[whole, ...area.localities.map((l) => l.slug)].join(', ')}`);
  const chosen = only ? allIndicators.filter((i) => only.includes(i.id)) : allIndicators;
  const population = (slug: string) => (slug === whole ? area.localities.reduce((n, l) => n + l.population, 0) : area.localities.find((l) => l.slug === slug)!.population);
  const controlled = request.audience !== 'analyst';
  const cells = new Publication();
  const built: ((show: Shown) => IndicatorFigure)[] = [];
  const made = new Map<string, Made>();
  const policeUkTo = dataTo.police_uk_crime ?? null;
  const lsoasOf = new Map<string, string[]>();
  for (const [lsoa, slug] of Object.entries(area.lsoas).sort(([a], [b]) => a.localeCompare(b))) (lsoasOf.get(slug) ?? lsoasOf.set(slug, []).get(slug)!).push(lsoa);
  // For the controlled audiences the publication is the same whichever area is asked for (every area's months and
  // every LSOA are cells of it, only the area's are shown): each CSP officer's request for a period is then
  // controlled as one release, and what one officer's page hides, another's does not show.
  const areas = controlled ? [whole, ...area.localities.map((l) => l.slug)] : [request.area];
  const drawn = controlled || !locality ? area.localities : [locality];
  const shownHere = (l: string) => request.area === whole || l === request.area;

  const planOf = (indicator: Indicator) => {
    const to = dataTo[indicator.dataset] ?? null;
    const { months, partial } = coveredMonths(period, to);
    const years = trendYears(period, months, baselineYear.from);
    const baseMonths = sameMonthsIn(baselineYear, months);
    const earliest = [...years.flatMap((y) => y.months), ...baseMonths].sort()[0] ?? period.months[0];
    return { to, months, partial, years, baseMonths, earliest };
  };
  // Each dataset's indicators counted together: one query for their months (this period, the trend, the baseline),
  // one for their maps.
  const plans = new Map(chosen.map((i) => [i.id, planOf(i)]));
  const counted = chosen.filter((i) => plans.get(i.id)!.months.length);
  const monthRows = await countGrouped(engine, counted.map((i) => ({ indicator: i, params: { from: `${plans.get(i.id)!.earliest}-01`, to: period.to } })), indicatorQuery);
  const lsoaRowsOf = await countGrouped(engine, counted.map((i) => {
    const { months } = plans.get(i.id)!;
    return { indicator: i, params: { from: `${months[0]}-01`, to: monthEnd(months[months.length - 1]) } };
  }), indicatorLsoaQuery);

  for (const indicator of chosen) {
    const { to, months, partial, years, baseMonths } = plans.get(indicator.id)!;
    const rows = monthRows.get(indicator.id) ?? [];
    const byKey = new Map<string, number>();
    for (const r of rows) {
      const m = String(r.month);
      const l = String(r.locality);
      byKey.set(`${l}|${m}`, (byKey.get(`${l}|${m}`) ?? 0) + Number(r.count));
      byKey.set(`${whole}|${m}`, (byKey.get(`${whole}|${m}`) ?? 0) + Number(r.count));
    }
    const total = (slug: string, ms: string[]) => ms.reduce((n, m) => n + (byKey.get(`${slug}|${m}`) ?? 0), 0);
    const max = maxSuppressed(agreement, indicator.dataset);
    // One cell per area and set of months, so a figure shown twice (this year in the trend) is one cell.
    const ids = new Map<string, number>();
    const cell = (slug: string, ms: string[]) => {
      const key = `${slug}|${ms.join(',')}`;
      return ids.get(key) ?? ids.set(key, cells.cell(total(slug, ms), max)).get(key)!;
    };
    const slug = request.area;
    const count = cell(slug, months);
    const monthsOf = new Map(areas.map((a) => {
      const ids = months.map((m) => ({ month: m, id: cell(a, [m]) }));
      cells.line(cell(a, months), ids.map((m) => m.id));
      return [a, ids];
    }));
    const monthly = monthsOf.get(slug)!;
    const localities = area.localities.map((l) => ({ l, id: cell(l.slug, months) }));
    const wholeCount = cell(whole, months);
    cells.line(wholeCount, localities.map((x) => x.id));
    const trend = years.map((y) => ({ period: y.label, id: cell(slug, y.months) }));
    const previous = years.length > 1 ? years[years.length - 2] : { label: periodEarlier(period, 1), months: yearsEarlier(months, 1) };
    const previousId = cell(slug, previous.months);
    const baseId = cell(slug, baseMonths);
    // The map's cells: cells like any other, each locality's LSOAs a line to its count (the same cell as its bar).
    const lsoaQuery = indicatorLsoaQuery(indicator);
    const lsoaRows = lsoaRowsOf.get(indicator.id) ?? [];
    const lsoaCounts = new Map(lsoaRows.map((r) => [`${r.locality}|${r.lsoa}`, Number(r.count)]));
    const lsoaIds = lsoaQuery ? drawn.flatMap((l) => {
      const ids = (lsoasOf.get(l.slug) ?? []).map((lsoa) => ({ lsoa, locality: l.slug, id: cells.cell(lsoaCounts.get(`${l.slug}|${lsoa}`) ?? 0, max) }));
      cells.line(cell(l.slug, months), ids.map((x) => x.id));
      return ids;
    }) : null;
    const mapNote = !lsoaQuery ? `${indicator.dataset.replace(/_/g, ' ')} records carry no LSOA, so this indicator has no map`
      : lsoaIds!.length === 0 ? 'the area has no LSOA lookup, so this indicator has no map' : null;
    made.set(indicator.id, {
      months, cell, monthly: new Map([...monthsOf].map(([a, ids]) => [a, new Map(ids.map((m) => [m.month, m.id]))])),
      lsoa: new Map((lsoaIds ?? []).map((x) => [`${x.locality}|${x.lsoa}`, x.id])),
    });
    const comparators = indicator.policeUk && months.length && policeUkTo && policeUkTo >= monthEnd(months[months.length - 1])
      ? await forceComparators(engine, indicator.policeUk, months) : [];
    const comparatorNote = !indicator.policeUk ? null
      : comparators.length ? (indicator.note ?? null)
        : policeUkTo ? `police.uk data loaded runs to ${policeUkTo}, short of these months` : 'no police.uk data loaded';
    const denominatorNote = indicator.denominator === 'population' ? null : `needs the population aged ${indicator.denominator.ages} in the area's bundle`;
    const pop = (s: string) => (indicator.denominator === 'population' ? population(s) : null);

    built.push((show) => {
      const fig = (id: number, s: string): Figure => { const c = show(id); return { count: c.count, suppressed: c.suppressed, rate: rateOf(indicator, c.count, pop(s)) }; };
      const now = fig(count, slug);
      const before = fig(previousId, slug);
      const base = fig(baseId, slug);
      const change = pct(now.count, base.count);
      return {
        id: indicator.id, title: indicator.title, theme: indicator.theme, dataset: indicator.dataset, measure: indicator.measure, better: indicator.better,
        data_to: to, partial, months_counted: months, months_not_covered: period.months.filter((m) => !months.includes(m)),
        count: now.count, suppressed: now.suppressed, rate: now.rate, rate_note: denominatorNote,
        previous: { period: previous.label, ...before }, change_vs_previous_pct: pct(now.count, before.count),
        baseline: { period: partial || period.kind !== 'year' ? `${baselineYear.label} (same months)` : baselineYear.label, ...base }, change_vs_baseline_pct: change,
        target: indicator.target ? {
          change_vs_baseline_pct: indicator.target.changeVsBaselinePct, note: indicator.target.note ?? null,
          met: change === null ? null : indicator.better === 'lower' ? change <= indicator.target.changeVsBaselinePct : change >= indicator.target.changeVsBaselinePct,
        } : null,
        monthly: monthly.map((m) => { const c = show(m.id); return { month: m.month, count: c.count, suppressed: c.suppressed }; }),
        by_locality: localities.map(({ l, id }) => ({ locality: l.slug, name: l.name, ...fig(id, l.slug) })),
        area_rate: fig(wholeCount, whole).rate,
        trend: trend.map((t) => ({ period: t.period, ...fig(t.id, slug) })),
        comparators, comparator_note: comparatorNote,
        ...mapOf(lsoaIds && lsoaIds.filter((x) => shownHere(x.locality)), show), map_note: mapNote,
      };
    });
  }

  if (controlled) {
    nested(cells, made, [whole, ...area.localities.map((l) => l.slug)]);
    if (request.audience === 'csp') await layerOnReleases(engine, area, agreement, cells, made);
  }

  return {
    audience: controlled ? 'csp' : 'analyst',
    cells,
    ...cspRounding(controlled ? 'csp' : 'analyst'),
    answer: (show) => ({
      period: period.label, kind: period.kind, from: period.from, to: period.to, baseline: baselineYear.label,
      area: request.area, area_name: locality?.name ?? area.name, audience: request.audience, rounded: controlled,
      indicators: built.map((b) => b(show)),
      waiting_for_data: indicatorsWaitingForData.map((w) => ({ title: w.title, waits_for: w.waitsFor })),
    }),
  };
}

/**
 * Each indicator's rows of its query (`query`, with its parameters), counted as one grouped query per dataset, date
 * column and parameters (./indicator-query.ts groupedQuery); none for an indicator the query has no form for.
 */
async function countGrouped(engine: Engine, wanted: { indicator: Indicator; params: Params }[], query: (indicator: Indicator) => CountQuery | null): Promise<Map<string, ResultRow[]>> {
  const groups = new Map<string, { indicators: Indicator[]; params: Params }>();
  for (const w of wanted) {
    const key = JSON.stringify([w.indicator.dataset, indicatorDate(w.indicator), w.params]);
    (groups.get(key) ?? groups.set(key, { indicators: [], params: w.params }).get(key)!).indicators.push(w.indicator);
  }
  const out = new Map<string, ResultRow[]>();
  for (const { indicators, params } of groups.values()) {
    const grouped = groupedQuery(indicators, query);
    if (!grouped) continue;
    const keys = Object.keys(query({ ...indicators[0], filter: undefined })!.groupBy);
    for (const [id, rows] of byIndicator(indicators, await engine.count(grouped, params), keys)) out.set(id, rows);
  }
  return out;
}

/** An indicator's cells as counted: how to find its count for an area and months, its months' and its LSOAs' cells. */
interface Made { months: string[]; cell: (slug: string, months: string[]) => number; monthly: Map<string, Map<string, number>>; lsoa: Map<string, number> }

/**
 * Indicators that are parts of another (disjoint parts of one total, by their filters): lines between indicators,
 * so what the audience could subtract across indicator totals (total crime less its burglaries, vehicle offences
 * and serious violence; serious violence less its under-25s) is controlled as a breakdown is.
 */
const partsOf: [string, string[]][] = [
  ['total_crime', ['residential_burglary', 'business_burglary', 'vehicle_offences', 'serious_violence']],
  ['serious_violence', ['violence_with_injury', 'sexual_offences']],
  ['serious_violence', ['knife_serious_violence']],
  ['serious_violence', ['serious_violence_under_25']],
  ['serious_violence_under_25', ['public_place_violence_under_25']],
  ['violence_with_injury', ['homicide']],
];

/** The lines between indicators over the same months: for each area's count, each month of the area shown, each LSOA. */
function nested(cells: Publication, made: Map<string, Made>, areas: string[]) {
  for (const [total, parts] of partsOf) {
    const t = made.get(total);
    const ps = parts.map((p) => made.get(p));
    if (!t || !t.months.length || ps.some((p) => !p || p.months.join() !== t.months.join())) continue;
    const of = ps as Made[];
    for (const slug of areas) cells.line(t.cell(slug, t.months), of.map((p) => p.cell(slug, p.months)));
    for (const [slug, months] of t.monthly) for (const [month, id] of months) cells.line(id, of.map((p) => p.monthly.get(slug)!.get(month)!));
    for (const [key, id] of t.lsoa) if (of.every((p) => p.lsoa.has(key))) cells.line(id, of.map((p) => p.lsoa.get(key)!));
  }
}

const fyStart = (month: string) => Number(month.slice(0, 4)) - (Number(month.slice(5, 7)) < 4 ? 1 : 0);

/**
 * The CSP audience's joint release: the indicators are layered on the locality profiles' release of each financial
 * year their months fall in (./csp-release.ts: every locality's profile, as that audience sees it), taken in as
 * fixed cells, with lines between the figures that are the same or contain one another (an indicator's months are
 * the profile's months of serious violence; a whole year's indicator is the profile's headline, its LSOAs the
 * profile's map; ASB from the police and the councils are parts of the profile's ASB). The indicators are then
 * controlled against everything the profiles publish, and no profile figure changes: so nothing the audience holds
 * of both can be subtracted to narrow a suppressed count.
 */
async function layerOnReleases(engine: Engine, area: Area, agreement: Agreement, cells: Publication, made: Map<string, Made>) {
  const starts = [...new Set([...made.values()].flatMap((m) => m.months.map(fyStart)))].sort();
  const releases = new Map<number, Release>();
  for (const start of starts) {
    const sub = new Publication();
    const read = await countRelease(engine, area, agreement, yearStarting(start), 'csp', sub);
    const offset = cells.absorb(sub, 'csp');
    // The release read with each cell's id in place of its count: where each profile figure is among the cells.
    releases.set(start, read((id) => ({ count: offset + id, suppressed: false })));
  }
  const id = (c: { count: number | null }) => c.count!;
  const wholeYear = (months: string[]) => months.length === 12 && fyStart(months[0]) === fyStart(months[11]) && months[0].endsWith('-04') ? releases.get(fyStart(months[0]))! : null;
  const oneYear = (months: string[]) => (months.length && new Set(months.map(fyStart)).size === 1 ? releases.get(fyStart(months[0]))! : null);
  const monthCell = (slug: string, month: string) => id(releases.get(fyStart(month))!.localities.get(slug)!.breakdowns.monthly.find((m) => m.key === month)!);
  const sv = made.get('serious_violence');
  for (const l of area.localities) {
    const of = (r: Release) => r.localities.get(l.slug)!;
    if (sv?.months.length) {
      // Serious violence is the profile's by month: each month, and any months, are the profile's months.
      cells.line(sv.cell(l.slug, sv.months), sv.months.map((m) => monthCell(l.slug, m)));
      for (const [month, cell] of sv.monthly.get(l.slug) ?? []) cells.line(cell, [monthCell(l.slug, month)]);
      const year = wholeYear(sv.months), within = oneYear(sv.months);
      for (const x of within ? of(within).byLsoa : []) {
        const cell = sv.lsoa.get(`${l.slug}|${x.key}`);
        if (cell !== undefined) cells.line(year ? cell : id(x), [year ? id(x) : cell]);
      }
    }
    // The same figure over a whole year is the same cell's count; over part of a year, a part of it.
    const same = (indicator: string, profile: (r: Release) => number[]) => {
      const m = made.get(indicator);
      if (!m?.months.length) return;
      const year = wholeYear(m.months), within = oneYear(m.months);
      if (year) cells.line(m.cell(l.slug, m.months), profile(year));
      else if (within && profile(within).length === 1) cells.line(profile(within)[0], [m.cell(l.slug, m.months)]);
    };
    const groups = (keys: string[]) => (r: Release) => of(r).breakdowns.by_offence_group.filter((g) => keys.includes(g.key)).map(id);
    same('knife_serious_violence', (r) => [id(of(r).headline.knife_serious_violence)]);
    same('violence_ae_attendances', (r) => [id(of(r).headline.ae_attendances)]);
    same('violence_with_injury', groups(['homicide', 'attempted_murder', 'assault_with_intent_serious_harm', 'assault_with_injury']));
    same('sexual_offences', groups(['rape', 'other_sexual_offence']));
    const asb = ['asb_police', 'asb_council'].map((i) => made.get(i)).filter((m): m is Made => !!m?.months.length);
    const asbYear = asb.length && asb.every((m) => m.months.join() === asb[0].months.join()) ? oneYear(asb[0].months) : null;
    if (asbYear) cells.line(id(of(asbYear).headline.asb), asb.map((m) => m.cell(l.slug, m.months)));
  }
  const whole = sv && wholeYear(sv.months);
  if (whole) cells.line(sv!.cell(area.id, sv!.months), [id(whole.areaSeriousViolence)]);
}

function mapOf(ids: { lsoa: string; locality: string; id: number }[] | null, show: Shown): Pick<IndicatorFigure, 'by_lsoa' | 'hotspots'> {
  if (!ids || !ids.length) return { by_lsoa: null, hotspots: [] };
  const byLsoa = ids.map(({ lsoa, locality, id }) => ({ lsoa, locality, ...show(id) }));
  const hotspots = byLsoa.filter((c) => (c.count ?? 0) > 0).sort((a, b) => b.count! - a.count! || a.lsoa.localeCompare(b.lsoa)).slice(0, HOTSPOTS).map((c) => c.lsoa);
  return { by_lsoa: byLsoa, hotspots };
}

/** The same months in each year back to the baseline year's start: the trend, oldest first, this period last. */
export function trendYears(period: Period, months: string[], baselineFrom: string): { label: string; months: string[] }[] {
  if (!months.length) return [];
  const out: { label: string; months: string[] }[] = [];
  for (let k = 0; ; k++) {
    const shifted = yearsEarlier(months, k);
    if (`${shifted[0]}-01` < baselineFrom) break;
    out.unshift({ label: periodEarlier(period, k), months: shifted });
  }
  return out;
}

/** Each force's count over the months, against the same months a year before: police.uk open data, not controlled. */
async function forceComparators(engine: Engine, types: string[], months: string[]): Promise<IndicatorFigure['comparators']> {
  const before = yearsEarlier(months, 1);
  const rows = await engine.count(comparatorQuery(types), { from: `${before[0]}-01`, to: monthEnd(months[months.length - 1]) });
  const forces = new Map<string, { count: number; previous_count: number }>();
  for (const r of rows) {
    const f = forces.get(String(r.force)) ?? forces.set(String(r.force), { count: 0, previous_count: 0 }).get(String(r.force))!;
    if (months.includes(String(r.month))) f.count += Number(r.count);
    else if (before.includes(String(r.month))) f.previous_count += Number(r.count);
  }
  return [...forces].map(([force, f]) => ({ force, ...f, change_vs_previous_pct: pct(f.count, f.previous_count) }))
    .sort((a, b) => a.force.localeCompare(b.force));
}
