import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileLongTable, profileTables, type ProfileResult } from '../../analytics/products/locality-profile.ts';
import type { MeasuresResult } from '../../analytics/products/success-measures.ts';
import { renderProduct, runProduct, type ProductRequest } from '../../functions/products/service.ts';
import { labelled } from '../../analytics/render/labels.ts';
import { roundTo5 } from '../../analytics/disclosure.ts';
import type { IndicatorFigure, IndicatorsResult } from '../../analytics/products/indicators.ts';
import { roundedBreaches, type RoundedLine } from '../analytics/disclosure-rule.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, sql, testPlatform } from '../helpers.ts';
import { monthLabel } from '../../analytics/render/svg.ts';
import { agreement, llr, llrDeployment } from '../deployments.ts';

/**
 * The red team's attack, end to end: a CSP officer (and the officers of the other eight localities, one audience)
 * takes every locality's profile in every format, what the csp role sees of the measures, and the performance
 * indicators (their totals, their bars by locality, their months and their maps' LSOA cells) for the year and for a
 * quarter, reads the numbers back out, and subtracts across all of them. Everything that audience sees is rounded
 * to 5 (one regime), so the attack works with intervals: each published count known to ±2. Data are random but
 * seeded, small enough that small cells are everywhere.
 */
const PERIOD = '2024-25', PREVIOUS = '2023-24', BASELINE = '2019-20';
const postcodeOf: Record<string, string> = {
  leicester: 'LE1', blaby: 'LE19', charnwood: 'LE11', harborough: 'LE16', 'hinckley-and-bosworth': 'LE10',
  melton: 'LE13', 'north-west-leicestershire': 'LE65', 'oadby-and-wigston': 'LE18', rutland: 'LE15',
};
const groups = ['assault_with_injury', 'assault_with_injury', 'robbery_personal', 'rape', 'threats_to_kill', 'homicide', 'theft'];
const sizes: Record<string, number> = { leicester: 70, charnwood: 30, blaby: 9, harborough: 12, 'hinckley-and-bosworth': 8, melton: 4, 'north-west-leicestershire': 15, 'oadby-and-wigston': 6, rutland: 2 };

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
const dayIn = (startYear: number) => new Date(Date.UTC(startYear, 3, 1) + Math.floor(random() * 365) * 86_400_000).toISOString().slice(0, 10);

const lsoasOf = (slug: string) => llrDeployment.boundaries.lsoas[llr.localities.find((l) => l.slug === slug)!.onsCode];

function crimes(startYear: number, scale: number): string[] {
  const rows: string[] = [];
  for (const [locality, n] of [...Object.entries(sizes), ['unknown', 3] as const]) {
    for (let i = 0; i < Math.round(n * scale); i++) {
      const day = dayIn(startYear);
      rows.push(crimeRow(`C${startYear}-${locality}-${i}`, {
        recorded_date: day, offence_date: day, offence_group: pick(groups), knife_flag: random() < 0.3 ? 'Y' : 'N', domestic_flag: random() < 0.2 ? 'Y' : 'N',
        location_type: pick(['public_place', 'dwelling', 'licensed_premises', 'retail']),
        postcode: locality === 'unknown' ? '' : `${postcodeOf[locality]} ${1 + Math.floor(random() * 3)}AB`,
        // The map's cells: six LSOAs of the locality in turn (no draw, so the rest of the data is as it was), some none.
        lsoa_code: locality === 'unknown' || i % 7 === 6 ? '' : lsoasOf(locality)[i % 6],
        offence_time: random() < 0.1 ? '' : `${String(pick([0, 1, 22, 23])).padStart(2, '0')}:15`,
        victim_age: random() < 0.15 ? '' : String(12 + Math.floor(random() * 40)), victim_date_of_birth: '', victim_sex: pick(['male', 'female']),
      }));
    }
  }
  return rows;
}

