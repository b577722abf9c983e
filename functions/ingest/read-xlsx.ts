import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { dayToIso } from './dates.ts';
import { ExtractRejected } from './errors.ts';
import type { FileRecord } from './read-csv.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/** Excel cell values as the text a CSV would carry; dates in ISO form (a date alone when there is no time). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const day = Math.floor(value.getTime() / 86_400_000);
    const ms = value.getTime() - day * 86_400_000;
    if (ms === 0) return dayToIso(day);
    return `${dayToIso(day)}T${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}`;
  }
  if (typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('error' in value) return '';
  }
  return String(value);
}

/** The first sheet of an XLSX workbook, streamed row by row; the row number is the line. */
export async function* readXlsx(bytes: AsyncIterable<Uint8Array>): AsyncIterable<FileRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(bytes), {
    entries: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit',
  });
  try {
    for await (const worksheet of reader) {
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as ExcelJS.CellValue[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]).trim());
        yield { line: row.number, cells };
      }
      return; // the first sheet only
    }
  } catch (error) {
    if (error instanceof ExtractRejected) throw error;
    throw new ExtractRejected([{ line: null, column: null, code: 'unparseable', message: 'the XLSX workbook cannot be read: save it again from Excel, or send CSV' }]);
  }
}
