/** A rectangular result, the form every renderer takes: named columns and rows of plain values. */
export interface Table {
  name: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

/**
 * A spreadsheet reads a cell starting with = + - @ (or a tab or carriage return) as a formula; such text is
 * prefixed with an apostrophe. Numbers are left alone.
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
