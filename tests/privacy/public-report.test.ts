import { afterAll, beforeAll, expect, it } from 'vitest';
import { roundTo5 } from '../../analytics/disclosure.ts';
import type { IndicatorFigure, IndicatorsResult } from '../../analytics/products/indicators.ts';
import { renderProduct, runProduct } from '../../functions/products/service.ts';
import { exportAbout } from '../../functions/products/about.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';

/**
 * The public report against the differencing rule: what the public sees is every count rounded to 5 on its own and
 * every count of 1..t withheld, so no sum of published figures pins a small cell (a rounded total and rounded parts
 * leave each part uncertain by at least ±2). Checked cell by cell against the analyst's figures on seeded small data
 * where small cells are everywhere, and in the HTML as published.
 */
const postcodes = ['LE1', 'LE19', 'LE11', 'LE16', 'LE10', 'LE13', 'LE65', 'LE18', 'LE15'];
const groups = ['assault_with_injury', 'robbery_personal', 'rape', 'theft', 'burglary', 'vehicle_offence', 'public_order'];
let seed = 11;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];

let t: ReturnType<typeof testPlatform>;
let pub: IndicatorsResult, truth: IndicatorsResult, html: string;
beforeAll(async () => {
  t = testPlatform();
  const rows = Array.from({ length: 400 }, (_, i) => {
    const year = pick([2019, 2024, 2025]);
    const day = new Date(Date.UTC(year, 3, 1) + Math.floor(random() * (year === 2025 ? 150 : 365)) * 86_400_000).toISOString().slice(0, 10);
    return crimeRow(`P${i}`, { recorded_date: day, offence_date: day, offence_group: pick(groups), domestic_flag: random() < 0.2 ? 'Y' : 'N', postcode: `${pick(postcodes)} 2AB`, victim_age: String(12 + Math.floor(random() * 40)), victim_date_of_birth: '' });
  });
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...rows), { periodFrom: '2019-04-01', periodTo: '2025-08-31' });
  const request = { product: 'public-report', period: '2025-26-Q1' };
  pub = await runProduct(t.platform, 'sql', request) as IndicatorsResult;
  truth = await runProduct(t.platform, 'sql', { product: 'indicators', period: '2025-26-Q1', area: 'llr', audience: 'analyst', baseline: '2019-20' }) as IndicatorsResult;
  html = (await renderProduct(request, pub, 'html', t.platform.deployment, undefined, await exportAbout(t.platform, request))).body as string;
});
afterAll(() => t.cleanup());

const cells = (i: IndicatorFigure) => [
  ['count', i], ['previous', i.previous], ['baseline', i.baseline], ...i.monthly.map((m) => [m.month, m] as const),
  ...i.by_locality.map((l) => [l.locality, l] as const), ...i.trend.map((x) => [x.period, x] as const),
] as const;

it('publishes every count rounded to 5, withheld when 1..t, or withheld where its rounding would narrow a small one', () => {
  expect(pub).toMatchObject({ audience: 'public', rounded: true, area: 'llr' });
  let small = 0, secondary = 0;
  for (const [k, i] of pub.indicators.entries()) {
    const real = cells(truth.indicators[k]);
    cells(i).forEach(([name, shown], c) => {
      const counted = real[c][1].count!;
      if (counted >= 1 && counted <= 4) { small++; expect({ name, shown: shown.count }, i.id).toEqual({ name, shown: null }); } else if (shown.suppressed) secondary++;
      else expect({ name, shown: shown.count }, i.id).toEqual({ name, shown: roundTo5(counted) });
    });
  }
  expect(small).toBeGreaterThan(20);
  // Rounding errors that line up (a total rounded down, its parts up) would narrow a small cell: those are withheld too
  expect(secondary).toBeGreaterThan(0);
});

it('rates and changes come from the rounded counts, so they give nothing more away', () => {
  for (const i of pub.indicators) {
    const back = i.previous.count;
    expect(i.change_vs_previous_pct).toBe(i.count === null || back === null || back === 0 ? null : Math.round(((i.count - back) / back) * 1000) / 10);
  }
});

it('says how far the data runs, and no count in the HTML is a small one', () => {
  expect(html).toMatch(/public monitoring report 2025-26-Q1/);
  expect(html).toMatch(/data to 2025-08-31/);
  const counts = [...html.matchAll(/<td class="n">(\d+)<\/td>/g)].map((m) => Number(m[1]));
  expect(counts.length).toBeGreaterThan(50);
  expect(counts.filter((n) => n >= 1 && n <= 4)).toEqual([]);
});
