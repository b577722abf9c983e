import { readFile, writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';

/** A fixed timestamp for everything in the workbook that would otherwise carry the time of writing. */
const FIXED = new Date(Date.UTC(2025, 9, 1, 0, 0, 0));

export type XlsxCell = string | number | Date | null;

/**
 * An XLSX workbook with one sheet, written row by row with exceljs's streaming WorkbookWriter. Date cells are
 * real Excel dates (a serial number with a date format); the workbook's own timestamps are fixed so that the same
 * rows always give the same bytes.
 */
export class XlsxWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;

  constructor(private readonly path: string, sheetName: string, private readonly dateFormat = 'dd/mm/yyyy') {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: path, useStyles: true, useSharedStrings: false, created: FIXED, modified: FIXED,
      creator: 'VRN sample-data generator', lastModifiedBy: 'VRN sample-data generator',
    } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookWriter>[0]);
    this.sheet = this.workbook.addWorksheet(sheetName);
  }

  write(cells: readonly XlsxCell[]): void {
    const row = this.sheet.addRow(cells.map((c) => (c === '' ? null : c)));
    cells.forEach((c, i) => { if (c instanceof Date) row.getCell(i + 1).numFmt = this.dateFormat; });
    row.commit();
  }

  async close(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
    const bytes = await readFile(this.path);
    fixZipTimes(bytes, FIXED);
    await writeFile(this.path, bytes);
  }
}

/** DOS date and time of a UTC date, as zip headers carry them. */
function dosDateTime(date: Date): { time: number; day: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    day: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/**
 * Sets every entry's modification time (local headers and central directory) to a fixed date: the zip library
 * stamps entries with the time of writing, which would make the same workbook differ byte for byte.
 */
export function fixZipTimes(zip: Buffer, date: Date): void {
  const { time, day } = dosDateTime(date);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('zip central directory is not where its end says');
    zip.writeUInt16LE(time, at + 12);
    zip.writeUInt16LE(day, at + 14);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error('zip local header is not where the directory says');
    zip.writeUInt16LE(time, local + 10);
    zip.writeUInt16LE(day, local + 12);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
}
