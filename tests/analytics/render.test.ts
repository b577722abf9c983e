import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../analytics/render/csv.ts';
import { toXlsx } from '../../analytics/render/xlsx.ts';

const hostile = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tTAB', '\rCR', 'plain', 'a,b "quoted"'];
const rows = hostile.map((h, i) => [h, -(i + 1)]);

describe('exports are safe against formula injection', () => {
  it('CSV neutralises cells a spreadsheet would run, and quotes what needs quoting', () => {
    const lines = toCsv({ columns: ['text', 'n'], rows }).split('\r\n');
    expect(lines.slice(1, -1)).toEqual([
      '"\'=HYPERLINK(""http://x"",""y"")",-1', "'+1+1,-2", "'-2+3,-3", "'@SUM(A1),-4", "'\tTAB,-5", '"\'\rCR",-6', 'plain,-7', '"a,b ""quoted""",-8',
    ]);
  });

  it('XLSX holds the same text as inert strings and numbers as numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await toXlsx([{ name: 'cells', columns: ['text', 'n'], rows }])) as never);
    const sheet = workbook.getWorksheet('cells')!;
    for (let r = 2; r <= hostile.length + 1; r++) {
      const cell = sheet.getRow(r).getCell(1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(String(cell.value)).not.toMatch(/^[=+\-@]/);
      expect(sheet.getRow(r).getCell(2).value).toBe(-(r - 1));
      expect(sheet.getRow(r).getCell(2).numFmt).toBe('#,##0');
    }
  });
});
