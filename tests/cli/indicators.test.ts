import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';
import { vrnInProcess } from './in-process.ts';

/** `vrn indicators` and `vrn report public` on a small store: each format, and the mistakes said in words. */
let t: ReturnType<typeof testPlatform>;
beforeAll(async () => {
  t = testPlatform();
  const days = ['2024-04-10', '2024-05-10', '2025-04-02', '2025-04-20', '2025-05-09', '2025-06-01', '2025-06-11', '2025-06-21'];
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...days.map((d, i) => crimeRow(`K${i}`, { recorded_date: d, offence_date: d, postcode: 'LE11 2AB' }))), { periodFrom: '2024-04-01', periodTo: '2025-07-31' });
});
afterAll(() => t.cleanup());

it('vrn indicators --period 2025-26-Q1 --area charnwood: JSON, CSV with the "data to" line, XLSX with labels, HTML with its maps', async () => {
  const json = await vrnInProcess('indicators', '--period', '2025-26-Q1', '--area', 'charnwood', '--data-dir', t.dir);
  expect(json.code).toBe(0);
  const total = JSON.parse(json.stdout).indicators.find((i: { id: string }) => i.id === 'total_crime');
  expect(total).toMatchObject({ count: 6, previous: { period: '2024-25-Q1', count: 2 }, change_vs_previous_pct: 200, data_to: '2025-07-31', partial: false });

  const table = await vrnInProcess('indicators', '--period', '2025-26-Q1', '--area', 'charnwood', '--format', 'csv', '--data-dir', t.dir);
  expect(table.stdout).toMatch(/^Produced by,.*\r\nPeriod,2025-26-Q1\r\nData to,2025-07-31\r\n/s);
  expect(table.stdout).toContain('Total recorded crime,Charnwood,2025-26-Q1,2025-07-31,');

  const out = join(t.dir, 'q1.xlsx');
  expect((await vrnInProcess('indicators', '--period', '2025-26-Q1', '--format', 'xlsx', '--out', out, '--data-dir', t.dir)).code).toBe(0);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
  expect(book.worksheets.map((w) => w.name)).toEqual(['Indicators', 'By locality', 'Monthly', 'Trend', 'Force comparators', 'By LSOA', 'Waiting for data']);

  const html = await vrnInProcess('indicators', '--period', 'R12-2025-06', '--format', 'html', '--data-dir', t.dir);
  // Each indicator's map: the LSOA choropleth with its attribution, or a word where the indicator has no LSOAs.
  const map = /<figure class="map" data-map="total_crime">(.*?)<\/figure><\/figure>/s.exec(html.stdout)?.[1] ?? '';
  expect(map).toContain('<svg');
  expect(map).toContain('<p class="attribution">Boundaries: Lower Layer Super Output Areas (2011)');
  expect(html.stdout).toContain('<figure class="map" data-map="violence_ae_attendances"><p class="note no-map">No map: ae attendance records carry no LSOA, so this indicator has no map.</p></figure>');
  expect(html.stdout).toContain('Indicators that wait for data');
});

it('vrn report public --period 2025-26-Q1 --format html: rounded, with its "data to" line', async () => {
  const report = await vrnInProcess('report', 'public', '--period', '2025-26-Q1', '--format', 'html', '--data-dir', t.dir);
  expect(report.code).toBe(0);
  expect(report.stdout).toContain('public monitoring report 2025-26-Q1');
  expect(report.stdout).toContain('data to 2025-07-31');
  expect(report.stdout).toContain('Counts are rounded to the nearest 5');
});

it('a period, an area or a subcommand it does not know: exit 2 and the reason', async () => {
  const period = await vrnInProcess('indicators', '--period', '2025-Q1', '--data-dir', t.dir);
  expect([period.code, period.stderr.split('\n')[0]]).toEqual([2, 'vrn: period must be a financial year (2024-25), a quarter (2025-26-Q1), a year to date (2025-26-YTD) or a rolling twelve months (R12-2025-09)']);
  const area = await vrnInProcess('indicators', '--period', '2025-26', '--area', 'gotham', '--data-dir', t.dir);
  expect([area.code, area.stderr.split('\n')[0]]).toEqual([2, 'vrn: unknown area "gotham"; known: llr, leicester, blaby, charnwood, harborough, hinckley-and-bosworth, melton, north-west-leicestershire, oadby-and-wigston, rutland']);
  const sub = await vrnInProcess('report', 'private', '--period', '2025-26-Q1', '--data-dir', t.dir);
  expect([sub.code, sub.stderr.split('\n')[0]]).toEqual([2, 'vrn: vrn report takes public']);
});

it('a product on a data dir with nothing stored is a usage error naming the dir, not a report of zeros', async () => {
  const missing = join(t.dir, 'not-a-data-dir');
  const out = await vrnInProcess('indicators', '--period', '2025-26-Q1', '--data-dir', missing);
  expect([out.code, out.stderr.split('\n')[0]]).toEqual([2, `vrn: nothing is stored in ${missing}: \`vrn serve\` loads the sample there, \`vrn ingest\` adds an extract`]);
  expect(out.stdout).toBe('');
});
