import { describe, expect, it } from 'vitest';
import { disclose, inferBounds, maxSuppressed, Publication, suppressionPattern, type Line } from '../../analytics/disclosure.ts';
import { Agreement } from '../../schemas/agreement.ts';
import { breaches, roundedBreaches, type RuleLine } from './disclosure-rule.ts';
import { agreement } from '../deployments.ts';

const seeded = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

/** A one-way breakdown: cells 0..n-1, its total at n. */
function oneWay(cells: number[]): { counts: number[]; lines: Line[] } {
  const total = cells.reduce((n, c) => n + c, 0);
  return { counts: [...cells, total], lines: [{ total: cells.length, parts: cells.map((_, i) => i) }] };
}

const asRule = (lines: Line[], max: number): RuleLine[] => lines.map((l, i) => ({ name: `line ${i}`, ...l, max }));
const shownBy = (counts: number[], hidden: boolean[]) => counts.map((c, i) => (hidden[i] ? null : c));

describe('disclosure thresholds from the agreement', () => {
  it('suppresses 1–7 for hospital and A&E cells, 1–4 elsewhere, and rounds nothing unless the agreement says so', () => {
    expect(maxSuppressed(agreement, 'hospital_admission')).toBe(7);
    expect(maxSuppressed(agreement, 'ae_attendance')).toBe(7);
    expect(maxSuppressed(agreement, 'police_crime')).toBe(4);
    expect(maxSuppressed(agreement, 'school_exclusion')).toBe(4);
    expect(agreement.disclosure.rounding).toBe('none');
    const { success } = Agreement.safeParse({ ...agreement, disclosure: { ...agreement.disclosure, rounding: 'nearest10' } });
    expect(success).toBe(false);
  });

  it.each([
    [4, 0, false], [4, 1, true], [4, 4, true], [4, 5, false],
    [7, 6, true], [7, 7, true], [7, 8, false],
  ])('threshold %i: a lone count of %i suppressed? %s', (max, count, expected) => {
    expect(suppressionPattern([count], [], max)[0]).toBe(expected);
  });
});

describe('the suppression pattern', () => {
  it("does not leave two hidden cells summing to 2 beside a published total (the red team's case)", () => {
    const { counts, lines } = oneWay([1, 1, 30, 0, 12]); // robbery 1, rape 1, assault 30, homicide 0, other 12; total 44
    const hidden = suppressionPattern(counts, lines, 4);
    expect(hidden).toEqual([true, true, false, false, true, false]); // the smallest other cell, 12, goes too
    expect(breaches(counts, shownBy(counts, hidden), asRule(lines, 4))).toEqual([]);
    // the audience's best bounds for each robbery and rape count now reach past the small range
    const { upper } = inferBounds(counts, hidden, counts.map(() => 1), lines);
    expect(upper.slice(0, 2)).toEqual([12, 12]);
    // what today's rule (no line with exactly one hidden cell) allowed is a breach
    expect(breaches(counts, shownBy(counts, [true, true, false, false, false, false]), asRule(lines, 4))).toHaveLength(1);
  });

  it('hides the total when no other cell can be withheld, and never hides a zero', () => {
    const { counts, lines } = oneWay([3, 2, 0, 0]); // total 5: the two hidden cells would sum to 5 < 4 + 2
    const hidden = suppressionPattern(counts, lines, 4);
    expect(hidden).toEqual([true, true, false, false, true]);
  });

  it('counts a residual the audience never sees (crimes with no time, no locality) as a hidden cell', () => {
    // a line of total 40 over cells 20 and 18: the 2 left over is a small count of crimes not shown anywhere
    const hidden = suppressionPattern([20, 18, 40], [{ total: 2, parts: [0, 1] }], 4);
    expect(hidden).toEqual([false, true, false]);
  });

  it('sees through a headline that its own breakdown gives away, and withholds the line total instead', () => {
    // localities A (2, small) and B (50, with months 30 + 20) against a published LLR total 52
    const counts = [2, 50, 30, 20, 52];
    const lines: Line[] = [{ total: 4, parts: [0, 1] }, { total: 1, parts: [2, 3] }];
    const hidden = suppressionPattern(counts, lines, 4);
    expect(hidden).toEqual([true, false, false, false, true]); // hiding B's 50 would not help: 30 + 20 shows it
    expect(breaches(counts, shownBy(counts, hidden), asRule(lines, 4))).toEqual([]);
    expect(breaches(counts, shownBy(counts, [true, true, false, false, false]), asRule(lines, 4))).toHaveLength(1);
  });

  it('meets the rule on every line of random breakdowns and two-way tables with published margins', () => {
    const random = seeded(42);
    const small = () => (random() < 0.35 ? Math.floor(random() * 6) : Math.floor(random() * 40));
    for (let trial = 0; trial < 400; trial++) {
      const max = random() < 0.5 ? 4 : 7;
      let counts: number[], lines: Line[];
      if (trial % 2 === 0) {
        ({ counts, lines } = oneWay(Array.from({ length: 2 + Math.floor(random() * 10) }, small)));
        if (random() < 0.3) counts[counts.length - 1] += Math.floor(random() * 4); // a residual
      } else {
        // rows × cols cells, then row totals, column totals and the grand total, all published lines
        const rows = 2 + Math.floor(random() * 6), cols = 2 + Math.floor(random() * 8);
        const grid = Array.from({ length: rows }, () => Array.from({ length: cols }, small));
        const cell = (r: number, c: number) => r * cols + c;
        const rowTotal = (r: number) => rows * cols + r, colTotal = (c: number) => rows * cols + rows + c, grand = rows * cols + rows + cols;
        counts = [...grid.flat(), ...grid.map((row) => row.reduce((n, x) => n + x, 0)), ...grid[0].map((_, c) => grid.reduce((n, row) => n + row[c], 0)), grid.flat().reduce((n, x) => n + x, 0)];
        lines = [
          ...grid.map((_, r) => ({ total: rowTotal(r), parts: grid[0].map((_, c) => cell(r, c)) })),
          ...grid[0].map((_, c) => ({ total: colTotal(c), parts: grid.map((_, r) => cell(r, c)) })),
          { total: grand, parts: grid.map((_, r) => rowTotal(r)) },
          { total: grand, parts: grid[0].map((_, c) => colTotal(c)) },
        ];
      }
      const hidden = suppressionPattern(counts, lines, max);
      expect(breaches(counts, shownBy(counts, hidden), asRule(lines, max))).toEqual([]);
      counts.forEach((c, i) => {
        if (c >= 1 && c <= max) expect(hidden[i]).toBe(true);
        if (c === 0) expect(hidden[i]).toBe(false);
      });
    }
  });
});

