import type { Dataset } from '../../schemas/dataset.ts';
import type { Partner } from '../../schemas/agreement.ts';
import { ExtractRejected, type ExtractError } from './errors.ts';

export interface HeaderMatch {
  /** For each column of the file, the schema column it fills, or null if ignored. */
  columns: (string | null)[];
  /** The file's columns that are not in the schema (never stored), by position: their text may be anything. */
  ignored: string[];
  present: Set<string>;
}

/** A header cell and a header row longer than these reject the extract: no schema name or alias comes close. */
export const HEADER_CELL_MAX = 256;
export const HEADER_ROW_MAX = 16_384;

/** A column of the file by position, for reports: "column 7". */
export const columnLabel = (index: number) => `column ${index + 1}`;

/**
 * Matches the file's header to the dataset's columns: case-insensitive, trimmed, with the partner's aliases.
 * A header cell is never repeated back: it may hold anything, even a name and a date of birth.
 */
export function matchHeader(dataset: Dataset, partner: Partner, header: string[]): HeaderMatch {
  const tooLong = (column: string | null, message: string) =>
    new ExtractRejected([{ line: 1, column, code: 'header_too_long', message }]);
  const long = header.findIndex((cell) => cell.trim().length > HEADER_CELL_MAX);
  if (long >= 0) throw tooLong(columnLabel(long), `a header cell is longer than ${HEADER_CELL_MAX} characters: is the first row the header?`);
  if (header.reduce((n, cell) => n + cell.length + 1, 0) > HEADER_ROW_MAX) {
    throw tooLong(null, `the header row is longer than ${HEADER_ROW_MAX.toLocaleString('en-GB')} characters: is the first row the header?`);
  }
  const byName = new Map<string, string>();
  for (const column of dataset.columns) byName.set(column.name.toLowerCase(), column.name);
  for (const [alias, column] of Object.entries(partner.aliases[dataset.id] ?? {})) byName.set(alias.trim().toLowerCase(), column);

  const errors: ExtractError[] = [];
  const present = new Set<string>();
  const ignored: string[] = [];
  const columns = header.map((cell, index) => {
    const name = cell.trim();
    const column = byName.get(name.toLowerCase()) ?? null;
    if (!column) {
      ignored.push(columnLabel(index));
      return null;
    }
    if (present.has(column)) {
      errors.push({ line: 1, column, code: 'duplicate_column', message: `more than one column of the header maps to ${column}` });
    }
    present.add(column);
    return column;
  });

  for (const column of dataset.columns) {
    if (column.required && !present.has(column.name)) {
      errors.push({ line: 1, column: column.name, code: 'missing_column', message: `required column ${column.name} is not in the header` });
    }
  }
  for (const rule of dataset.rules) {
    if (rule.rule === 'one_of' && !rule.columns.some((c) => present.has(c))) {
      errors.push({ line: 1, column: rule.columns.join('|'), code: 'missing_column', message: `the header needs one of ${rule.columns.join(', ')}` });
    }
  }
  if (errors.length) throw new ExtractRejected(errors);
  return { columns, ignored, present };
}
