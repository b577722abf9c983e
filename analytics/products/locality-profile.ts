import type { Agreement } from '../../schemas/agreement.ts';
import type { Area } from '../../schemas/area/index.ts';
import { ageBands, codeLists, seriousViolenceGroups, violenceRelatedExclusionReasons } from '../../schemas/code-lists.ts';
import { controlBreakdown, controlGrid, isSmall, maxSuppressed, type Audience, type SuppressedCount } from '../disclosure.ts';
import { financialYear, monthsOf, yearStarting } from '../financial-year.ts';
import { and, between, col, date, eq, isIn, lit, month, param, type CountQuery, type Engine, type Expr, type Scalar } from '../ir.ts';
import type { Table } from '../render/table.ts';

/**
 * The locality profile of one Community Safety Partnership for a financial year (DOMAIN.md). Every section is a
 * count query run by the engine; breakdowns are zero-filled from the code lists, and disclosure control for the
 * CSP audience is applied once, here, after the engine.
 */
type Breakdown = { key: string; count: number | null; suppressed: boolean }[];

export interface ProfileResult {
  locality: string;
  name: string;
  period: string;
  audience: Audience;
  population: number;
  serious_violence: { count: number | null; suppressed: boolean; rate_per_1000: number | null; llr_rate_per_1000: number; previous_count: number | null; change_pct: number | null };
  monthly: { month: string; count: number | null; suppressed: boolean }[];
  knife_serious_violence: { count: number | null; suppressed: boolean; previous_count: number | null; change_pct: number | null };
  by_offence_group: { group: string; count: number | null; suppressed: boolean }[];
  domestic: Breakdown;
  by_location_type: Breakdown;
  victim_age_band: Breakdown;
  victim_sex: Breakdown;
  hour_by_weekday: { weekdays: string[]; hours: number[]; cells: SuppressedCount[][] };
  hotspots: { sector: string; count: number; share_pct: number }[];
  asb: { count: number | null; suppressed: boolean; rate_per_1000: number | null; by_pen_category: Breakdown };
  ae_attendances: { count: number | null; suppressed: boolean; by_means_of_assault: Breakdown; by_location_type: Breakdown };
  school_exclusions: { count: number | null; suppressed: boolean; by_category: Breakdown };
}

const NOT_RECORDED = 'not_recorded';
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const seriousViolence = (dateFrom: string, dateTo: string, where: Expr[] = []): Expr =>
  and(isIn(col('offence_group'), seriousViolenceGroups), between(col('recorded_date'), date(param(dateFrom)), date(param(dateTo))), ...where);
const inLocality = (column: string) => eq(col(column), param('locality'));

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;
const pct = (now: number, then: number) => (then === 0 ? null : round(((now - then) / then) * 100, 1));

export interface ProfileRequest { locality: string; period: string; audience?: Audience }

