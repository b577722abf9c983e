import type { Agreement } from '../../schemas/agreement.ts';
import type { Area } from '../../schemas/area/index.ts';
import { disclose, Publication, type Audience, type Counted, type SuppressedCount } from '../disclosure.ts';
import { financialYear, yearStarting } from '../financial-year.ts';
import type { Engine, Scalar } from '../ir.ts';
import type { Table } from '../render/table.ts';
import { countRelease, cspRounding, HOURS, WEEKDAYS, type Breakdown, type Release } from './csp-release.ts';

/**
 * The locality profile of one Community Safety Partnership for a financial year. The figures are the
 * locality's part of the year's release (./csp-release.ts), which counts every locality at once and, for the CSP
 * audience, controls them together with the whole area's figures they add up to. A rate, share or change is given only
 * beside published counts, and computed from the counts as published (for the CSP audience always rounded to 5, as
 * its indicators are: one regime for everything that audience sees).
 */
export interface ProfileResult {
  locality: string;
  name: string;
  period: string;
  audience: Audience;
  /** Rounded (the CSP audience): every count a multiple of 5, small counts still suppressed. */
  rounded: boolean;
  population: number;
  serious_violence: { count: number | null; suppressed: boolean; rate_per_1000: number | null; area_rate_per_1000: number | null; previous_count: number | null; change_pct: number | null };
  monthly: { month: string; count: number | null; suppressed: boolean }[];
  knife_serious_violence: { count: number | null; suppressed: boolean; previous_count: number | null; change_pct: number | null };
  by_offence_group: { group: string; count: number | null; suppressed: boolean }[];
  domestic: Breakdown;
  by_location_type: Breakdown;
  victim_age_band: Breakdown;
  victim_sex: Breakdown;
  hour_by_weekday: { weekdays: string[]; hours: number[]; cells: SuppressedCount[][] };
  hotspots: { sector: string; count: number; share_pct: number | null }[];
  /** Serious violence by LSOA (the map): every LSOA of the locality, zero-filled; key is the LSOA code. */
  by_lsoa: Breakdown;
  asb: { count: number | null; suppressed: boolean; rate_per_1000: number | null; by_pen_category: Breakdown };
  ae_attendances: { count: number | null; suppressed: boolean; by_means_of_assault: Breakdown; by_location_type: Breakdown };
  school_exclusions: { count: number | null; suppressed: boolean; by_category: Breakdown };
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;
const pct = (now: number | null, then: number | null) => (now === null || then === null || then === 0 ? null : round(((now - then) / then) * 100, 1));
const per1000 = (count: number | null, population: number) => (count === null ? null : round((count / population) * 1000, 2));

export interface ProfileRequest { locality: string; period: string; audience?: Audience }

/** Counts the profile: the locality's part of this year's and last year's releases, controlled together when published. */
export async function countLocalityProfile(engine: Engine, area: Area, agreement: Agreement, request: ProfileRequest): Promise<Counted<ProfileResult>> {
  const locality = area.localities.find((l) => l.slug === request.locality);
  if (!locality) throw new RangeError(`unknown locality "${request.locality}"; known: ${area.localities.map((l) => l.slug).join(', ')}`);
  const audience = request.audience ?? 'csp';
  const year = financialYear(request.period);
  const cells = new Publication();
  const counted = {
    now: await countRelease(engine, area, agreement, year, audience, cells),
    before: await countRelease(engine, area, agreement, yearStarting(year.startYear - 1), audience, cells),
  };
  return { audience, cells, ...cspRounding(audience), answer: (show) => profileOf(area, agreement, locality, counted.now(show), counted.before(show)) };
}

function profileOf(area: Area, agreement: Agreement, locality: Area['localities'][number], now: Release, before: Release): ProfileResult {
  const { audience, year } = now;
  const here = now.localities.get(locality.slug)!;
  const then = before.localities.get(locality.slug)!.headline;
  const { serious_violence: sv, knife_serious_violence: knife, asb, ae_attendances: ae, school_exclusions: exclusions } = here.headline;
  const b = here.breakdowns;
  const areaPopulation = area.localities.reduce((n, l) => n + l.population, 0);
  return {
    locality: locality.slug,
    name: locality.name,
    period: year.label,
    audience,
    rounded: audience === 'csp',
    population: locality.population,
    serious_violence: {
      ...sv,
      rate_per_1000: per1000(sv.count, locality.population),
      area_rate_per_1000: per1000(now.areaSeriousViolence.count, areaPopulation),
      previous_count: then.serious_violence.count,
      change_pct: pct(sv.count, then.serious_violence.count),
    },
    monthly: b.monthly.map(({ key, ...rest }) => ({ month: key, ...rest })),
    knife_serious_violence: { ...knife, previous_count: then.knife_serious_violence.count, change_pct: pct(knife.count, then.knife_serious_violence.count) },
    by_offence_group: b.by_offence_group.map(({ key, ...rest }) => ({ group: key, ...rest })),
    domestic: b.domestic,
    by_location_type: b.by_location_type,
    victim_age_band: b.victim_age_band,
    victim_sex: b.victim_sex,
    hour_by_weekday: { weekdays: WEEKDAYS, hours: HOURS, cells: here.grid },
    by_lsoa: here.byLsoa,
    hotspots: here.hotspots.map((h) => ({ ...h, share_pct: sv.count ? round((h.count / sv.count) * 100, 1) : null })),
    asb: { ...asb, rate_per_1000: per1000(asb.count, locality.population), by_pen_category: b.asb_by_pen_category },
    ae_attendances: { ...ae, by_means_of_assault: b.ae_by_means_of_assault, by_location_type: b.ae_by_location_type },
    school_exclusions: { ...exclusions, by_category: b.exclusions_by_category },
  };
}

/** The profile as published to its audience (disclosure-controlled for the CSP audience, the default). */
export const localityProfile = async (engine: Engine, area: Area, agreement: Agreement, request: ProfileRequest) =>
  disclose(await countLocalityProfile(engine, area, agreement, request), agreement.disclosure.rounding);

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
        ['locality', p.name], ['period', p.period], ['audience', p.audience], ['rounded to 5', p.rounded], ['population', p.population],
        ['serious violence', p.serious_violence.count], ['serious violence per 1,000', p.serious_violence.rate_per_1000],
        ['whole area serious violence per 1,000', p.serious_violence.area_rate_per_1000], ['serious violence, previous year', p.serious_violence.previous_count],
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
    { name: 'By LSOA', columns: ['lsoa', 'count', 'suppressed'], rows: p.by_lsoa.map((l) => [l.key, l.count, l.suppressed]) },
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

