import { aboutRows, type ExportAbout } from './labels.ts';
import { neutralise, type Table } from './table.ts';

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = neutralise(typeof value === 'object' ? JSON.stringify(value) : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** A table as CSV; with `about`, it opens with lines naming the VRU, the period, the data's last date and when, then a blank line. */
export function toCsv(table: Pick<Table, 'columns' | 'rows'>, about?: ExportAbout): string {
  const opening = about ? [...aboutRows(about).map((r) => r.map(cell).join(',')), ''] : [];
  return [...opening, table.columns.map(cell).join(','), ...table.rows.map((row) => row.map(cell).join(','))].join('\r\n') + '\r\n';
}
