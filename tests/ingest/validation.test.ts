import { afterEach, describe, expect, it } from 'vitest';
import { CRIME_HEADER, POLICE, crimeRow, crimeRows, csv, ingestText, testPlatform } from '../helpers.ts';

let cleanup = () => {};
afterEach(() => cleanup());

/** Ingests valid filler rows plus the rows under test (kept under the 10% threshold) and returns the report. */
async function police(rows: string[], filler = 60) {
  const t = testPlatform();
  cleanup = t.cleanup;
  const report = await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...rows, ...crimeRows('OK', filler)));
  expect(report.rows_read).toBe(report.rows_accepted + report.rows_rejected);
  return report;
}

const only = (report: Awaited<ReturnType<typeof police>>) => report.errors.map(({ line, column, code }) => ({ line, column, code }));

describe('police_crime validation rules, each with its line', () => {
  it.each([
    ['impossible date', { recorded_date: '2024-02-30' }, 'recorded_date', 'invalid_date'],
    ['malformed date', { offence_date: '2024/06/09' }, 'offence_date', 'invalid_date'],
    ['future date', { recorded_date: '2026-01-01' }, 'recorded_date', 'future_date'],
    ['bad time', { offence_time: '25:61' }, 'offence_time', 'invalid_time'],
    ['bad boolean', { knife_flag: 'maybe' }, 'knife_flag', 'invalid_boolean'],
    ['unknown enum', { offence_group: 'jaywalking' }, 'offence_group', 'invalid_code'],
    ['age over 120', { victim_age: '130', victim_date_of_birth: '' }, 'victim_age', 'invalid_number'],
    ['age not whole', { victim_age: '12.5', victim_date_of_birth: '' }, 'victim_age', 'invalid_number'],
    ['required cell empty', { domestic_flag: '' }, 'domestic_flag', 'required'],
    ['offence after recorded', { offence_date: '2024-06-11' }, 'offence_date', 'date_order'],
    ['dob after offence', { victim_date_of_birth: '2024-06-10' }, 'victim_date_of_birth', 'dob_after_event'],
    ['no group nor code', { offence_group: '', ho_offence_code: '' }, 'offence_group', 'required'],
    ['code disagrees with group', { offence_group: 'theft', ho_offence_code: '34B' }, 'ho_offence_code', 'inconsistent'],
    ['bad postcode', { postcode: 'LE1' }, 'postcode', 'invalid_postcode'],
    ['bad lsoa', { lsoa_code: 'X123' }, 'lsoa_code', 'invalid_lsoa'],
  ])('%s', async (_name, cells, column, code) => {
    const report = await police([crimeRow('A-1'), crimeRow('A-2', cells as Record<string, string>)]);
    expect(report.status).toBe('accepted');
    expect(report.rows_rejected).toBe(1);
    expect(only(report)).toEqual([{ line: 3, column, code }]);
    expect(report.errors[0].message.length).toBeGreaterThan(5);
  });

  it('accepts DD/MM/YYYY dates, any-case enums and booleans, and a Home Office code in place of the group', async () => {
    const report = await police([
      crimeRow('B-1', { recorded_date: '10/06/2024', offence_date: '9/6/2024', offence_group: 'ROBBERY_PERSONAL', knife_flag: 'Yes', domestic_flag: '0' }),
      crimeRow('B-2', { offence_group: '', ho_offence_code: '34b' }),
    ], 0);
    expect(report.errors).toEqual([]);
    expect(report.rows_accepted).toBe(2);
  });

  it('keeps the first of two rows with the same id and rejects the later one as a duplicate', async () => {
    const report = await police([crimeRow('D-1'), crimeRow('D-2'), crimeRow('D-1', { knife_flag: 'Y' })]);
    expect(only(report)).toEqual([{ line: 4, column: 'crime_ref', code: 'duplicate_id' }]);
  });

  it('rejects a row with the wrong number of fields', async () => {
    const report = await police([crimeRow('F-1'), 'F-2,2024-06-10,2024-06-09']);
    expect(only(report)).toEqual([{ line: 3, column: null, code: 'field_count' }]);
  });

  it('lists every problem of a row, and never quotes the value', async () => {
    const report = await police([crimeRow('M-1', { recorded_date: '31/02/2024', victim_date_of_birth: '1999-13-01', postcode: 'ZZ9 9ZZZ' })]);
    expect(only(report)).toEqual([
      { line: 2, column: 'recorded_date', code: 'invalid_date' },
      { line: 2, column: 'postcode', code: 'invalid_postcode' },
      { line: 2, column: 'victim_date_of_birth', code: 'invalid_date' },
    ].sort((a, b) => CRIME_HEADER.indexOf(a.column) - CRIME_HEADER.indexOf(b.column)));
    const messages = report.errors.map((e) => e.message).join(' ');
    for (const value of ['31/02/2024', '1999-13-01', 'ZZ9', 'M-1']) expect(messages).not.toContain(value);
  });

  it('rejects a row whose event date lies outside the stated period', async () => {
    const t = testPlatform();
    cleanup = t.cleanup;
    const report = await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('P', 30, '2024-04-01'), crimeRow('P-out', { recorded_date: '2024-06-10' })),
      { periodFrom: '2024-04-01', periodTo: '2024-05-31' });
    expect(only(report)).toEqual([{ line: 32, column: 'recorded_date', code: 'outside_period' }]);
    expect([report.period_from, report.period_to]).toEqual(['2024-04-01', '2024-05-31']);
  });
});