describe('a publication', () => {
  const figures = () => {
    const pub = new Publication();
    const total = pub.cell(44, 4);
    const parts = [1, 1, 30, 0, 12].map((c) => pub.cell(c, 4));
    pub.line(total, parts);
    return pub;
  };

  it('shows analysts everything', () => {
    expect(figures().publish('analyst', 'none').map((c) => c.count)).toEqual([44, 1, 1, 30, 0, 12]);
  });

  it('suppresses for the csp audience', () => {
    expect(figures().publish('csp', 'none').map((c) => c.count)).toEqual([44, null, null, 30, 0, null]);
  });

  it("under rounding, rounds every count to the nearest 5 on its own, totals too, and still suppresses 1 up to the threshold", () => {
    expect(figures().publish('csp', 'nearest5').map((c) => c.count)).toEqual([45, null, null, 30, 0, 10]);
  });
  it('gives sets of cells no line joins (two years counted together) the patterns each gets alone, and all of them controlled', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const years = Array.from({ length: 3 }, () => Array.from({ length: 12 }, () => [Math.floor(random() * 9), Math.floor(random() * 3)]));
    // A year: a headline over twelve months, each month over two parts (one with a residual).
    const declare = (pub: Publication, months: number[][]) => {
      const total = pub.cell(months.reduce((n, [a, b]) => n + a + b + 1, 0), 4);
      const ids = months.map(([a, b]) => { const m = pub.cell(a + b + 1, 4); pub.line(m, [pub.cell(a, 4), pub.cell(b, 4)]); return m; });
      pub.line(total, ids);
      return total;
    };
    const alone = years.flatMap((months) => { const pub = new Publication(); declare(pub, months); return pub.publish('csp', 'none'); });
    const together = new Publication();
    for (const months of years) declare(together, months);
    const joint = together.publish('csp', 'none');
    expect(joint).toEqual(alone);
    expect(joint.filter((c) => c.suppressed).length).toBeGreaterThan(years.length);
  });
});

describe('under rounding, one release layered on another', () => {
  // A profile's release: two counts of 8 and a suppressed 1 (its line 9 = 8 + 1), each published rounded (10, 10, 10).
  const profile = () => {
    const p = new Publication();
    const ids = { g1: p.cell(8, 4), b: p.cell(1, 4), t1: p.cell(9, 4), g2: p.cell(8, 4) };
    p.line(ids.t1, [ids.g1, ids.b]);
    return { p, ids };
  };
  const shown = (pub: Publication, ids: number[]) => disclose({ audience: 'csp', cells: pub, answer: (show) => ids.map(show) }, 'nearest5');

  it('alone, the profile leaves its suppressed 1 anywhere in 1..4', () => {
    const { p, ids } = profile();
    expect(shown(p, [ids.g1, ids.b, ids.t1, ids.g2]).map((c) => c.count)).toEqual([10, null, 10, 10]);
    expect(roundedBreaches([8, 1, 9, 8], [10, null, 10, 10], [4, 4, 4, 4], [{ name: 't1', total: 2, parts: [0, 1] }])).toEqual([]);
  });

  it('an indicator of 17 = the 1 + both 8s, controlled apart, is published as 15, and the 1 can then be worked out (17 − 8 − 8)', () => {
    const apart = new Publication();
    const f = apart.cell(17, 4);
    expect(shown(apart, [f])).toEqual([{ count: 15, suppressed: false }]);
    const lines = [{ name: 't1', total: 2, parts: [0, 1] }, { name: 'the indicator', total: 4, parts: [1, 0, 3] }];
    expect(roundedBreaches([8, 1, 9, 8, 17], [10, null, 10, 10, 15], [4, 4, 4, 4, 4], lines)).toEqual([
      'cell 1 (truly 1, t 4) narrowed to 1..1 (the pattern alone: 1..4) by t1; the indicator',
    ]);
  });

  it('layered on the profile (its cells fixed as it published them), the indicator is withheld and the profile unchanged', () => {
    const { p, ids } = profile();
    const joint = new Publication();
    const at = joint.absorb(p, 'csp');
    const f = joint.cell(17, 4);
    joint.line(f, [at + ids.b, at + ids.g1, at + ids.g2]);
    expect(shown(joint, [f, at + ids.g1, at + ids.b, at + ids.t1, at + ids.g2]).map((c) => c.count)).toEqual([null, 10, null, 10, 10]);
  });
});
