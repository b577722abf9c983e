import { afterEach, describe, expect, it } from 'vitest';
import type { IngestReport } from '../../functions/ingest/report.ts';
import { reportKey } from '../../functions/ingest/report.ts';
import { getJson } from '../../functions/platform/storage/port.ts';
import { CRIME_HEADER, POLICE, crimeRow, crimeRows, csv, ingestText, testPlatform } from '../helpers.ts';

let cleanup = () => {};
afterEach(() => cleanup());

describe('the report of an extract with many rejected rows', () => {
  it('lists the first 1,000 rejected rows and counts all of them exactly by column and code', async () => {
    const t = testPlatform();
    cleanup = t.cleanup;
    const n = 30_000;
    const bad = Array.from({ length: n }, (_, i) => crimeRow(`B-${i + 1}`, { knife_flag: 'perhaps', ...(i % 3 === 0 ? { offence_time: '99:99' } : {}) }));
    const report = await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('G', 10), ...bad));
    const stored = (await getJson<IngestReport>(t.platform.storage, reportKey(report.upload_id)))!.value;
    expect(stored).toEqual(report);
    expect([stored.rows_read, stored.rows_accepted, stored.rows_rejected]).toEqual([n + 10, 10, n]);
    expect(stored.errors[0].code).toBe('too_many_rejected');
    const lines = [...new Set(stored.errors.slice(1).map((e) => e.line))];
    expect(lines).toEqual(Array.from({ length: 1_000 }, (_, i) => 12 + i));
    expect(stored.errors.length).toBe(1 + 1_000 + 334);
    expect(stored.rejected_rows_not_listed).toBe(n - 1_000);
    expect(stored.rejections).toEqual([
      { column: 'knife_flag', code: 'invalid_boolean', rows: n },
      { column: 'offence_time', code: 'invalid_time', rows: Math.ceil(n / 3) },
    ]);
  });

  it('counts a row once per column and code however many problems it has', async () => {
    const t = testPlatform();
    cleanup = t.cleanup;
    const report = await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('G', 20), crimeRow('G-1'), crimeRow('X-1', { offence_time: '25:00', victim_sex: '?' })));
    expect(report.rejections).toEqual([
      { column: 'crime_ref', code: 'duplicate_id', rows: 1 },
      { column: 'offence_time', code: 'invalid_time', rows: 1 },
      { column: 'victim_sex', code: 'invalid_code', rows: 1 },
    ]);
    expect(report.rejected_rows_not_listed).toBe(0);
  });
});
