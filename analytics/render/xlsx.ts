import ExcelJS from 'exceljs';
import { aboutRows, fittedWidths, type ExportAbout } from './labels.ts';
import { neutralise, type Table } from './table.ts';

/**
 * One sheet per table, a bold frozen header, numbers as numbers; text cells neutralised like CSV; columns as wide
 * as their longest text. With `about`, each sheet opens with the VRU, the period, the data's last date and when.
 */
export async function toXlsx(tables: Table[], about?: ExportAbout): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = about?.vru ?? 'VRN data service';
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name.slice(0, 31));
    const opening = about ? aboutRows(about) : [];
    for (const [label, value] of opening) sheet.addRow([label, value]).getCell(1).font = { bold: true };
    if (opening.length) sheet.addRow([]);
    sheet.addRow(table.columns).font = { bold: true };
    sheet.views = [{ state: 'frozen', ySplit: opening.length ? opening.length + 2 : 1 }];
    for (const row of table.rows) {
      const added = sheet.addRow(row.map((v) => (typeof v === 'string' ? neutralise(v) : v)));
      // Whole numbers with thousands separators; rates and percentages with their decimals.
      added.eachCell((cell) => { if (typeof cell.value === 'number') cell.numFmt = Number.isInteger(cell.value) ? '#,##0' : '#,##0.0#'; });
    }
    // The opening's labels sit in the first column; its values may run on across the empty cells beside them.
    const widths = fittedWidths(table);
    if (opening.length) widths[0] = Math.max(widths[0], ...opening.map(([label]) => label.length + 2));
    widths.forEach((width, i) => { sheet.getColumn(i + 1).width = width; });
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
