import ExcelJS from 'exceljs';
import { neutralise, type Table } from './table.ts';

/** One sheet per table, a bold frozen header, numbers as numbers; text cells neutralised like CSV. */
export async function toXlsx(tables: Table[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'VRN data service';
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name.slice(0, 31));
    sheet.addRow(table.columns).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
    for (const row of table.rows) {
      const added = sheet.addRow(row.map((v) => (typeof v === 'string' ? neutralise(v) : v)));
      // Whole numbers with thousands separators; rates and percentages with their decimals.
      added.eachCell((cell) => { if (typeof cell.value === 'number') cell.numFmt = Number.isInteger(cell.value) ? '#,##0' : '#,##0.0#'; });
    }
    table.columns.forEach((name, i) => { sheet.getColumn(i + 1).width = Math.min(40, Math.max(10, name.length + 2)); });
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
