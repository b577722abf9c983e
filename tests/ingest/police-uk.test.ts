import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IngestReport } from '../../functions/ingest/report.ts';
import { ingestText, sql, testPlatform } from '../helpers.ts';

/** A police.uk street-level file as data.police.uk publishes it (headers, empty ASB crime ids, "No location" rows), with one broken month. */
const file = readFileSync(new URL('./police-uk/2025-04-06-street.csv', import.meta.url));

let t: ReturnType<typeof testPlatform>;
let report: IngestReport;
beforeAll(async () => {
  t = testPlatform();
  report = await ingestText(t.platform, 'police_uk_crime', 'police-uk', file, { fileName: '2025-04-06-street.csv' });
});
afterAll(() => t.cleanup());

it('takes the published headers as they are, and rejects a bad month by line, column and reason, never its value', () => {
  expect(report).toMatchObject({ status: 'accepted', rows_read: 11, rows_accepted: 10, rows_rejected: 1, columns_ignored: [] });
  expect(report.errors).toEqual([{ line: 12, column: 'month', code: 'invalid_month', message: 'not a month in the form YYYY-MM' }]);
  expect(JSON.stringify(report)).not.toContain('2025-13');
  // The extract covers its months to their last day: police.uk's data_to.
  expect([report.period_from, report.period_to]).toEqual(['2024-04-30', '2025-06-30']);
});

it('stores the open data and nothing else: no person columns, each crime in its month', async () => {
  const rows = await sql(t.platform, "SELECT falls_within, crime_type, strftime(month, '%Y-%m') AS m, count(*) AS n FROM police_uk_crime GROUP BY ALL ORDER BY ALL");
  expect(rows.map((r) => `${r.falls_within}|${r.crime_type}|${r.m}|${r.n}`)).toEqual([
    'Leicestershire Police|Anti-social behaviour|2024-04|1', 'Leicestershire Police|Anti-social behaviour|2025-06|1',
    'Leicestershire Police|Burglary|2024-05|1', 'Leicestershire Police|Shoplifting|2025-04|1', 'Leicestershire Police|Vehicle crime|2025-05|1',
    'Leicestershire Police|Violence and sexual offences|2024-04|1', 'Leicestershire Police|Violence and sexual offences|2025-06|1',
    'Nottinghamshire Police|Robbery|2025-06|1', 'Nottinghamshire Police|Vehicle crime|2024-06|1', 'Nottinghamshire Police|Vehicle crime|2025-06|1',
  ]);
  const columns = (await sql(t.platform, 'SELECT * FROM police_uk_crime LIMIT 1')).flatMap((r) => Object.keys(r));
  expect(columns.filter((c) => /key_|name_dob|clk|birth|postcode/.test(c))).toEqual([]);
});
