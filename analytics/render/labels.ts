import { measureDefinitions } from '../products/success-measures.ts';
import type { Table } from './table.ts';

/** What every export says about itself: whose it is, the period, how far the data runs and when it was made. */
export interface ExportAbout {
  vru: string;
  /** The period or date the product covers (a financial year, or the as-of date of a cohort). */
  period: string;
  /** The latest date any extract covers; null when there is no data. */
  dataTo: string | null;
  /** When the file was produced (ISO time, UTC). */
  producedAt: string;
  /** The area's own codes in words (locality slugs → names). */
  names?: Record<string, string>;
}

/** The lines an export opens with, as label and value. */
export const aboutRows = (about: ExportAbout): [string, string][] => [
  ['Produced by', about.vru],
  ['Period', about.period],
  ['Data to', about.dataTo ?? 'no data yet'],
  ['Produced', `${about.producedAt.slice(0, 16).replace('T', ' ')} UTC`],
];

/** Codes whose words are not just the code spelled out. */
const named: Record<string, string> = {
  ...Object.fromEntries(measureDefinitions.map((m) => [m.id, m.title])),
  lsoa: 'LSOA', all_ages: 'All ages', under_25: 'Under 25', csp: 'Disclosure-controlled (CSP)', analyst: 'All figures (analyst)',
};
/** A code (snake_case), or plain lower-case words such as `rape` or `rounded to 5`: both read better as a sentence. */
const CODE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
const WORDS = /^[a-z][a-z0-9 ,'%&()-]*$/;

/** `assault_with_injury` → `Assault with injury`; `change_vs_baseline_pct` → `Change vs baseline %`. */
export const sentence = (code: string) => {
  const words = code.replace(/_pct$/, ' %').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** One cell's text in an export: a code in words (each of a `;` list), true/false as Yes/No. */
function labelCell(value: string, names: Record<string, string>): string {
  return value.split(';').map((part) => names[part] ?? named[part] ?? (CODE.test(part) || WORDS.test(part) ? sentence(part) : part)).join('; ');
}

/**
 * A table with labels for people to read: headers and codes in words, booleans as Yes/No, and a missing value in a
 * column of words as `Not recorded` (a missing count or flag stays empty: the table says whether it was suppressed).
 * `names` adds the area's own (locality slugs → names).
 */
export function labelled(table: Table, names: Record<string, string> = {}): Table {
  // Only a column of words alone says `Not recorded`; in one of counts or flags an empty cell is no figure, and a
  // column with nothing in it (a suppressed count alone) is not known to be words.
  const words = table.columns.map((_, i) => table.rows.some((r) => typeof r[i] === 'string')
    && table.rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'string'));
  return {
    name: table.name,
    columns: table.columns.map((c) => named[c] ?? sentence(c)),
    rows: table.rows.map((row) => row.map((v, i) => {
      if (v === null || v === undefined) return words[i] ? 'Not recorded' : null;
      if (typeof v === 'boolean') return v ? 'Yes' : 'No';
      return typeof v === 'string' ? labelCell(v, names) : v;
    })),
  };
}

/** Column widths (in characters) that fit the longest text of each column, its header too, within bounds. */
export function fittedWidths(table: Pick<Table, 'columns' | 'rows'>, min = 8, max = 60): number[] {
  return table.columns.map((c, i) => {
    const longest = Math.max(c.length, ...table.rows.map((r) => {
      const v = r[i];
      return v === null || v === undefined ? 0 : typeof v === 'number' ? v.toLocaleString('en-GB').length : String(v).length;
    }));
    return Math.min(max, Math.max(min, longest + 2));
  });
}
