import type { ExtractError } from './errors.ts';

/** How many rejected rows a report lists in full; the rest are only counted. */
export const LISTED_ROWS_MAX = 1_000;

/** Rejected rows with one column and code (a row with problems in two columns counts under each). */
export interface RejectionCount { column: string | null; code: string; rows: number }

/**
 * The rejected rows of one extract: the first LISTED_ROWS_MAX in full, every one counted by column and code. Its
 * size is bounded by the schema's columns and the codes, whatever the number of rows.
 */
export class RowRejections {
  readonly listed: ExtractError[] = [];
  private listedRows = 0;
  notListed = 0;
  private readonly counts = new Map<string, RejectionCount>();

  add(line: number, errors: { column: string | null; code: string; message: string }[]) {
    const list = this.listedRows < LISTED_ROWS_MAX;
    if (list) this.listedRows++;
    else this.notListed++;
    const counted = new Set<string>();
    for (const e of errors) {
      if (list) this.listed.push({ line, ...e });
      const key = `${e.column ?? ''}\u0000${e.code}`;
      if (counted.has(key)) continue;
      counted.add(key);
      const count = this.counts.get(key);
      if (count) count.rows++;
      else this.counts.set(key, { column: e.column, code: e.code, rows: 1 });
    }
  }

  /** Every (column, code) with its rows, the most frequent first. */
  summary(): RejectionCount[] {
    return [...this.counts.values()].sort((a, b) => b.rows - a.rows || (a.column ?? '').localeCompare(b.column ?? '') || a.code.localeCompare(b.code));
  }
}