let t: ReturnType<typeof testPlatform>;
const csp = new Map<string, ProfileResult>(), truth = new Map<string, ProfileResult>(), cspPrevious = new Map<string, ProfileResult>();
const files = new Map<string, { csv: string; xlsx: Uint8Array; html: string; json: ProfileResult }>();
let areaSeriousViolence: number;
let measures: { csp: MeasuresResult<number | null>; truth: MeasuresResult; cspPrevious: MeasuresResult<number | null>; csv: string };
/** The indicators as the CSP officers of three localities see them, for the year and (Melton) a quarter, and the truth. */
const indicatorRequests = [['leicester', PERIOD], ['melton', PERIOD], ['rutland', PERIOD], ['melton', '2024-25-Q2']] as const;
const indicators: { area: string; period: string; csp: IndicatorsResult; truth: IndicatorsResult }[] = [];

beforeAll(async () => {
  t = testPlatform();
  const covering = (periodFrom: string) => ({ periodFrom, periodTo: '2025-03-31' });
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimes(2024, 1), ...crimes(2023, 0.8), ...crimes(2019, 0.6)), covering('2019-04-01'));
  const places = Object.values(postcodeOf);
  await ingestText(t.platform, 'asb_incident', POLICE, csv('incident_ref,source,reported_at,pen_category,postcode',
    ...Array.from({ length: 60 }, (_, i) => `S${i},${i % 4 ? 'police_call' : 'case_management'},${dayIn(2024)}T20:00,${pick(['personal', 'nuisance', 'environmental'])},${pick(places)} 2AB`)), covering('2024-04-01'));
  await ingestText(t.platform, 'ae_attendance', 'uhl', csv('attendance_id,arrival_at,means_of_assault,incident_postcode',
    ...Array.from({ length: 50 }, (_, i) => `E${i},${dayIn(2024)}T23:00,${pick(['knife_or_sharp', 'body_part'])},${pick(places)} 2AA`)), covering('2024-04-01'));
  await ingestText(t.platform, 'school_exclusion', 'leicestershire-county-council', csv('exclusion_id,home_postcode,category,reason_code,start_date',
    ...Array.from({ length: 30 }, (_, i) => `X${i},${pick(places)} 4AB,${pick(['suspension', 'permanent_exclusion'])},PA,${dayIn(2024)}`)));
  await ingestText(t.platform, 'hospital_admission', 'mlcsu', csv('admission_id,admission_date,admission_method,cause_codes,age',
    ...Array.from({ length: 25 }, (_, i) => `H${i},${dayIn(pick([2024, 2023, 2019]))},21,X99.1,${15 + Math.floor(random() * 30)}`)));

  const groups = "('homicide','attempted_murder','threats_to_kill','assault_with_intent_serious_harm','assault_with_injury','robbery_personal','robbery_business','rape','other_sexual_offence')";
  areaSeriousViolence = Number((await sql(t.platform, `SELECT count(*) AS n FROM police_crime WHERE offence_group IN ${groups} AND recorded_date BETWEEN DATE '2024-04-01' AND DATE '2025-03-31'`))[0].n);
  const run = async <R,>(request: ProductRequest) => (await runProduct(t.platform, 'sql', request)) as R;
  for (const { slug } of llr.localities) {
    const request: ProductRequest = { product: 'profile', locality: slug, period: PERIOD, audience: 'csp' };
    const result = await run<ProfileResult>(request);
    csp.set(slug, result);
    truth.set(slug, await run<ProfileResult>({ ...request, audience: 'analyst' }));
    if (['leicester', 'melton', 'rutland'].includes(slug)) cspPrevious.set(slug, await run<ProfileResult>({ ...request, period: PREVIOUS }));
    const body = async (format: 'json' | 'csv' | 'xlsx' | 'html') => (await renderProduct(request, result, format, t.platform.deployment)).body;
    files.set(slug, { json: JSON.parse(String(await body('json'))), csv: String(await body('csv')), xlsx: (await body('xlsx')) as Uint8Array, html: String(await body('html')) });
  }
  // The csp role's measures: what the API gives a csp_officer (the route's default for that role is the csp audience).
  const measuresRequest: ProductRequest = { product: 'measures', period: PERIOD, baseline: BASELINE, audience: 'csp' };
  const cspMeasures = await run<MeasuresResult<number | null>>(measuresRequest);
  measures = {
    csp: JSON.parse(String((await renderProduct(measuresRequest, cspMeasures, 'json', t.platform.deployment)).body)),
    csv: String((await renderProduct(measuresRequest, cspMeasures, 'csv', t.platform.deployment)).body),
    truth: await run<MeasuresResult>({ ...measuresRequest, audience: 'analyst' }),
    cspPrevious: await run<MeasuresResult<number | null>>({ ...measuresRequest, period: PREVIOUS }),
  };
  for (const [area, period] of indicatorRequests) {
    const request: ProductRequest = { product: 'indicators', period, area, audience: 'csp', baseline: BASELINE };
    const shown = await run<IndicatorsResult>(request);
    indicators.push({ area, period, csp: JSON.parse(String((await renderProduct(request, shown, 'json', t.platform.deployment)).body)), truth: await run<IndicatorsResult>({ ...request, audience: 'analyst' }) });
  }
}, 240_000);
afterAll(() => t.cleanup());