export async function localityProfile(engine: Engine, area: Area, agreement: Agreement, request: ProfileRequest): Promise<ProfileResult> {
  const locality = area.localities.find((l) => l.slug === request.locality);
  if (!locality) throw new RangeError(`unknown locality "${request.locality}"; known: ${area.localities.map((l) => l.slug).join(', ')}`);
  const audience = request.audience ?? 'csp';
  const year = financialYear(request.period);
  const previous = yearStarting(year.startYear - 1);
  const params = { locality: locality.slug, from: year.from, to: year.to, prevFrom: previous.from, prevTo: previous.to };
  const count = async (query: CountQuery) => engine.count(query, params);
  const total = async (from: string, where: Expr) => Number((await count({ from, where, groupBy: {} }))[0]?.count ?? 0);
  const byKey = async (from: string, where: Expr, key: Expr) =>
    new Map((await count({ from, where, groupBy: { key } })).map((r) => [r.key === null ? NOT_RECORDED : String(r.key), Number(r.count)]));
  const limit = (dataset: string) => maxSuppressed(agreement, dataset);
  const controlled = (dataset: string, keys: string[], counts: Map<string, number>): Breakdown => {
    const rows = [...keys, ...[...counts.keys()].filter((k) => !keys.includes(k))].map((key) => ({ key, count: counts.get(key) ?? 0 }));
    return controlBreakdown(rows, audience, limit(dataset)).rows;
  };
  const shown = (n: number, dataset: string) => audience === 'csp' && isSmall(n, limit(dataset))
    ? { count: null, suppressed: true } : { count: n, suppressed: false };

  // Serious violence in the locality, this year and last, and across LLR.
  const sv = seriousViolence('from', 'to', [inLocality('locality')]);
  const svCount = await total('police_crime', sv);
  const svPrevious = await total('police_crime', seriousViolence('prevFrom', 'prevTo', [inLocality('locality')]));
  const llrCount = await total('police_crime', seriousViolence('from', 'to'));
  const llrPopulation = area.localities.reduce((n, l) => n + l.population, 0);
  const svShown = shown(svCount, 'police_crime');
  const prevShown = shown(svPrevious, 'police_crime');
  const knife = [eq(col('knife_flag'), lit(true))];
  const knifeCount = await total('police_crime', seriousViolence('from', 'to', [inLocality('locality'), ...knife]));
  const knifePrevious = await total('police_crime', seriousViolence('prevFrom', 'prevTo', [inLocality('locality'), ...knife]));
  const knifeShown = shown(knifeCount, 'police_crime');
  const knifePrevShown = shown(knifePrevious, 'police_crime');

  const months = await byKey('police_crime', sv, month(col('recorded_date')));
  const monthly = controlled('police_crime', monthsOf(year), months).filter((m) => m.key !== NOT_RECORDED)
    .map(({ key, ...rest }) => ({ month: key, ...rest }));

  const groups = controlled('police_crime', [...seriousViolenceGroups], await byKey('police_crime', sv, col('offence_group')))
    .map(({ key, ...rest }) => ({ group: key, ...rest }));
  const domestic = controlled('police_crime', ['true', 'false'], await byKey('police_crime', sv, col('domestic_flag')));
  const locations = controlled('police_crime', [...codeLists.location_type.values, NOT_RECORDED], await byKey('police_crime', sv, col('location_type')));
  const ages = controlled('police_crime', [...ageBands.map((b) => b.band), NOT_RECORDED], await byKey('police_crime', sv, col('victim_age_band')));
  const sexes = controlled('police_crime', [...codeLists.sex.values, NOT_RECORDED], await byKey('police_crime', sv, col('victim_sex')));

  const hours = Array.from({ length: 24 }, (_, h) => h);
  const cells = await count({ from: 'police_crime', where: and(sv, { op: 'not_null', a: col('offence_time') }), groupBy: { weekday: { op: 'weekday', a: col('offence_date') }, hour: { op: 'hour_of_time', a: col('offence_time') } } });
  const grid = WEEKDAYS.map((_, d) => hours.map((h) => Number(cells.find((c) => c.weekday === d + 1 && c.hour === h)?.count ?? 0)));

  const sectors = await byKey('police_crime', and(sv, { op: 'not_null', a: col('sector') }), col('sector'));
  const sectorRows = controlBreakdown([...sectors.entries()].map(([sector, n]) => ({ sector, count: n })), audience, limit('police_crime')).rows;
  const hotspots = sectorRows.filter((r) => !r.suppressed && (r.count ?? 0) > 0)
    .sort((a, b) => b.count! - a.count! || a.sector.localeCompare(b.sector)).slice(0, 10)
    .map((r) => ({ sector: r.sector, count: r.count!, share_pct: svCount ? round((r.count! / svCount) * 100, 1) : 0 }));

  const asbWhere = and(inLocality('locality'), between(date(col('reported_at')), date(param('from')), date(param('to'))));
  const asbCount = await total('asb_incident', asbWhere);
  const asbShown = shown(asbCount, 'asb_incident');
  const aeWhere = and(inLocality('incident_locality'), between(date(col('arrival_at')), date(param('from')), date(param('to'))));
  const aeCount = await total('ae_attendance', aeWhere);
  const exclusionWhere = and(inLocality('home_locality'), between(col('start_date'), date(param('from')), date(param('to'))), isIn(col('reason_code'), violenceRelatedExclusionReasons));
  const exclusionCount = await total('school_exclusion', exclusionWhere);

  const withheld = (a: { suppressed: boolean }, b: { suppressed: boolean }) => audience === 'csp' && (a.suppressed || b.suppressed);
  return {
    locality: locality.slug,
    name: locality.name,
    period: year.label,
    audience,
    population: locality.population,
    serious_violence: {
      ...svShown,
      rate_per_1000: svShown.suppressed ? null : round((svCount / locality.population) * 1000, 2),
      llr_rate_per_1000: round((llrCount / llrPopulation) * 1000, 2),
      previous_count: prevShown.count,
      change_pct: withheld(svShown, prevShown) ? null : pct(svCount, svPrevious),
    },
    monthly,
    knife_serious_violence: { ...knifeShown, previous_count: knifePrevShown.count, change_pct: withheld(knifeShown, knifePrevShown) ? null : pct(knifeCount, knifePrevious) },
    by_offence_group: groups,
    domestic,
    by_location_type: locations,
    victim_age_band: ages,
    victim_sex: sexes,
    hour_by_weekday: { weekdays: WEEKDAYS, hours, cells: controlGrid(grid, audience, limit('police_crime')) },
    hotspots,
    asb: {
      ...asbShown,
      rate_per_1000: asbShown.suppressed ? null : round((asbCount / locality.population) * 1000, 2),
      by_pen_category: controlled('asb_incident', [...codeLists.pen_category.values], await byKey('asb_incident', asbWhere, col('pen_category'))),
    },
    ae_attendances: {
      ...shown(aeCount, 'ae_attendance'),
      by_means_of_assault: controlled('ae_attendance', [...codeLists.means_of_assault.values], await byKey('ae_attendance', aeWhere, col('means_of_assault'))),
      by_location_type: controlled('ae_attendance', [...codeLists.incident_location_type.values, NOT_RECORDED], await byKey('ae_attendance', aeWhere, col('incident_location_type'))),
    },
    school_exclusions: {
      ...shown(exclusionCount, 'school_exclusion'),
      by_category: controlled('school_exclusion', [...codeLists.exclusion_category.values], await byKey('school_exclusion', exclusionWhere, col('category'))),
    },
  };
}

