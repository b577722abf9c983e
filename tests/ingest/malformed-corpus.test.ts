import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestExtract } from '../../functions/ingest/ingest.ts';
import type { IngestReport } from '../../functions/ingest/report.ts';
import { reportKey } from '../../functions/ingest/report.ts';
import { getJson } from '../../functions/platform/storage/port.ts';
import { allFiles, testPlatform } from '../helpers.ts';
import { sharedStringsRel, sheetXml, workbookParts, zip } from './zip-files.ts';
import { agreement } from '../deployments.ts';

/**
 * The malformed-file corpus: every file is built here with identifying values planted in it, goes through the real
 * ingest, and must come back accepted or rejected with the right report, never as a crash, and with no planted
 * value in the report, in anything thrown or in any file of the store.
 */
const SURNAME = 'Quimbleworth';
const FORENAME = 'Zebediah';
const DOB = '2009-07-14';
const NHS = '9434765919';
const PLANTED = [SURNAME, FORENAME, DOB, '14/07/2009', NHS, '943 476 5919'];

const PARTNER = 'leicester-city-council';
const COLUMNS = ['exclusion_id', 'upn', 'forename', 'surname', 'date_of_birth', 'sex', 'home_postcode', 'school_urn', 'category', 'reason_code', 'start_date', 'sessions', 'notes'];
/** The header as partners send it, with a free-text column the schema does not have (column 13). */
const HEADER = COLUMNS.join(',');
const cells = (id: string, overrides: Record<string, string> = {}) => {
  const row: Record<string, string> = {
    exclusion_id: id, upn: '', forename: FORENAME, surname: SURNAME, date_of_birth: DOB, sex: 'male', home_postcode: 'LE2 1AB',
    school_urn: '', category: 'SUSP', reason_code: 'PP', start_date: '2024-05-01', sessions: '2', notes: `NHS ${NHS}`, ...overrides,
  };
  return COLUMNS.map((c) => row[c]);
};
const row = (id: string, overrides: Record<string, string> = {}) => cells(id, overrides).join(',');
const goodRows = (n: number) => Array.from({ length: n }, (_, i) => row(`OK-${i + 1}`));
const text = (lines: string[], end = '\n') => lines.join(end) + end;

let cleanup = () => {};
afterEach(() => cleanup());

/** Ingests the bytes and checks what holds for every file of the corpus; returns the report for the case's own checks. */
async function ingest(bytes: Uint8Array | string): Promise<IngestReport> {
  const t = testPlatform(undefined, { agreement: { ...agreement, ingest: { maxRejectedShare: 1 } } });
  cleanup = t.cleanup;
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  let report: IngestReport;
  try {
    report = await ingestExtract(t.platform, { dataset: 'school_exclusion', partner: PARTNER, source: async function* () { yield data; } });
  } catch (error) {
    const said = `${String(error)} ${(error as Error).stack ?? ''}`;
    for (const value of PLANTED) expect(said).not.toContain(value);
    throw error;
  }
  expect(report.rows_read).toBe(report.rows_accepted + report.rows_rejected);
  const stored = await getJson<IngestReport>(t.platform.storage, reportKey(report.upload_id));
  expect(stored?.value).toEqual(report);
  const said = JSON.stringify(report);
  for (const value of PLANTED) expect(said).not.toContain(value);
  for (const file of allFiles(t.dir)) {
    const content = file.bytes.toString('latin1');
    for (const value of PLANTED) expect(content, file.path).not.toContain(value);
  }
  return report;
}

const problems = (report: IngestReport) => report.errors.map((e) => [e.line, e.column, e.code]);