/** Cells and lines over every locality's profile and the measures, as the issue states the rule. */
function allLines() {
  const truthCells: number[] = [], shownCells: (number | null)[] = [], maxCells: number[] = [];
  const lines: RoundedLine[] = [];
  const t4 = 4, t7 = 7;
  const cell = (real: number | null, shown: number | null, max = t4) => { truthCells.push(real!); shownCells.push(shown); maxCells.push(max); return truthCells.length - 1; };
  const breakdown = (name: string, total: number, real: { count: number | null }[], shown: { count: number | null }[], max: number) => {
    const parts = real.map((r, i) => cell(r.count, shown[i].count, max));
    lines.push({ name, total, parts });
    return parts;
  };
  /** Each locality's profile figures among the cells: the headlines, the months, the offence groups, the map's LSOAs. */
  const profile = new Map<string, { sv: number; knife: number; asb: number; ae: number; months: Map<string, number>; groups: Map<string, number>; lsoas: Map<string, number> }>();
  const svCells: number[] = [], knifeCells: number[] = [];
  for (const { slug } of llr.localities) {
    const r = truth.get(slug)!, s = files.get(slug)!.json;
    const sv = cell(r.serious_violence.count, s.serious_violence.count);
    svCells.push(sv);
    knifeCells.push(cell(r.knife_serious_violence.count, s.knife_serious_violence.count));
    const parts = Object.fromEntries((['monthly', 'by_offence_group', 'domestic', 'by_location_type', 'victim_age_band', 'victim_sex'] as const).map((key) => [key, breakdown(`${slug} ${key}`, sv, r[key], s[key], t4)]));
    breakdown(`${slug} hour by weekday`, sv, r.hour_by_weekday.cells.flat(), s.hour_by_weekday.cells.flat(), t4);
    const lsoas = breakdown(`${slug} map by LSOA`, sv, r.by_lsoa, s.by_lsoa, t4);
    // the listed hotspots against the year's count: the truth is each listed sector's true count
    const listed = s.hotspots.map((h) => ({ count: r.hotspots.find((x) => x.sector === h.sector)!.count }));
    breakdown(`${slug} hotspots`, sv, listed, s.hotspots, t4);
    const asb = cell(r.asb.count, s.asb.count);
    breakdown(`${slug} ASB`, asb, r.asb.by_pen_category, s.asb.by_pen_category, t4);
    const ae = cell(r.ae_attendances.count, s.ae_attendances.count, t7);
    profile.set(slug, {
      sv, knife: knifeCells[knifeCells.length - 1], asb, ae,
      months: new Map(r.monthly.map((m, i) => [m.month, parts.monthly[i]])), groups: new Map(r.by_offence_group.map((g, i) => [g.group, parts.by_offence_group[i]])),
      lsoas: new Map(r.by_lsoa.map((l, i) => [l.key, lsoas[i]])),
    });
    breakdown(`${slug} A&E means`, ae, r.ae_attendances.by_means_of_assault, s.ae_attendances.by_means_of_assault, t7);
    breakdown(`${slug} A&E location`, ae, r.ae_attendances.by_location_type, s.ae_attendances.by_location_type, t7);
    breakdown(`${slug} exclusions`, cell(r.school_exclusions.count, s.school_exclusions.count), r.school_exclusions.by_category, s.school_exclusions.by_category, t4);
  }
  // across localities: the LLR count every profile gives as a rate (the same in each; taken as exact), then the
  // knife-enabled measure
  const llrShown = [...files.values()].map((f) => f.json.serious_violence.area_rate_per_1000);
  expect(new Set(llrShown).size).toBe(1);
  const llrCount = cell(areaSeriousViolence, llrShown[0] === null ? null : roundTo5(areaSeriousViolence));
  lines.push({ name: 'LLR serious violence over localities', total: llrCount, parts: svCells });
  for (const m of measures.truth.measures) {
    const s = measures.csp.measures.find((x) => x.id === m.id && x.split === m.split)!;
    const max = m.id === 'hospital_admissions_sharp_object' ? t7 : t4;
    const total = cell(m.count, s.count, max);
    if (s.monthly.length) breakdown(`${m.id} ${m.split} months`, total, m.monthly, s.monthly, max);
    if (m.split === 'all_ages') {
      const under25 = measures.truth.measures.find((x) => x.id === m.id && x.split === 'under_25')!;
      breakdown(`${m.id} under 25`, total, [under25], [measures.csp.measures.find((x) => x.id === m.id && x.split === 'under_25')!], max);
      if (m.id === 'knife_serious_violence') lines.push({ name: 'LLR knife-enabled over localities', total, parts: knifeCells });
    }
  }
  return { truthCells, shownCells, maxCells, lines, cell, profile };
}

