import { neutralise, type Table } from './table.ts';

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = neutralise(typeof value === 'object' ? JSON.stringify(value) : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function toCsv(table: Pick<Table, 'columns' | 'rows'>): string {
  return [table.columns.map(cell).join(','), ...table.rows.map((row) => row.map(cell).join(','))].join('\r\n') + '\r\n';
}