describe('quotes in every position', () => {
  it.each(COLUMNS.map((c, i) => [c, i] as const))('reads a quote inside an unquoted %s as literal text, as Excel does', async (column) => {
    const report = await ingest(text([HEADER, row('Q-1', { [column]: column === 'exclusion_id' ? 'Q"1' : 'Zed"x' }), ...goodRows(3)]));
    expect(report.rows_read).toBe(4);
    // A quote in a text field is kept; anywhere else the value is simply not valid for its type.
    for (const e of report.errors) expect(e).toMatchObject({ line: 2, column });
    expect(report.errors.map((e) => e.code)).not.toContain('unparseable');
    if (['exclusion_id', 'forename', 'surname', 'school_urn', 'notes'].includes(column)) expect(report.rows_accepted).toBe(4);
  });

  it.each(COLUMNS.map((c, i) => [c, i] as const))('rejects only the row whose quoted %s has text after its closing quote', async (column, index) => {
    const broken = cells('Q-2');
    broken[index] = `"${SURNAME}"${DOB}`;
    const report = await ingest(text([HEADER, row('Q-1'), broken.join(','), ...goodRows(3)]));
    expect(report.status).toBe('accepted');
    const label = column === 'notes' ? 'column 13' : column;
    expect(problems(report)).toEqual([[3, label, 'invalid_quote']]);
    expect(report.rejections).toEqual([{ column: label, code: 'invalid_quote', rows: 1 }]);
    expect([report.rows_accepted, report.rows_rejected]).toEqual([4, 1]);
  });

  it('names the line where a record with a line break in quotes and a stray quote starts, and goes on', async () => {
    const report = await ingest(text([HEADER, `Q-1,,"${FORENAME}\r\nsecond line"x,${SURNAME},${DOB},male,,,SUSP,PP,2024-05-01,2,`, row('Q-2'), `Q-3,,"a ""quoted"" ${FORENAME}",${SURNAME},${DOB},male,,,SUSP,PP,2024-05-01,2,`], '\r\n'));
    expect(problems(report)).toEqual([[2, 'forename', 'invalid_quote']]);
    expect(report.rows_accepted).toBe(2);
  });

  it('rejects the extract when a quoted field is never closed, naming the line where its record starts', async () => {
    const report = await ingest(text([HEADER, ...goodRows(2), `Q-9,,"${FORENAME},${SURNAME},${DOB}`, row('Q-10')]));
    expect(report.status).toBe('rejected');
    expect(problems(report)).toEqual([[4, null, 'unparseable']]);
  });

  it('rejects a header with text after a closing quote', async () => {
    const report = await ingest(text([`"exclusion_id"x,${COLUMNS.slice(1).join(',')}`, ...goodRows(2)]));
    expect(report.status).toBe('rejected');
    expect(problems(report)).toEqual([[1, 'column 1', 'invalid_quote']]);
  });
});

describe('ragged rows, line ends, BOMs and encodings', () => {
  it('rejects rows with too few or too many fields, and ignores empty trailing fields', async () => {
    const report = await ingest(text([HEADER, row('R-1').split(',').slice(0, 5).join(','), `${row('R-2')},,,`, `${row('R-3')},${SURNAME}`, ...goodRows(2)]));
    expect(problems(report)).toEqual([[2, null, 'field_count'], [4, null, 'field_count']]);
    expect(report.rows_accepted).toBe(3);
  });

  it.each([['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']])('reads a UTF-8 file with a BOM and %s line ends, counting lines', async (_name, end) => {
    const report = await ingest('\uFEFF' + text([HEADER, row('B-1'), '', row('B-2', { start_date: 'soon' }), `B-3,,"two${end}lines",${SURNAME},${DOB},male,,,SUSP,PP,2024-05-01,2,`, row('B-4', { sex: '?' })], end));
    expect(problems(report)).toEqual([[4, 'start_date', 'invalid_date'], [7, 'sex', 'invalid_code']]);
    expect(report.encoding).toBe('utf-8');
  });

  it('reads Windows-1252 (a name with an accent) and refuses UTF-16 and binary files', async () => {
    const win = await ingest(Uint8Array.from(text([HEADER, row('W-1', { forename: 'Zoë' })]), (c) => c.charCodeAt(0)));
    expect([win.status, win.encoding]).toEqual(['accepted', 'windows-1252']);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text([HEADER, row('U-1')]), 'utf16le')]);
    expect(problems(await ingest(new Uint8Array(utf16)))).toEqual([[null, null, 'unsupported_encoding']]);
    const binary = new Uint8Array(Buffer.concat([Buffer.from(`\u0000${SURNAME},${DOB}`), Buffer.alloc(64)]));
    expect(problems(await ingest(binary))).toEqual([[null, null, 'unsupported_encoding']]);
  });
});