/** The profile as tables: one per section (sheets of the XLSX; the CSV is their long form). */
export function profileTables(p: ProfileResult): Table[] {
  const breakdown = (name: string, rows: { count: number | null; suppressed: boolean }[], label: (r: never) => string): Table => ({
    name, columns: ['category', 'count', 'suppressed'], rows: rows.map((r) => [label(r as never), r.count, r.suppressed]),
  });
  const key = (r: { key: string }) => r.key;
  return [
    {
      name: 'Summary',
      columns: ['measure', 'value'],
      rows: [
        ['locality', p.name], ['period', p.period], ['audience', p.audience], ['population', p.population],
        ['serious violence', p.serious_violence.count], ['serious violence per 1,000', p.serious_violence.rate_per_1000],
        ['LLR serious violence per 1,000', p.serious_violence.llr_rate_per_1000], ['serious violence, previous year', p.serious_violence.previous_count],
        ['change %', p.serious_violence.change_pct], ['knife-enabled serious violence', p.knife_serious_violence.count],
        ['ASB incidents', p.asb.count], ['ASB per 1,000', p.asb.rate_per_1000], ['violence-related A&E attendances', p.ae_attendances.count],
        ['violence-related suspensions and exclusions', p.school_exclusions.count],
      ],
    },
    breakdown('Monthly', p.monthly, (r: { month: string }) => r.month),
    breakdown('Offence group', p.by_offence_group, (r: { group: string }) => r.group),
    breakdown('Domestic', p.domestic, key),
    breakdown('Location type', p.by_location_type, key),
    breakdown('Victim age band', p.victim_age_band, key),
    breakdown('Victim sex', p.victim_sex, key),
    { name: 'Hour by weekday', columns: ['weekday', ...p.hour_by_weekday.hours.map(String)], rows: p.hour_by_weekday.cells.map((row, d) => [p.hour_by_weekday.weekdays[d], ...row.map((c) => c.count as Scalar)]) },
    { name: 'Hotspots', columns: ['sector', 'count', 'share_pct'], rows: p.hotspots.map((h) => [h.sector, h.count, h.share_pct]) },
    breakdown('ASB by category', p.asb.by_pen_category, key),
    breakdown('A&E by means', p.ae_attendances.by_means_of_assault, key),
    breakdown('A&E by location', p.ae_attendances.by_location_type, key),
    breakdown('Exclusions', p.school_exclusions.by_category, key),
  ];
}

/** All sections in one long table, for CSV. */
export function profileLongTable(p: ProfileResult): Table {
  const rows: Scalar[][] = [];
  for (const table of profileTables(p)) {
    if (table.name === 'Summary') for (const [m, v] of table.rows) rows.push([table.name, m, v, null]);
    else if (table.name === 'Hour by weekday') {
      for (const row of table.rows) row.slice(1).forEach((v, h) => rows.push([table.name, `${row[0]} ${String(h).padStart(2, '0')}:00`, v, v === null]));
    } else if (table.name === 'Hotspots') for (const [s, c, share] of table.rows) rows.push([table.name, `${s} (${share}%)`, c, false]);
    else for (const [k, c, s] of table.rows) rows.push([table.name, k, c, s]);
  }
  return { name: 'profile', columns: ['section', 'category', 'count', 'suppressed'], rows };
}

