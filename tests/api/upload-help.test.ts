import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/app.ts';
import { localAppOptions } from '../../functions/api/local-server.ts';
import { getDataset } from '../../schemas/datasets/index.ts';
import { CRIME_HEADER, POLICE, crimeRow, crimeRows, csv, testPlatform } from '../helpers.ts';

/** What helps a partner fix a file: templates, the rejected rows as CSV, warnings, and the uploads list. */
let t: ReturnType<typeof testPlatform>;
let app: ReturnType<typeof createApp>;
let options: ReturnType<typeof localAppOptions>;
/** A fresh data dir for each group: warnings compare with the partner's earlier uploads. */
const fresh = () => {
  beforeAll(() => {
    t = testPlatform();
    options = localAppOptions(t.dir, t.platform);
    app = createApp(t.platform, options);
  });
  afterAll(() => t.cleanup());
};

async function api(user: string, method: string, path: string, body?: string | Uint8Array) {
  const response = await app.request(path, { method, headers: { authorization: `Bearer ${await options.tokens.sign(user)}` }, body: body as BodyInit | undefined });
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, disposition: response.headers.get('content-disposition'), response,
    body: type.includes('json') ? await response.json() : type.includes('csv') ? await response.text() : new Uint8Array(await response.arrayBuffer()) };
}
const upload = (query: string, file: string | Uint8Array) => api('police-uploader', 'POST', `/v1/uploads?dataset=police_crime&partner=${POLICE}&${query}`, file);

describe('templates from the definitions', () => {
  fresh();
  it('the CSV template is the header and an example row that uploads as it is', async () => {
    const template = await api('police-uploader', 'GET', '/v1/datasets/police_crime/template?format=csv');
    expect(template.status).toBe(200);
    expect(template.disposition).toBe('attachment; filename="template-police_crime.csv"');
    const lines = (template.body as string).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(getDataset('police_crime').columns.map((c) => c.name).join(','));
    const sent = await upload('file_name=template.csv', template.body as string);
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'accepted', rows_accepted: 1, rows_rejected: 0 });
  });

  it('the XLSX template carries the data dictionary on its second sheet, and its first sheet uploads', async () => {
    for (const dataset of ['school_exclusion', 'ae_attendance']) {
      const template = await api('vrn-analyst', 'GET', `/v1/datasets/${dataset}/template`);
      expect(template.status).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(Buffer.from(template.body as Uint8Array) as never);
      expect(book.worksheets.map((w) => w.name)).toEqual([dataset, 'data dictionary']);
      const notes = book.getWorksheet('data dictionary')!.getSheetValues().slice(1).map((r) => (r as unknown[]).slice(1));
      expect(notes[0]).toEqual(['column', 'required', 'expected', 'notes']);
      const columns = getDataset(dataset).columns;
      expect(notes.slice(1, columns.length + 1).map((r) => r[0])).toEqual(columns.map((c) => c.name));
      for (const row of notes.slice(1, columns.length + 1)) expect(['Yes', 'No']).toContain(row[1]);
    }
    const crime = await api('police-uploader', 'GET', '/v1/datasets/police_crime/template?format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(crime.body as Uint8Array) as never);
    const notes = book.getWorksheet('data dictionary')!.getSheetValues().map((r) => (r as unknown[] | undefined)?.slice(1));
    expect(notes.find((r) => r?.[0] === 'victim_sex')?.[2]).toBe('one of: male, female, other, unknown');
    expect(notes.find((r) => r?.[0] === 'victim_date_of_birth')?.[3]).toMatch(/never stored/);
    // The workbook itself, header and example on its first sheet, uploads as the extract.
    const sent = await api('police-uploader', 'POST', `/v1/uploads?dataset=police_crime&partner=${POLICE}&period_from=2024-05-03&period_to=2024-05-03`, crime.body as Uint8Array);
    expect(sent.body).toMatchObject({ status: 'accepted', rows_accepted: 1 });
    expect((await api('city-panel', 'GET', '/v1/datasets/police_crime/template')).status).toBe(403);
  });
});