describe('huge cells, rows and headers', () => {
  it('rejects a row with a cell over 32,767 characters, without keeping it, quoted or not, in any column', async () => {
    const huge = SURNAME.repeat(400_000); // 4.8 MB in one field
    const report = await ingest(text([
      HEADER, row('H-1', { surname: huge }), row('H-2', { notes: `"${huge}\n${DOB}"` }), row('H-3', { forename: 'x'.repeat(32_767) }), ...goodRows(2),
    ]));
    expect(problems(report)).toEqual([[2, 'surname', 'cell_too_long'], [3, 'column 13', 'cell_too_long'], [5, 'forename', 'too_long']]);
    expect(report.rows_accepted).toBe(2);
  });

  it('rejects a row over 1 MiB of text, however many fields it has', async () => {
    const report = await ingest(text([HEADER, row('H-1') + ','.repeat(2 << 20), ...goodRows(2)]));
    expect(problems(report)).toEqual([[2, null, 'row_too_long']]);
  });

  it('reports ignored columns by position only, and rejects a header cell or row that is too long', async () => {
    const planted = `${HEADER.replace(',notes', `,${FORENAME} ${SURNAME} ${DOB}`)},${NHS}`;
    const ignored = await ingest(text([planted, ...goodRows(2).map((r) => `${r},x`)]));
    expect(ignored.columns_ignored).toEqual(['column 13', 'column 14']);
    expect(ignored.status).toBe('accepted');

    const long = await ingest(text([`${HEADER},${SURNAME.repeat(30)}`, ...goodRows(2)]));
    expect(problems(long)).toEqual([[1, 'column 14', 'header_too_long']]);
    const huge = await ingest(text([`${HEADER},${SURNAME.repeat(4_000_000)}`, ...goodRows(2)]));
    expect(problems(huge)).toEqual([[1, 'column 14', 'header_too_long']]);
    const wide = await ingest(text([`${HEADER},${Array.from({ length: 3_000 }, (_, i) => `extra_${i}`).join(',')}`, ...goodRows(2)]));
    expect(problems(wide)).toEqual([[1, null, 'header_too_long']]);
  });

  it('rejects an empty file and a file with a header alone', async () => {
    expect(problems(await ingest(''))).toEqual([[1, null, 'no_header']]);
    expect(problems(await ingest(text([HEADER])))).toEqual([[null, null, 'no_rows']]);
  });
});

