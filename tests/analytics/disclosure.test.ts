import { describe, expect, it } from 'vitest';
import { controlBreakdown, controlGrid, maxSuppressed, suppressionPattern } from '../../analytics/disclosure.ts';
import { agreement } from '../../schemas/agreement.ts';

describe('disclosure thresholds from the agreement', () => {
  it('suppresses 1–7 for hospital and A&E cells, 1–4 elsewhere', () => {
    expect(maxSuppressed(agreement, 'hospital_admission')).toBe(7);
    expect(maxSuppressed(agreement, 'ae_attendance')).toBe(7);
    expect(maxSuppressed(agreement, 'police_crime')).toBe(4);
    expect(maxSuppressed(agreement, 'school_exclusion')).toBe(4);
  });

  it.each([
    [4, 0, false], [4, 1, true], [4, 4, true], [4, 5, false],
    [7, 6, true], [7, 7, true], [7, 8, false],
  ])('threshold %i: a count of %i suppressed? %s', (max, count, expected) => {
    // a lone cell with a large partner, so secondary suppression does not blur the boundary
    const pattern = suppressionPattern([count, 0], [[0]], max);
    expect(pattern[0]).toBe(expected);
  });
});

describe('secondary suppression', () => {
  it('hides one more cell, the smallest non-zero, when a breakdown has a single small cell', () => {
    const { rows, total } = controlBreakdown([
      { group: 'robbery', count: 3 }, { group: 'assault', count: 40 }, { group: 'rape', count: 9 }, { group: 'homicide', count: 0 },
    ], 'csp', 4);
    expect(rows.map((r) => r.count)).toEqual([null, 40, null, 0]);
    expect(rows.map((r) => r.suppressed)).toEqual([true, false, true, false]);
    expect(total).toEqual({ count: 52, suppressed: false });
  });

  it('shows analysts everything', () => {
    const { rows } = controlBreakdown([{ group: 'a', count: 1 }, { group: 'b', count: 2 }], 'analyst', 4);
    expect(rows.map((r) => r.count)).toEqual([1, 2]);
  });

  it('suppresses a small total together with its cells', () => {
    const { rows, total } = controlBreakdown([{ g: 'a', count: 2 }, { g: 'b', count: 1 }, { g: 'c', count: 0 }], 'csp', 4);
    expect(total).toEqual({ count: null, suppressed: true });
    expect(rows.every((r) => r.count === null || r.count === 0)).toBe(true);
  });

  it('leaves no line of a two-way table with exactly one suppressed cell (random tables)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 300; trial++) {
      const rows = 2 + Math.floor(random() * 6), cols = 2 + Math.floor(random() * 8);
      const grid = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random() < 0.3 ? Math.floor(random() * 6) : Math.floor(random() * 40))));
      const out = controlGrid(grid, 'csp', 4);
      for (let r = 0; r < rows; r++) {
        expect(out[r].filter((c) => c.suppressed).length).not.toBe(1);
        for (let c = 0; c < cols; c++) {
          if (grid[r][c] >= 1 && grid[r][c] <= 4) expect(out[r][c]).toEqual({ count: null, suppressed: true });
          if (!out[r][c].suppressed) expect(out[r][c].count).toBe(grid[r][c]);
        }
      }
      for (let c = 0; c < cols; c++) expect(out.filter((row) => row[c].suppressed).length).not.toBe(1);
    }
  });
});