describe('the rejected rows as CSV', () => {
  fresh();
  it('lists line, column, code, reason and what was expected, never a value; only for the upload\'s own partner', async () => {
    const file = csv(CRIME_HEADER, ...crimeRows('RJ', 30, '2023-04-01'),
      crimeRow('RJ-x1', { victim_sex: 'SECRETSEX', recorded_date: '2023-06-01', offence_date: '2023-06-01' }),
      crimeRow('RJ-x2', { victim_date_of_birth: '31/02/SECRETDOB', recorded_date: '2023-06-01', offence_date: '2023-06-01' }),
      crimeRow('RJ-x3', { knife_flag: 'SECRETKNIFE', recorded_date: '2023-06-01', offence_date: '2023-06-01' }));
    const sent = await upload('file_name=rejected.csv', file);
    expect(sent.status).toBe(201);
    const id = sent.body.upload_id;
    const rows = await api('police-uploader', 'GET', `/v1/uploads/${id}/rejected-rows`);
    expect(rows.status).toBe(200);
    expect(rows.disposition).toBe(`attachment; filename="rejected-rows-${id}.csv"`);
    const text = rows.body as string;
    expect(text).not.toMatch(/SECRET/);
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('line,column,code,reason,expected');
    expect(lines.slice(1)).toEqual([
      '32,victim_sex,invalid_code,"not a value of the code list sex: one of male, female, other, unknown","one of: male, female, other, unknown"',
      '33,victim_date_of_birth,invalid_date,not a date in the form YYYY-MM-DD or DD/MM/YYYY,"a date as YYYY-MM-DD or DD/MM/YYYY, not in the future"',
      '34,knife_flag,invalid_boolean,"not one of true/false, yes/no, y/n, 1/0","true/false, yes/no, y/n or 1/0"',
    ]);
    expect((await api('city-education-uploader', 'GET', `/v1/uploads/${id}/rejected-rows`)).status).toBe(404);
    expect((await api('vrn-analyst', 'GET', `/v1/uploads/${id}/rejected-rows`)).status).toBe(200);
  });
});

describe('warnings that reject nothing, and the uploads list', () => {
  fresh();
  it('warns of a column sent last time, postcodes outside the area and an unusual period; lists file, period, who and duplicates', async () => {
    const month = (prefix: string, start: string, days: number) => csv(CRIME_HEADER, ...crimeRows(prefix, days, start));
    expect((await upload('period_from=2022-04-01&period_to=2022-04-30&file_name=april.csv', month('W4', '2022-04-01', 30))).body.warnings).toEqual([]);
    expect((await upload('period_from=2022-05-01&period_to=2022-05-31&file_name=may.csv', month('W5', '2022-05-01', 31))).body.warnings).toEqual([]);
    // Three days, without victim_sex, and two postcodes outside LLR.
    const header = CRIME_HEADER.replace(',victim_sex', '');
    const row = (ref: string, cells: Record<string, string> = {}) => crimeRow(ref, { recorded_date: '2022-06-01', offence_date: '2022-06-01', ...cells }).replace(/,[^,]*$/, '');
    const june = csv(header, row('W6-1'), row('W6-2', { postcode: 'SW1A 1AA' }), row('W6-3', { postcode: 'M1 1AE' }));
    const sent = await upload('period_from=2022-06-01&period_to=2022-06-03&file_name=june.csv', june);
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'accepted', rows_accepted: 3, rows_rejected: 0 });
    expect(sent.body.warnings.map((w: { code: string; column: string | null; rows?: number }) => [w.code, w.column, w.rows])).toEqual([
      ['outside_area', 'postcode', 2], ['column_not_sent', 'victim_sex', undefined], ['unusual_period', null, undefined],
    ]);
    expect(JSON.stringify(sent.body.warnings)).not.toMatch(/SW1A|M1 1AE/);
    expect(sent.body.warnings[2].message).toMatch(/covers 3 day\(s\); your extracts of police_crime usually cover about 3[01]/);

    const again = await upload('period_from=2022-06-01&period_to=2022-06-03&file_name=june-again.csv', june);
    expect(again.status).toBe(200);
    // (The test's clock stands still, so the ids, newest first elsewhere, share their time: sorted by name here.)
    const list = await api('police-uploader', 'GET', '/v1/uploads');
    const uploads = (list.body.uploads as Record<string, unknown>[]).sort((a, b) => String(a.file_name).localeCompare(String(b.file_name)));
    expect(uploads.map((u) => [u.file_name, u.period_from, u.period_to, u.uploaded_by, u.duplicate_of ?? null, u.warnings])).toEqual([
      ['april.csv', '2022-04-01', '2022-04-30', 'police-uploader', null, 0],
      ['june-again.csv', '2022-06-01', '2022-06-03', 'police-uploader', sent.body.upload_id, 3],
      ['june.csv', '2022-06-01', '2022-06-03', 'police-uploader', null, 3],
      ['may.csv', '2022-05-01', '2022-05-31', 'police-uploader', null, 0],
    ]);
    // A duplicate's own id answers with what it was.
    const attempt = uploads[1].upload_id;
    expect(attempt).not.toBe(sent.body.upload_id);
    expect((await api('police-uploader', 'GET', `/v1/uploads/${attempt}`)).body.report).toMatchObject({ duplicate_of: sent.body.upload_id, file_name: 'june-again.csv' });
  });

  it('a file name keeps only safe characters and no folders', async () => {
    const sent = await upload('file_name=C:\\exports\\crime <june>.csv', csv(CRIME_HEADER, crimeRow('FN-1')));
    expect(sent.body.file_name).toBe('crime _june_.csv');
  });
});
