import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coveredMonths, parsePeriod, periodEarlier } from '../../analytics/financial-year.ts';
import type { IndicatorFigure, IndicatorsResult } from '../../analytics/products/indicators.ts';
import { computeProduct } from '../../functions/products/service.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { indicators } from '../../schemas/indicators.ts';
import { CRIME_HEADER, crimeRow, ingestText, POLICE, testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';

describe('periods: one parser for every form', () => {
  it('reads a year, a quarter, a year to date and a rolling twelve months', () => {
    expect(parsePeriod('2024-25')).toMatchObject({ kind: 'year', from: '2024-04-01', to: '2025-03-31' });
    expect(parsePeriod('2025-26-Q1')).toMatchObject({ kind: 'quarter', from: '2025-04-01', to: '2025-06-30', months: ['2025-04', '2025-05', '2025-06'] });
    expect(parsePeriod('2025-26-Q4')).toMatchObject({ from: '2026-01-01', to: '2026-03-31' });
    expect(parsePeriod('2025-26-YTD')).toMatchObject({ kind: 'ytd', from: '2025-04-01', to: '2026-03-31' });
    expect(parsePeriod('R12-2025-09')).toMatchObject({ kind: 'rolling', from: '2024-10-01', to: '2025-09-30' });
    expect(parsePeriod('R12-2025-02').to).toBe('2025-02-28');
  });
  it('refuses anything else, naming the forms and not the value', () => {
    for (const bad of ['2024-26', '2024-25-Q5', 'R12-2025-13', '2024', 'FY2024-25', '2024-25-ytd']) {
      expect(() => parsePeriod(bad), bad).toThrow(/^period must be a financial year \(2024-25\), a quarter/);
    }
  });
  it('counts only the months the data covers to their end, and moves a period back by whole years', () => {
    expect(coveredMonths(parsePeriod('2025-26'), '2025-09-30')).toEqual({ months: ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09'], partial: true });
    expect(coveredMonths(parsePeriod('2025-26-Q2'), '2025-09-29')).toEqual({ months: ['2025-07', '2025-08'], partial: true });
    expect(coveredMonths(parsePeriod('2024-25'), null)).toEqual({ months: [], partial: true });
    expect(periodEarlier(parsePeriod('2025-26-Q1'), 6)).toBe('2019-20-Q1');
    expect(periodEarlier(parsePeriod('R12-2025-09'), 1)).toBe('R12-2024-09');
  });
});

/**
 * Pinned rows: crimes in Leicester (LE1) and Charnwood (LE11), in the extract up to 15 August 2025, so August is not
 * covered: 2025-26 so far is April to July, compared with April to July 2024 and April to July 2019.
 */
const HEADER = `${CRIME_HEADER},hate_flag,burglary_type`;
const crimes: [string, string, Record<string, string>?][] = [
  ['2019-05-10', 'LE1 5AB'], ['2019-11-10', 'LE11 2AA'],
  ['2024-05-10', 'LE11 2AA'], ['2024-07-20', 'LE11 2AA', { offence_group: 'burglary', burglary_type: 'residential' }], ['2024-10-05', 'LE1 5AB'], ['2025-02-01', 'LE1 5AB'],
  ['2025-04-03', 'LE11 2AA', { hate_flag: 'Y', offence_group: 'public_order' }], ['2025-05-03', 'LE11 2AA'], ['2025-06-30', 'LE1 5AB'], ['2025-07-15', 'LE1 5AB'],
  ['2025-08-10', 'LE11 2AA'],
];
const file = [HEADER, ...crimes.map(([day, postcode, cells], i) => `${crimeRow(`C-${i}`, { recorded_date: day, offence_date: day, postcode, ...cells })},${cells?.hate_flag ?? 'N'},${cells?.burglary_type ?? ''}`)].join('\n') + '\n';

let t: ReturnType<typeof testPlatform>;
beforeAll(async () => {
  t = testPlatform();
  const report = await ingestText(t.platform, 'police_crime', POLICE, file, { periodFrom: '2019-04-01', periodTo: '2025-08-15' });
  expect(report.rows_accepted).toBe(crimes.length);
  const uk = await ingestText(t.platform, 'police_uk_crime', 'police-uk', readFileSync(new URL('../ingest/police-uk/2025-04-06-street.csv', import.meta.url)));
  expect(uk.status).toBe('accepted');
});
afterAll(() => t.cleanup());

const run = (platform: Platform, period: string, area = 'llr', audience: 'analyst' | 'csp' = 'analyst') =>
  onBothEngines(platform, (engine) => computeProduct(engine, platform, { product: 'indicators', period, area, audience, baseline: '2019-20' }) as Promise<IndicatorsResult>);
const of = (r: IndicatorsResult, id: string) => r.indicators.find((i) => i.id === id)!;
const brief = (i: IndicatorFigure) => ({
  count: i.count, partial: i.partial, months: i.months_counted, previous: [i.previous.period, i.previous.count], baseline: i.baseline.count,
  trend: i.trend.map((x) => `${x.period}:${x.count}`),
});

describe('each period form, on both engines, like for like', () => {
  it('a part year: April to July 2025 against April to July 2024 and 2019; the months after data_to are not there, not zeros', async () => {
    const { arquero, sql } = await run(t.platform, '2025-26');
    expect(sql).toEqual(arquero);
    const total = of(sql, 'total_crime');
    expect(brief(total)).toEqual({
      count: 4, partial: true, months: ['2025-04', '2025-05', '2025-06', '2025-07'], previous: ['2024-25', 2], baseline: 1,
      trend: ['2019-20:1', '2020-21:0', '2021-22:0', '2022-23:0', '2023-24:0', '2024-25:2', '2025-26:4'],
    });
    expect(total.data_to).toBe('2025-08-15');
    expect(total.monthly).toEqual(['2025-04', '2025-05', '2025-06', '2025-07'].map((month) => ({ month, count: 1, suppressed: false })));
    expect(total.months_not_covered).toHaveLength(8);
    expect([total.change_vs_previous_pct, total.change_vs_baseline_pct]).toEqual([100, 300]);
    expect(of(sql, 'hate_crime').count).toBe(1);
    expect(of(sql, 'residential_burglary').previous.count).toBe(1);
    // No extract of hospital admissions: nothing is counted, and nothing is said to be zero.
    expect(of(sql, 'hospital_admissions_violence')).toMatchObject({ data_to: null, count: 0, months_counted: [], monthly: [] });
  });

  it('a quarter: 2025-26-Q1 against 2024-25-Q1 and the baseline\'s Q1, whole', async () => {
    const { arquero, sql } = await run(t.platform, '2025-26-Q1');
    expect(sql).toEqual(arquero);
    expect(brief(of(sql, 'total_crime'))).toMatchObject({ count: 3, partial: false, previous: ['2024-25-Q1', 1], baseline: 1 });
  });

  it('a year to date: the financial year so far, against the same months', async () => {
    const { arquero, sql } = await run(t.platform, '2025-26-YTD');
    expect(sql).toEqual(arquero);
    expect(brief(of(sql, 'total_crime'))).toMatchObject({ count: 4, partial: true, previous: ['2024-25-YTD', 2], baseline: 1 });
  });

  it('a rolling twelve months: July 2024 to June 2025, the baseline its calendar months of 2019-20', async () => {
    const { arquero, sql } = await run(t.platform, 'R12-2025-06');
    expect(sql).toEqual(arquero);
    expect(brief(of(sql, 'total_crime'))).toEqual({
      count: 6, partial: false, months: parsePeriod('R12-2025-06').months, previous: ['R12-2024-06', 1], baseline: 2,
      trend: ['R12-2020-06:1', 'R12-2021-06:0', 'R12-2022-06:0', 'R12-2023-06:0', 'R12-2024-06:1', 'R12-2025-06:6'],
    });
  });

  it('a locality: its own figures, beside every locality and the whole area\'s rate', async () => {
    const { arquero, sql } = await run(t.platform, '2025-26', 'charnwood');
    expect(sql).toEqual(arquero);
    const total = of(sql, 'total_crime');
    expect(total.count).toBe(2);
    expect(total.by_locality.filter((l) => l.count).map((l) => [l.locality, l.count])).toEqual([['leicester', 2], ['charnwood', 2]]);
    const population = t.platform.area.localities.reduce((n, l) => n + l.population, 0);
    expect(total.area_rate).toBe(Math.round((4 / population) * 1000 * 100) / 100);
  });

  it('for the CSP audience: every count rounded to 5, 1 to 4 suppressed, rates from what is shown', async () => {
    const { arquero, sql } = await run(t.platform, 'R12-2025-06', 'llr', 'csp');
    expect(sql).toEqual(arquero);
    const total = of(sql, 'total_crime');
    // 6 crimes round to 5 (5..8 to the audience); where that would narrow a suppressed month, a month goes with it
    expect([total.count, total.suppressed, total.previous.count, total.previous.suppressed]).toEqual([5, false, null, true]);
    expect(total.change_vs_previous_pct).toBeNull();
    expect(total.monthly.every((m) => m.count === 0 || m.suppressed)).toBe(true);
    expect(sql.rounded).toBe(true);
  });

  it('an unknown area or a malformed period is the caller\'s mistake', async () => {
    await expect(run(t.platform, '2025-26', 'atlantis')).rejects.toThrow(/unknown area "atlantis"; known: llr, leicester/);
    await expect(run(t.platform, '2025-26-Q7')).rejects.toThrow(/period must be/);
  });
});

describe('police.uk comparators', () => {
  it('each force over the same months, against the year before', async () => {
    const { arquero, sql } = await run(t.platform, '2025-26-Q1');
    expect(sql).toEqual(arquero);
    expect(of(sql, 'vehicle_offences').comparators).toEqual([
      { force: 'Leicestershire Police', count: 1, previous_count: 0, change_vs_previous_pct: null },
      { force: 'Nottinghamshire Police', count: 1, previous_count: 1, change_vs_previous_pct: 0 },
    ]);
    // Total crime: every type but anti-social behaviour.
    expect(of(sql, 'total_crime').comparators.map((c) => [c.force, c.count, c.previous_count])).toEqual([['Leicestershire Police', 3, 2], ['Nottinghamshire Police', 2, 1]]);
    // No ASB extract: no months counted, so nothing to compare with.
    expect(of(sql, 'asb_police').comparators).toEqual([]);
  });
  it('none where police.uk does not reach the months, and says so', async () => {
    const { sql } = await run(t.platform, '2025-26');
    expect(of(sql, 'vehicle_offences')).toMatchObject({ comparators: [], comparator_note: 'police.uk data loaded runs to 2025-06-30, short of these months' });
  });
});

it('every indicator names columns its dataset stores (checked at load) and is counted by the product', async () => {
  const { sql } = await run(t.platform, '2025-26-Q1');
  expect(sql.indicators.map((i) => i.id)).toEqual(indicators.map((i) => i.id));
});