describe('whole-extract rejection', () => {
  it('rejects an extract with more than 10% rejected rows, storing nothing', async () => {
    const t = testPlatform();
    cleanup = t.cleanup;
    const bad = Array.from({ length: 2 }, (_, i) => crimeRow(`X-${i}`, { knife_flag: 'perhaps' }));
    const report = await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('G', 17), ...bad));
    expect(report.status).toBe('rejected');
    expect(report.rows_rejected).toBe(2);
    expect(report.rows_read).toBe(19);
    expect(report.errors[0].code).toBe('too_many_rejected');
    expect(report.errors.slice(1).map((e) => e.line)).toEqual([19, 20]);
    expect((await t.platform.catalog.read()).extracts).toEqual([]);
    expect(await t.platform.storage.list('curated')).toEqual([]);
  });

  it('accepts exactly 10% rejected rows', async () => {
    const t = testPlatform();
    cleanup = t.cleanup;
    const report = await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('H', 9), crimeRow('H-bad', { knife_flag: '?' })));
    expect(report.status).toBe('accepted');
    expect([report.rows_accepted, report.rows_rejected]).toEqual([9, 1]);
  });

  it.each([
    ['a required column missing', 'crime_ref,recorded_date,offence_group,knife_flag,domestic_flag', 'missing_column', 'offence_date'],
    ['neither offence_group nor ho_offence_code', 'crime_ref,recorded_date,offence_date,knife_flag,domestic_flag', 'missing_column', 'offence_group|ho_offence_code'],
    ['two columns for one field', 'crime_ref,Crime Reference,recorded_date,offence_date,offence_group,knife_flag,domestic_flag', 'duplicate_column', 'crime_ref'],
  ])('rejects a header with %s', async (_name, header, code, column) => {
    const t = testPlatform();
    cleanup = t.cleanup;
    const report = await ingestText(t.platform, 'police_crime', POLICE, csv(header, 'a,b,c,d,e'));
    expect(report.status).toBe('rejected');
    expect(report.errors).toContainEqual(expect.objectContaining({ line: 1, column, code }));
  });

  it.each([
    ['an empty file', '', 'no_header'],
    ['a header alone', CRIME_HEADER + '\n', 'no_rows'],
    ['an unclosed quote', csv(CRIME_HEADER, crimeRow('Q-1'), 'Q-2,"2024-06-10,2024-06-09'), 'unparseable'],
  ])('rejects %s', async (_name, text, code) => {
    const t = testPlatform();
    cleanup = t.cleanup;
    const report = await ingestText(t.platform, 'police_crime', POLICE, text);
    expect(report.status).toBe('rejected');
    expect(report.errors.map((e) => e.code)).toContain(code);
    expect((await t.platform.catalog.read()).extracts).toEqual([]);
  });

  it('names the line where an unclosed quoted field starts', async () => {
    const t = testPlatform();
    cleanup = t.cleanup;
    const report = await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, crimeRow('Q-1'), crimeRow('Q-2'), 'Q-3,"2024-06-10,x'));
    expect(report.errors[0]).toMatchObject({ line: 4, code: 'unparseable' });
  });

  it('refuses a dataset the partner may not share under the agreement', async () => {
    const t = testPlatform();
    cleanup = t.cleanup;
    const report = await ingestText(t.platform, 'police_crime', 'uhl', csv(CRIME_HEADER, crimeRow('U-1')));
    expect(report.status).toBe('rejected');
    expect(report.errors[0].code).toBe('not_in_agreement');
  });
});
