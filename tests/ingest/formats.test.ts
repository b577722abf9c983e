import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { normaliseNhsNumber, normaliseUpn, upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import { ingestExtract } from '../../functions/ingest/ingest.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, sql, testPlatform } from '../helpers.ts';
import { agreement } from '../deployments.ts';

let cleanup = () => {};
afterEach(() => cleanup());
// These tests look at single rows: the agreement's rejected-share limit is lifted so small extracts stand.
const setup = () => {
  const t = testPlatform(undefined, { agreement: { ...agreement, ingest: { maxRejectedShare: 1 } } });
  cleanup = t.cleanup;
  return t.platform;
};

/** Windows-1252 bytes of a Latin-1 string (the partner systems' legacy encoding). */
const cp1252 = (text: string) => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

const EXCLUSION_HEADER = 'exclusion_id,upn,forename,surname,date_of_birth,sex,home_postcode,school_urn,category,reason_code,start_date,sessions';
const upn = (serial: string) => { const rest = `85620240${serial}`.slice(0, 12); return upnCheckLetter(rest) + rest; };

describe('decoding and parsing', () => {
  it('reads UTF-8 with a BOM and CRLF line endings, with quoted commas and line breaks, counting lines right', async () => {
    const platform = setup();
    const rows = [
      CRIME_HEADER,
      crimeRow('E-1'),
      crimeRow('E-2').replace('public_place', '"public_place"'),
      '"E-3","2024-06-10","2024-06-09","","assault_with_injury","","N","N","","LE1 5AB","","","2001-03-04","female"',
      crimeRow('E-4', { offence_time: '99:99' }),
    ];
    const text = '\uFEFF' + rows.join('\r\n') + '\r\n';
    const report = await ingestText(platform, 'police_crime', POLICE, text);
    expect(report.encoding).toBe('utf-8');
    expect(report.errors.map((e) => [e.line, e.column])).toEqual([[5, 'offence_time']]);
  });

  it('counts a record spanning lines by the line it starts on', async () => {
    const platform = setup();
    const header = 'episode_id,service,programme,start_date,end_date';
    const text = csv(header, 'S-1,early_help,"reach,\r\nphase 2",2024-01-05,', 'S-2,early_help,"multi\nline\nprogramme",2024-01-05,', 'S-3,bogus,,2024-01-05,', ...Array.from({ length: 20 }, (_, i) => `T-${i},early_help,,2024-02-01,`));
    const report = await ingestText(platform, 'support_episode', 'leicester-city-council', text);
    expect(report.errors.map((e) => [e.line, e.column, e.code])).toEqual([[7, 'service', 'invalid_code']]);
    const rows = await sql(platform, "SELECT programme FROM support_episode WHERE programme LIKE 'reach%'");
    expect(rows).toEqual([{ programme: 'reach,\r\nphase 2' }]);
  });

  it('detects Windows-1252 and decodes accented names, which then link to their UTF-8 spelling', async () => {
    const platform = setup();
    const dob = '2010-02-03';
    const line = (id: string, name: string) => `${id},,${name},Dupré,${dob},female,LE2 1AB,,SUSP,PP,2024-05-01,2`;
    const win = await ingestText(platform, 'school_exclusion', 'leicester-city-council', cp1252(csv(EXCLUSION_HEADER, line('W-1', 'Zoë'))));
    expect(win.encoding).toBe('windows-1252');
    expect(win.rows_accepted).toBe(1);
    const utf = await ingestText(platform, 'school_exclusion', 'leicestershire-county-council', csv(EXCLUSION_HEADER, line('U-1', 'ZOE')));
    expect(utf.encoding).toBe('utf-8');
    const keys = await sql(platform, 'SELECT DISTINCT key_name_dob FROM school_exclusion');
    expect(keys).toHaveLength(1);
  });

  it('matches the header in any case, with the partner aliases of the agreement, and reports ignored columns', async () => {
    const platform = setup();
    const header = ' Attendance Ref ,ARRIVAL DATE TIME,Means_Of_Assault,NHS No,location_description,Age';
    const report = await ingestText(platform, 'ae_attendance', 'uhl', csv(header, 'A-1,2024-07-01T23:10,knife_or_sharp,943 476 5919,"outside the Red Lion, Jane\'s house",19'));
    expect(report.status).toBe('accepted');
    expect(report.columns_ignored).toEqual(['column 5']);
    const [row] = await sql(platform, 'SELECT * FROM ae_attendance');
    expect(row).toMatchObject({ means_of_assault: 'knife_or_sharp', age: 19, age_band: '18-24', arrival_at: '2024-07-01 23:10:00' });
    expect(String(row.key_nhs)).toMatch(/^v1:/);
    expect(Object.keys(row)).not.toContain('location_description');
    // aliases belong to the partner that declared them
    const other = await ingestText(platform, 'ae_attendance', 'mlcsu', csv(header, 'A-2,2024-07-01T23:10,knife_or_sharp,,,19'));
    expect(other.status).toBe('rejected');
    expect(other.errors.map((e) => e.column)).toEqual(['attendance_id', 'arrival_at']);
  });

  it('reads the first sheet of an XLSX workbook, with Excel dates', async () => {
    const platform = setup();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('episodes');
    workbook.addWorksheet('notes').addRow(['not read']);
    sheet.addRow(['episode_id', 'service', 'programme', 'la_person_id', 'start_date', 'end_date']);
    sheet.addRow(['R-1', 'youth_justice', 'reach', 'LA-77', new Date(Date.UTC(2024, 8, 2)), null]);
    sheet.addRow(['R-2', 'Early_Help', null, 'LA-78', '2024-09-03', new Date(Date.UTC(2024, 10, 1))]);
    sheet.addRow(['R-3', 'early_help', null, 'LA-79', 'not a date', null]);
    for (let i = 0; i < 10; i++) sheet.addRow([`R-x${i}`, 'early_help', null, null, '2024-01-01', null]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const report = await ingestExtract(platform, { dataset: 'support_episode', partner: 'rutland-county-council', source: async function* () { yield bytes; } });
    expect(report.format).toBe('xlsx');
    expect(report.errors.map((e) => [e.line, e.column, e.code])).toEqual([[4, 'start_date', 'invalid_date']]);
    const rows = await sql(platform, "SELECT service, start_date, end_date FROM support_episode WHERE service <> 'early_help' OR end_date IS NOT NULL ORDER BY start_date");
    expect(rows).toEqual([
      { service: 'youth_justice', start_date: '2024-09-02', end_date: null },
      { service: 'early_help', start_date: '2024-09-03', end_date: '2024-11-01' },
    ]);
  });

  it('refuses an old binary Excel file with a clear reason', async () => {
    const platform = setup();
    const report = await ingestText(platform, 'police_crime', POLICE, Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect(report.errors[0]).toMatchObject({ code: 'unsupported_format' });
  });
});

describe('identifiers and code lists of the other datasets', () => {
  it('checks NHS numbers (modulus 11) and UPNs (check letter)', () => {
    expect(normaliseNhsNumber('943 476 5919')).toBe('9434765919');
    expect(normaliseNhsNumber('9434765918')).toBeNull();
    expect(normaliseNhsNumber('943476591')).toBeNull();
    const good = upn('0001');
    expect(normaliseUpn(good.toLowerCase())).toBe(good);
    expect(normaliseUpn((good[0] === 'A' ? 'B' : 'A') + good.slice(1))).toBeNull();
  });

  it('rejects rows with a bad NHS number, a bad UPN, and maps category aliases (PERM, SUSP, FIXD)', async () => {
    const platform = setup();
    const good = upn('0002');
    const bad = (good[0] === 'A' ? 'B' : 'A') + good.slice(1);
    const filler = Array.from({ length: 20 }, (_, i) => `F-${i},,,,,,,,SUSP,PD,2024-05-01,1`);
    const report = await ingestText(platform, 'school_exclusion', 'leicestershire-county-council', csv(EXCLUSION_HEADER,
      `X-1,${good},Sam,Lee,2011-01-01,male,LE11 3AB,,PERM,PA,2024-05-01,`,
      `X-2,${bad},Sam,Lee,2011-01-01,male,LE11 3AB,,FIXD,VP,2024-05-01,2`,
      `X-3,,Sam,Lee,2011-01-01,male,LE11 3AB,,expelled,VP,2024-05-01,2`,
      ...filler));
    expect(report.errors.map((e) => [e.line, e.column, e.code])).toEqual([[3, 'upn', 'invalid_upn'], [4, 'category', 'invalid_code']]);
    const rows = await sql(platform, "SELECT category, age, home_locality FROM school_exclusion WHERE reason_code = 'PA'");
    expect(rows).toEqual([{ category: 'permanent_exclusion', age: 13, home_locality: 'charnwood' }]);

    const ae = await ingestText(platform, 'ae_attendance', 'uhl', csv('attendance_id,arrival_at,means_of_assault,nhs_number', 'N-1,2024-05-01,other,9434765918', ...Array.from({ length: 12 }, (_, i) => `N-${i + 2},2024-05-01,other,`)));
    expect(ae.errors.map((e) => [e.line, e.column, e.code])).toEqual([[2, 'nhs_number', 'invalid_nhs_number']]);
  });

  it('validates ICD-10 cause codes and admission methods, normalising the codes', async () => {
    const platform = setup();
    const report = await ingestText(platform, 'hospital_admission', 'mlcsu', csv('admission_id,admission_date,admission_method,cause_codes,age',
      'H-1,2024-05-01,21,s211; x994,17', 'H-2,2024-05-01,2a,X99,30', 'H-3,2024-05-01,99,X99.1,30', 'H-4,2024-05-01,21,not-a-code,30',
      ...Array.from({ length: 20 }, (_, i) => `H-f${i},2024-05-01,11,K35.8,40`)));
    expect(report.errors.map((e) => [e.line, e.column, e.code])).toEqual([[4, 'admission_method', 'invalid_code'], [5, 'cause_codes', 'invalid_icd10']]);
    const rows = await sql(platform, "SELECT admission_method, cause_codes FROM hospital_admission WHERE cause_codes LIKE '%X99%' ORDER BY admission_method");
    expect(rows).toEqual([{ admission_method: '21', cause_codes: 'S21.1;X99.4' }, { admission_method: '2A', cause_codes: 'X99' }]);
  });

  it('places records in localities by postcode district, by sector for split districts, else unknown', async () => {
    const platform = setup();
    const rows = [['LE1 1AA', 'leicester'], ['LE11 2BB', 'charnwood'], ['LE2 4PQ', 'oadby-and-wigston'], ['LE2 1PQ', 'leicester'], ['LE15 6RB', 'rutland'], ['LE67 9XX', 'hinckley-and-bosworth'], ['NG7 2AB', 'unknown'], ['', 'unknown'], ['LE4 8', 'charnwood']];
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...rows.map(([pc], i) => crimeRow(`L-${i}`, { postcode: pc }))));
    const stored = await sql(platform, 'SELECT sector, locality FROM police_crime');
    expect(stored.map((r) => r.locality).sort()).toEqual(rows.map(([, l]) => l).sort());
    expect(stored.map((r) => r.sector)).toContain('LE2 4');
  });
});
