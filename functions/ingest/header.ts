import type { Dataset } from '../../schemas/dataset.ts';
import type { Partner } from '../../schemas/agreement.ts';
import { ExtractRejected, type ExtractError } from './errors.ts';

export interface HeaderMatch {
  /** For each column of the file, the schema column it fills, or null if ignored. */
  columns: (string | null)[];
  /** Header names of the file's columns that are not in the schema (never stored). */
  ignored: string[];
  present: Set<string>;
}

/** Matches the file's header to the dataset's columns: case-insensitive, trimmed, with the partner's aliases. */
export function matchHeader(dataset: Dataset, partner: Partner, header: string[]): HeaderMatch {
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
      ignored.push(name || `(unnamed column ${index + 1})`);
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