/** Indicators that are disjoint parts of another, from their definitions (schemas/indicators.ts). */
const nestedIndicators: [string, string[]][] = [
  ['total_crime', ['residential_burglary', 'business_burglary', 'vehicle_offences', 'serious_violence']],
  ['serious_violence', ['violence_with_injury', 'sexual_offences']], ['serious_violence', ['knife_serious_violence']],
  ['serious_violence', ['serious_violence_under_25']], ['serious_violence_under_25', ['public_place_violence_under_25']], ['violence_with_injury', ['homicide']],
];

/**
 * Everything above and the indicators, as one set of cells and lines: each indicator's count, its months and its
 * map's LSOAs for the area asked, its bars for every locality, the indicators nested in one another, and the
 * figures the indicators share with the profiles (serious violence is the profile's by month and by LSOA; knife-
 * enabled serious violence and A&E attendances are the profile's headlines over the year, parts of them over a
 * quarter; violence with injury and sexual offences are sums of the profile's offence groups; ASB from the police
 * and from the councils are parts of the profile's ASB). The same figure asked for twice (Melton's bar on
 * Leicester's page and on Melton's) must be published the same, and is one cell.
 */
function jointLines() {
  const all = allLines();
  const { cell, lines, profile } = all;
  const figures = new Map<string, number>();
  const figure = (key: string, real: { count: number | null }, shown: { count: number | null }, max: number) => {
    const known = figures.get(key);
    if (known !== undefined) { expect(all.shownCells[known], key).toBe(shown.count); return known; }
    return figures.set(key, cell(real.count, shown.count, max)).get(key)!;
  };
  const t = (i: IndicatorFigure) => (i.dataset === 'ae_attendance' || i.dataset === 'hospital_admission' ? 7 : 4);
  for (const { area, period, csp, truth } of indicatorRequests.map((_, k) => indicators[k])) {
    const whole = period === PERIOD;
    const at = new Map<string, { count: number; months: Map<string, number>; lsoas: Map<string, number>; bars: Map<string, number>; i: IndicatorFigure }>();
    csp.indicators.forEach((s, k) => {
      const r = truth.indicators[k];
      const key = (what: string) => `${s.id} ${period} ${what}`;
      const count = figure(key(area), r, s, t(s));
      const bars = new Map(r.by_locality.map((l, j) => [l.locality, figure(key(l.locality), l, s.by_locality[j], t(s))]));
      lines.push({ name: `${key(area)}: its bar`, total: count, parts: [bars.get(area)!] });
      const months = new Map(r.monthly.map((m, j) => [m.month, figure(key(`${area} ${m.month}`), m, s.monthly[j], t(s))]));
      lines.push({ name: `${key(area)} by month`, total: count, parts: [...months.values()] });
      const lsoas = new Map((r.by_lsoa ?? []).map((l, j) => [l.lsoa, figure(key(`${area} ${l.lsoa}`), l, s.by_lsoa![j], t(s))]));
      if (lsoas.size) lines.push({ name: `${key(area)} map`, total: count, parts: [...lsoas.values()] });
      at.set(s.id, { count, months, lsoas, bars, i: s });
    });
    for (const [total, parts] of nestedIndicators) {
      const of = parts.map((p) => at.get(p)!), top = at.get(total)!;
      lines.push({ name: `${period} ${area}: ${total} over ${parts}`, total: top.count, parts: of.map((p) => p.count) });
      for (const l of llr.localities) lines.push({ name: `${period} ${l.slug} bars: ${total} over ${parts}`, total: top.bars.get(l.slug)!, parts: of.map((p) => p.bars.get(l.slug)!) });
      for (const [m, c] of top.months) lines.push({ name: `${period} ${area} ${m}: ${total} over ${parts}`, total: c, parts: of.map((p) => p.months.get(m)!) });
      for (const [x, c] of top.lsoas) if (of.every((p) => p.lsoas.has(x))) lines.push({ name: `${period} ${x}: ${total} over ${parts}`, total: c, parts: of.map((p) => p.lsoas.get(x)!) });
    }
    // The figures shared with the profiles.
    const sv = at.get('serious_violence')!;
    for (const l of llr.localities) {
      const p = profile.get(l.slug)!;
      const months = sv.i.months_counted.map((m) => p.months.get(m)!);
      lines.push({ name: `${period} ${l.slug}: serious violence is the profile's months`, total: sv.bars.get(l.slug)!, parts: months });
      const share = (id: string, of: number[]) => {
        const bar = at.get(id)!.bars.get(l.slug)!;
        if (whole) lines.push({ name: `${period} ${l.slug}: ${id} is the profile's`, total: bar, parts: of });
        else if (of.length === 1) lines.push({ name: `${period} ${l.slug}: ${id} is part of the profile's`, total: of[0], parts: [bar] });
      };
      share('knife_serious_violence', [p.knife]);
      share('violence_ae_attendances', [p.ae]);
      share('violence_with_injury', ['homicide', 'attempted_murder', 'assault_with_intent_serious_harm', 'assault_with_injury'].map((g) => p.groups.get(g)!));
      share('sexual_offences', ['rape', 'other_sexual_offence'].map((g) => p.groups.get(g)!));
      lines.push({ name: `${period} ${l.slug}: ASB by source is part of the profile's`, total: p.asb, parts: [at.get('asb_police')!.bars.get(l.slug)!, at.get('asb_council')!.bars.get(l.slug)!] });
    }
    const p = profile.get(area)!;
    for (const [m, c] of sv.months) lines.push({ name: `${period} ${area} ${m}: serious violence is the profile's month`, total: c, parts: [p.months.get(m)!] });
    for (const [x, c] of sv.lsoas) lines.push(whole ? { name: `${period} ${x}: the map is the profile's`, total: c, parts: [p.lsoas.get(x)!] } : { name: `${period} ${x}: part of the profile's map`, total: p.lsoas.get(x)!, parts: [c] });
  }
  return all;
}