describe('XLSX workbooks: sheets, zip bombs, damaged files', () => {
  const dataSheet = [COLUMNS, cells('X-1'), cells('X-2', { date_of_birth: 'unknown' }), cells('X-3')];
  const decoy = [['note'], [`${FORENAME} ${SURNAME} ${DOB}`], ['not,a,"csv']];

  it('reads the first sheet in the workbook\'s order, not the zip\'s, among many sheets', async () => {
    const sheets = Array.from({ length: 150 }, (_, i) => ({ name: i === 0 ? 'data' : `notes ${i}`, file: `sheet${150 - i}.xml` }));
    const parts = [
      ...Array.from({ length: 149 }, (_, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: sheetXml(decoy) })),
      ...workbookParts(sheets), { name: 'xl/worksheets/sheet150.xml', data: sheetXml(dataSheet) },
    ];
    const report = await ingest(await zip(parts));
    expect(report.format).toBe('xlsx');
    expect(problems(report)).toEqual([[3, 'date_of_birth', 'invalid_date']]);
    expect(report.rows_accepted).toBe(2);
  });

  it('reads a workbook saved by a spreadsheet library, with shared strings, dates and empty rows', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('exclusions');
    sheet.addRow(COLUMNS);
    sheet.addRow(cells('E-1', { date_of_birth: '', sessions: '' })).getCell(5).value = new Date(Date.UTC(2009, 6, 14));
    sheet.addRow([]);
    sheet.addRow(cells('E-2', { start_date: '31/02/2024' }));
    const report = await ingest(new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(problems(report)).toEqual([[4, 'start_date', 'invalid_date']]);
    expect([report.rows_read, report.rows_accepted]).toEqual([2, 1]);
  });

  it('rejects a shared string longer than a cell can be (a zip bomb) with a clear reason', async () => {
    const bomb = await zip([
      ...workbookParts([{ name: 'data', file: 'sheet1.xml' }], sharedStringsRel),
      { name: 'xl/worksheets/sheet1.xml', data: sheetXml(dataSheet) },
      { name: 'xl/sharedStrings.xml', repeat: { before: '<sst><si><t>', text: `${SURNAME} ${DOB} `.repeat(1000), times: 2_500, after: '</t></si></sst>' } },
    ]);
    expect(bomb.length).toBeLessThan(1 << 20); // 60 MB of one string in well under 1 MB
    const report = await ingest(bomb);
    expect(report.status).toBe('rejected');
    expect(report.errors).toEqual([expect.objectContaining({ line: null, code: 'cell_too_long', message: expect.stringContaining('longer than 32,767 characters') })]);
  });

  it('stops inflating a part past its limit even when the zip understates its size', async () => {
    const parts = [
      { name: 'xl/workbook.xml', repeat: { text: `<!-- ${SURNAME} -->`.padEnd(1024, ' '), times: 12 * 1024 }, declaredSize: 2_000 },
      ...workbookParts([{ name: 'data', file: 'sheet1.xml' }]).slice(1), { name: 'xl/worksheets/sheet1.xml', data: sheetXml(dataSheet) },
    ];
    const report = await ingest(await zip(parts));
    expect(report.errors).toEqual([expect.objectContaining({ code: 'unparseable', message: expect.stringContaining('larger than 8 MiB once decompressed') })]);
    const honest = await ingest(await zip(parts.map((p) => ({ ...p, declaredSize: undefined }))));
    expect(honest.errors[0].message).toContain('larger than 8 MiB once decompressed');
  });

  it('rejects a row with an inline cell over 32,767 characters and goes on', async () => {
    const sheet = [COLUMNS, cells('L-1', { surname: SURNAME.repeat(3_000) }), cells('L-2')];
    const report = await ingest(await zip([...workbookParts([{ name: 'data', file: 'sheet1.xml' }]), { name: 'xl/worksheets/sheet1.xml', data: sheetXml(sheet) }]));
    expect(problems(report)).toEqual([[2, 'surname', 'cell_too_long']]);
    expect(report.rows_accepted).toBe(1);
  });

  it.each([
    ['cut short', async () => (await zip([...workbookParts([{ name: 'data', file: 'sheet1.xml' }]), { name: 'xl/worksheets/sheet1.xml', data: sheetXml(dataSheet) }])).subarray(0, 600)],
    ['a zip that is not a workbook', async () => zip([{ name: 'people.txt', data: `${SURNAME},${DOB}` }])],
    ['a workbook whose sheet XML is damaged', async () => zip([...workbookParts([{ name: 'data', file: 'sheet1.xml' }]), { name: 'xl/worksheets/sheet1.xml', data: `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>${SURNAME}` }])],
    ['garbage after a zip signature', async () => new Uint8Array(Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(`${SURNAME} ${DOB}`.repeat(50))]))],
  ])('rejects %s as unparseable', async (_name, build) => {
    const report = await ingest(await build());
    expect(report.status).toBe('rejected');
    expect(report.errors.map((e) => e.code)).toEqual(['unparseable']);
  });
});
