import type { Agreement } from '../schemas/agreement.ts';

/**
 * Disclosure control for figures that leave the partnership core (the CSP audience): counts from 1 up to the
 * dataset's threshold are suppressed, then further cells are suppressed until no line of a table (a set of cells
 * whose total is published) has exactly one suppressed cell, so no suppressed count can be recovered by subtracting
 * the others from a total. Zero is shown: it discloses no one. Applied once, after whichever engine ran.
 */
export type Audience = 'csp' | 'analyst';

export interface SuppressedCount { count: number | null; suppressed: boolean }

/** The largest count suppressed for cells drawn from a dataset (the agreement's per-dataset thresholds). */
export function maxSuppressed(agreement: Agreement, dataset: string): number {
  return agreement.disclosure.maxSuppressedByDataset[dataset] ?? agreement.disclosure.defaultMaxSuppressed;
}

export const isSmall = (count: number, max: number) => count >= 1 && count <= max;

/**
 * Which cells to suppress. `lines` lists, for each published total, the indices of the cells it adds up
 * (a one-way table has one line; a two-way table a line per row and per column). A line's total is itself
 * suppressed by the caller when small. Secondary cells are the smallest unsuppressed cells of the line, so the
 * least information is withheld.
 */
export function suppressionPattern(counts: number[], lines: number[][], max: number): boolean[] {
  const suppressed = counts.map((c) => isSmall(c, max));
  for (let changed = true; changed;) {
    changed = false;
    for (const line of lines) {
      const hidden = line.filter((i) => suppressed[i]);
      if (hidden.length !== 1) continue;
      // A total of zero tells nothing; otherwise one hidden cell would equal the total minus the rest.
      const candidates = line.filter((i) => !suppressed[i]).sort((a, b) => counts[a] - counts[b] || a - b);
      const pick = candidates.find((i) => counts[i] > 0) ?? candidates[0];
      if (pick === undefined) continue;
      suppressed[pick] = true;
      changed = true;
    }
  }
  return suppressed;
}

/** A one-way breakdown with its total, as published to the audience. */
export function controlBreakdown<T extends { count: number }>(rows: T[], audience: Audience, max: number): {
  rows: (Omit<T, 'count'> & SuppressedCount)[]; total: SuppressedCount;
} {
  const total = rows.reduce((n, r) => n + r.count, 0);
  if (audience === 'analyst') {
    return { rows: rows.map((r) => ({ ...r, count: r.count, suppressed: false })), total: { count: total, suppressed: false } };
  }
  const hidden = suppressionPattern(rows.map((r) => r.count), [rows.map((_, i) => i)], max);
  const totalHidden = isSmall(total, max);
  return {
    rows: rows.map((r, i) => ({ ...r, count: hidden[i] || totalHidden ? null : r.count, suppressed: hidden[i] || totalHidden })),
    total: { count: totalHidden ? null : total, suppressed: totalHidden },
  };
}

/** A two-way table (e.g. hour × weekday) with row and column totals published. */
export function controlGrid(grid: number[][], audience: Audience, max: number): SuppressedCount[][] {
  if (audience === 'analyst') return grid.map((row) => row.map((count) => ({ count, suppressed: false })));
  const width = grid[0]?.length ?? 0;
  const flat = grid.flat();
  const rowLines = grid.map((_, r) => Array.from({ length: width }, (_, c) => r * width + c));
  const colLines = Array.from({ length: width }, (_, c) => grid.map((_, r) => r * width + c));
  const hidden = suppressionPattern(flat, [...rowLines, ...colLines], max);
  return grid.map((row, r) => row.map((count, c) => (hidden[r * width + c] ? { count: null, suppressed: true } : { count, suppressed: false })));
}