describe('differencing the csp audience\'s outputs', () => {
  it("hides a map's LSOA cells exactly as the table's: the map, the table and the files agree cell by cell", () => {
    let hidden = 0, shown = 0;
    for (const [slug, f] of files) {
      const p = csp.get(slug)!;
      expect(p.by_lsoa.map((l) => l.key)).toEqual([...lsoasOf(slug)].sort());
      for (const l of p.by_lsoa) {
        if (l.suppressed) hidden++; else if (l.count! > 0) shown++;
        // suppressed means no count; a published count is the truth rounded to 5, and never 1 to 4
        expect(l.suppressed).toBe(l.count === null);
        if (!l.suppressed) expect(l.count).toBe(roundTo5(truth.get(slug)!.by_lsoa.find((x) => x.key === l.key)!.count!));
        if (l.count !== null) expect(l.count === 0 || l.count > 4).toBe(true);
      }
      // The map's areas say what the sheet's rows say.
      const table = new Map([...f.html.matchAll(/<tr><th scope="row">(E01\d{6})<\/th><td>[^<]*<\/td><td class="n">([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]));
      expect(table).toEqual(new Map(p.by_lsoa.map((l) => [l.key, l.suppressed ? 'suppressed' : String(l.count)])));
    }
    expect(hidden).toBeGreaterThan(10);
    expect(shown).toBeGreaterThan(3);
  });

  it('finds small cells in the data (else the test proves nothing)', () => {
    const hidden = [...csp.values()].flatMap((p) => p.by_offence_group.concat(p.monthly as never)).filter((c) => c.suppressed);
    expect(hidden.length).toBeGreaterThan(20);
    expect([...csp.values()].some((p) => !p.serious_violence.suppressed)).toBe(true);
  });

  it('meets the rule on every line: within each profile, across the nine localities, and across the measures', () => {
    const { truthCells, shownCells, maxCells, lines } = allLines();
    expect(lines.length).toBeGreaterThan(100);
    expect(roundedBreaches(truthCells, shownCells, maxCells, lines)).toEqual([]);
  });

  it('across products: no suppressed count is narrowed by subtracting indicator totals, bars by locality, months, map cells and profile cells', () => {
    const { truthCells, shownCells, maxCells, lines } = jointLines();
    expect(lines.length).toBeGreaterThan(1000);
    // small cells are everywhere in the indicators too (else the attack proves nothing)
    const hidden = indicators.flatMap((x) => x.csp.indicators.flatMap((i) => [...i.monthly, ...(i.by_lsoa ?? []), ...i.by_locality])).filter((c) => c.suppressed);
    expect(hidden.length).toBeGreaterThan(100);
    expect(roundedBreaches(truthCells, shownCells, maxCells, lines)).toEqual([]);
  });

  it('never gives a hidden count with its rate, share or change', () => {
    for (const p of csp.values()) {
      if (p.serious_violence.count === null) {
        expect([p.serious_violence.rate_per_1000, p.serious_violence.change_pct]).toEqual([null, null]);
        expect(p.hotspots.map((h) => h.share_pct)).toEqual(p.hotspots.map(() => null));
      }
      if (p.serious_violence.previous_count === null) expect(p.serious_violence.change_pct).toBeNull();
      if (p.knife_serious_violence.count === null || p.knife_serious_violence.previous_count === null) expect(p.knife_serious_violence.change_pct).toBeNull();
      if (p.asb.count === null) expect(p.asb.rate_per_1000).toBeNull();
      for (const h of p.hotspots) expect(h.count).toBeGreaterThan(4);
    }
    for (const m of measures.csp.measures) {
      if (m.count === null || m.previous_count === null) expect(m.change_vs_previous_pct).toBeNull();
      if (m.count === null || m.baseline_count === null) expect(m.change_vs_baseline_pct).toBeNull();
      expect(m.rolling_12_months).toEqual([]);
      if (m.split === 'under_25') expect(m.monthly).toEqual([]);
    }
  });

  it('shows a year\'s count the same wherever it appears: this year\'s previous-year figures are last year\'s release', () => {
    for (const [slug, p] of [...csp].filter(([slug]) => cspPrevious.has(slug))) {
      expect(p.serious_violence.previous_count).toBe(cspPrevious.get(slug)!.serious_violence.count);
      expect(p.knife_serious_violence.previous_count).toBe(cspPrevious.get(slug)!.knife_serious_violence.count);
    }
    for (const m of measures.csp.measures) {
      expect(m.previous_count).toBe(measures.cspPrevious.measures.find((x) => x.id === m.id && x.split === m.split)!.count);
    }
  });

  it('publishes in CSV, XLSX and HTML exactly the figures of the JSON, and nothing hidden', async () => {
    const parseCsv = (text: string) => text.trim().split('\r\n').slice(1).map((line) => {
      const fields: string[] = [];
      let field = '', quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quoted && ch === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = !quoted;
        else if (ch === ',' && !quoted) { fields.push(field); field = ''; } else field += ch;
      }
      return [...fields, field];
    });
    const asText = (v: unknown) => (v === null || v === undefined ? '' : String(v));
    for (const [slug, f] of files) {
      expect(f.json).toEqual(csp.get(slug));
      // The files carry labels for the codes (labelled), the same figures.
      expect(parseCsv(f.csv)).toEqual(labelled(profileLongTable(f.json)).rows.map((r) => r.map(asText)));
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(Buffer.from(f.xlsx) as never);
      for (const table of profileTables(f.json).map((t) => labelled(t))) {
        const sheet = workbook.getWorksheet(table.name.slice(0, 31))!;
        const rows: string[][] = [];
        sheet.eachRow((row, n) => { if (n > 1) rows.push(table.columns.map((_, i) => asText(row.getCell(i + 1).value))); });
        expect(rows).toEqual(table.rows.map((r) => r.map(asText)));
      }
      // HTML: every bar, point, heatmap cell and map area shows the JSON's figure, or "suppressed" for a hidden one
      const html = f.html;
      const hidden = f.json.hour_by_weekday.cells.flat().filter((c) => c.suppressed).length;
      expect((html.match(/<title>(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:00: suppressed<\/title>/g) ?? []).length).toBe(hidden);
      f.json.hour_by_weekday.cells.forEach((row, d) => row.forEach((c, h) => {
        if (!c.suppressed) expect(html).toContain(`<title>${f.json.hour_by_weekday.weekdays[d]} ${String(h).padStart(2, '0')}:00: ${c.count}</title>`);
      }));
      for (const m of f.json.monthly) expect(html).toContain(`<title>${monthLabel(m.month)}: ${m.suppressed ? 'suppressed' : m.count}</title>`);
      for (const g of f.json.by_offence_group) {
        expect(html).toContain(`<title>${g.group.replace(/_/g, ' ')}: ${g.suppressed ? 'suppressed' : g.count}</title>`);
      }
      const mapped = new Map([...html.matchAll(/<title>[^<]* \((E01\d{6})\): ([^<]*)<\/title>/g)].map((m) => [m[1], m[2]]));
      expect(mapped).toEqual(new Map(f.json.by_lsoa.map((l) => [l.key, l.suppressed ? 'suppressed' : String(l.count)])));
      const summary = (label: string) => new RegExp(`${label}</th><td class="n">([^<]*)<`).exec(html)?.[1];
      expect(summary('Crimes')).toBe(asText(f.json.serious_violence.count ?? 'suppressed'));
      expect(summary('Per 1,000 residents')).toBe(asText(f.json.serious_violence.rate_per_1000 ?? 'suppressed'));
      expect(summary('LLR per 1,000 residents')).toBe(asText(f.json.serious_violence.area_rate_per_1000 ?? 'suppressed'));
      expect(summary('Previous year')).toBe(asText(f.json.serious_violence.previous_count ?? 'suppressed'));
    }
    const returned = parseCsv(measures.csv);
    const words = labelled({ name: '', columns: [], rows: measures.csp.measures.map((m) => [m.id, m.split]) }).rows;
    for (const [i, m] of measures.csp.measures.entries()) {
      const row = returned.find((r) => r[0] === words[i][0] && r[1] === words[i][1])!;
      expect([row[3], row[5], row[7]]).toEqual([m.count, m.baseline_count, m.previous_count].map(asText));
    }
  });
});

describe('rounding, when the agreement asks for it', () => {
  it('gives the csp audience counts that are multiples of 5, small ones still suppressed, rates from the rounded counts', async () => {
    const rounded = { ...t.platform, agreement: { ...agreement, disclosure: { ...agreement.disclosure, rounding: 'nearest5' as const } } };
    const p = (await runProduct(rounded, 'sql', { product: 'profile', locality: 'leicester', period: PERIOD, audience: 'csp' })) as ProfileResult;
    const r = truth.get('leicester')!;
    const counts = [p.serious_violence.count, ...p.monthly.map((m) => m.count), ...p.by_offence_group.map((g) => g.count), ...p.hour_by_weekday.cells.flat().map((c) => c.count)];
    expect(counts.every((c) => c === null || c % 5 === 0)).toBe(true);
    expect(p.serious_violence.count).toBe(Math.round(r.serious_violence.count! / 5) * 5);
    expect(p.serious_violence.rate_per_1000).toBe(Math.round((p.serious_violence.count! / p.population) * 1000 * 100) / 100);
    p.by_offence_group.forEach((g, i) => {
      const real = r.by_offence_group[i].count!;
      expect(g.count).toBe(real >= 1 && real <= 4 ? null : Math.round(real / 5) * 5);
    });
  });
});
