import type { Agreement } from '../schemas/agreement.ts';

/**
 * Disclosure control for figures that leave the partnership core (the CSP audience), applied once, after whichever
 * engine ran. Counts from 1 up to the dataset's threshold t are suppressed; zero is shown, since it discloses no one.
 *
 * A suppressed count must not be recoverable from what is published beside it. A *line* is a total and the cells
 * that add up to it (a breakdown and its headline, the hour × weekday grid and the year's count, the
 * localities and the whole area's figure); whatever a line's cells leave of its total (crimes with no time recorded, no
 * known locality, outside the listed hotspots) is a *residual* the audience never sees. The audience knows every
 * published count, that a hidden cell is at least 1 (zeros are shown) and a residual at least 0, and every line;
 * from these it can bound each hidden cell ({@link inferBounds}, interval propagation over all lines at once, so
 * a hidden total that its own breakdown gives away, and a chain of lines, are both seen). The rule: no hidden cell
 * may be bounded within 1..t. On one line with a published total and k hidden cells that is: the hidden cells sum
 * to at least t + k.
 *
 * {@link suppressionPattern} starts from the small cells and, while some hidden cell is pinned, withholds one more:
 * the smallest published non-zero cell of the line that pins it whose withholding loosens the pin (a part before
 * the total, so a headline goes only when no part will do; a headline its other breakdowns give away does not
 * loosen anything). It terminates: each step hides a cell that was published, and there are finitely many.
 *
 * Under rounding (`nearest5`, OpenSAFELY's rule) the audience instead gets every count rounded to the nearest 5,
 * each total rounded independently of its cells, and counts 1..t suppressed: a published v is known only to lie in
 * v − 2..v + 2 (and, not being withheld, above t; a published 0 is exact). A suppressed count is known to be small:
 * that is what "suppressed" says. The rule under rounding ({@link roundedPattern}): no line, nor chain of lines,
 * may narrow a suppressed count to fewer than min(t, 3) possible values (where the pattern alone leaves more),
 * whatever the audience assumes of the others (it is credited with knowing which withheld cells are small and
 * which were withheld to protect them). Rounding errors line up so now and then (a total rounded down by 2 whose
 * published parts are all rounded up by 2, or a chain of such); where they do, one more cell is withheld, as above.
 *
 * The CSP audience's products (the profiles, the measures, the indicators and their maps) are always rounded, as
 * one regime: a count is then published the same wherever it appears, so nothing can be subtracted across products
 * that would not be subtracted within one (an exact figure in one product beside the same figure rounded in
 * another would narrow it). analytics/products/csp-release.ts counts the CSP audience's joint release.
 */
export type Audience = 'csp' | 'analyst';
export type Rounding = Agreement['disclosure']['rounding'];

export interface SuppressedCount { count: number | null; suppressed: boolean }

/** The largest count suppressed for cells drawn from a dataset (the agreement's per-dataset thresholds). */
export function maxSuppressed(agreement: Agreement, dataset: string): number {
  return agreement.disclosure.maxSuppressedByDataset[dataset] ?? agreement.disclosure.defaultMaxSuppressed;
}

export const isSmall = (count: number, max: number) => count >= 1 && count <= max;
export const roundTo5 = (count: number) => Math.round(count / 5) * 5;

/** A total and the cells it adds up; the total may exceed their sum (the residual). */
export interface Line { total: number; parts: number[] }

export interface Bounds { lower: number[]; upper: number[]; pinnedBy: number[] }

/**
 * What the audience can work out: for each cell, bounds implied by the published cells and the lines. Published
 * cells are exact; a hidden cell starts at [floor, ∞) (floor 1, or 0 for a residual). The bounds only tighten and
 * never pass the true counts, so the loop ends. `pinnedBy` names the line that last lowered a cell's upper bound.
 */
export function inferBounds(counts: number[], hidden: boolean[], floor: number[], lines: Line[], start?: { lower: number[]; upper: number[] }): Bounds {
  const lower = start ? [...start.lower] : counts.map((c, i) => (hidden[i] ? floor[i] : c));
  const upper = start ? [...start.upper] : counts.map((c, i) => (hidden[i] ? Infinity : c));
  const pinnedBy = counts.map(() => -1);
  for (let changed = true; changed;) {
    changed = false;
    lines.forEach(({ total, parts }, l) => {
      const lowerSum = parts.reduce((n, p) => n + lower[p], 0);
      const unbounded = parts.filter((p) => upper[p] === Infinity).length;
      const upperSum = unbounded ? Infinity : parts.reduce((n, p) => n + upper[p], 0);
      if (upperSum < upper[total]) { upper[total] = upperSum; pinnedBy[total] = l; changed = true; }
      if (lowerSum > lower[total]) { lower[total] = lowerSum; changed = true; }
      for (const p of parts) {
        const high = upper[total] - (lowerSum - lower[p]);
        if (high < upper[p]) { upper[p] = high; pinnedBy[p] = l; changed = true; }
        const othersUpper = unbounded - (upper[p] === Infinity ? 1 : 0) > 0 ? Infinity : upperSum - upper[p];
        const low = lower[total] - othersUpper;
        if (low > lower[p]) { lower[p] = low; changed = true; }
      }
    });
  }
  return { lower, upper, pinnedBy };
}

/** Hidden non-zero cells whose upper bound falls within their small range: the rule's violations. */
export function pinnedCells(counts: number[], hidden: boolean[], floor: number[], max: number[], lines: Line[]): number[] {
  const { upper } = inferBounds(counts, hidden, floor, lines);
  return counts.map((_, i) => i).filter((i) => hidden[i] && counts[i] >= 1 && upper[i] <= max[i]);
}

/**
 * Which cells to withhold. `max[i]` is cell i's threshold; `lines` index into `counts`. Residuals are added here as
 * cells that are never published. Returns the pattern for the given cells (residuals dropped).
 */
export function suppressionPattern(counts: number[], lines: Line[], max: number[] | number): boolean[] {
  const { values, thresholds, floor, all } = withResiduals(counts, lines, max);
  const hidden = values.map((c, i) => i >= counts.length || isSmall(c, thresholds[i]));
  for (;;) {
    const { upper, pinnedBy } = inferBounds(values, hidden, floor, all);
    const pinned = values.findIndex((c, i) => hidden[i] && c >= 1 && upper[i] <= thresholds[i]);
    if (pinned < 0) return hidden.slice(0, counts.length);
    const candidates = candidatesFor(pinned, values, hidden, upper, pinnedBy, all);
    if (!candidates.length) throw new Error('disclosure control found no cell to withhold'); // a pin needs a published count
    // The first candidate whose withholding loosens the pin (a headline its own breakdowns give away does not).
    const loosens = (c: number) => inferBounds(values, hidden.map((h, i) => h || i === c), floor, all).upper[pinned] > upper[pinned];
    hidden[candidates.slice(0, TRIES).find(loosens) ?? candidates[0]] = true;
  }
}

/** The cells with each line's residual (what its cells leave of its total) added as a cell never published. */
function withResiduals(counts: number[], lines: Line[], max: number[] | number) {
  const limit = (i: number) => (typeof max === 'number' ? max : max[i]);
  const values = [...counts];
  const thresholds = counts.map((_, i) => limit(i));
  const floor = counts.map(() => 1);
  const all: Line[] = lines.map((line) => {
    const residual = values[line.total] - line.parts.reduce((n, p) => n + values[p], 0);
    if (residual < 0) throw new RangeError(`a line's cells add up to more than its total (${line.parts.length} cells)`);
    if (residual === 0) return line;
    values.push(residual);
    thresholds.push(limit(line.total));
    floor.push(0);
    return { total: line.total, parts: [...line.parts, values.length - 1] };
  });
  return { values, thresholds, floor, all };
}

/** The fewest values a suppressed count may be narrowed to under rounding: min(t, NARROWEST) (1..3, say). */
export const NARROWEST = 3;

/** What the audience knows of a count published under rounding as `shown` (threshold t): shown ± 2, above t; 0 exactly. */
export const roundedRange = (shown: number, max: number): [number, number] => (shown === 0 ? [0, 0] : [Math.max(shown - 2, max + 1), shown + 2]);

/**
 * Which cells to withhold under rounding: the small ones, and where the published counts (each known to ±2) and the
 * lines narrow a small one to fewer than min(t, NARROWEST) values, one more published cell of the line that narrows it,
 * until none is. The audience is credited with knowing which withheld cells are small (1..t) and which are not
 * (above t), the strongest attacker; what the withheld cells alone tell of each other (a suppressed total of 4
 * leaves each of its two suppressed parts at most 3) is what suppression says, not a breach: the rule is on what the
 * published figures add.
 */
export function roundedPattern(counts: number[], lines: Line[], max: number[] | number, fixed: (boolean | undefined)[] = []): boolean[] {
  const { values, thresholds, floor, all } = withResiduals(counts, lines, max);
  const n = counts.length;
  const small = values.map((c, i) => i < n && isSmall(c, thresholds[i]));
  const hidden = values.map((_, i) => i >= n || (fixed[i] ?? small[i]));
  const start = (withheld: boolean[], figures: boolean) => {
    const lower: number[] = [], upper: number[] = [];
    values.forEach((c, i) => {
      const [lo, hi] = i >= n ? [0, Infinity] : small[i] ? [1, thresholds[i]] : c === 0 ? [0, 0]
        : withheld[i] || !figures ? [thresholds[i] + 1, Infinity] : roundedRange(roundTo5(c), thresholds[i]);
      lower.push(lo); upper.push(hi);
    });
    return { lower, upper };
  };
  const bounds = (withheld: boolean[], figures = true) => inferBounds(values, withheld, floor, all, start(withheld, figures));
  // What the pattern alone tells: every published count known only to be zero or above t.
  const base = bounds(hidden, false);
  const width = (b: Bounds, i: number) => b.upper[i] - b.lower[i] + 1;
  const narrowed = (b: Bounds, i: number) => small[i] && width(b, i) < Math.min(thresholds[i], NARROWEST, width(base, i));
  for (;;) {
    const b = bounds(hidden);
    const pinned = values.findIndex((_, i) => narrowed(b, i));
    if (pinned < 0) return hidden.slice(0, n);
    // A cell another release published (fixed) is never withheld here: only this publication's own. Under rounding
    // a bound also travels through published cells (each known to ±2), so the search goes on through them.
    const own = (c: number) => fixed[c] === undefined;
    const near = candidatesFor(pinned, values, hidden, b.upper, b.pinnedBy, all).filter(own);
    const candidates = near.length ? near : nearestPublished(pinned, values, hidden, all).filter(own);
    if (!candidates.length) throw new Error('disclosure control found no cell to withhold');
    const loosens = (c: number) => { const after = bounds(hidden.map((h, i) => h || i === c)); return after.upper[pinned] > b.upper[pinned] || after.lower[pinned] < b.lower[pinned]; };
    hidden[candidates.slice(0, TRIES).find(loosens) ?? candidates[0]] = true;
  }
}

const TRIES = 12;

/** Published non-zero cells by how many lines away from a cell they are, smallest first at each distance. */
function nearestPublished(start: number, values: number[], hidden: boolean[], lines: Line[]): number[] {
  const byCell = new Map<number, number[]>();
  lines.forEach((l, k) => { for (const c of [l.total, ...l.parts]) (byCell.get(c) ?? byCell.set(c, []).get(c)!).push(k); });
  const out: number[] = [];
  const seen = new Set([start]);
  const seenLines = new Set<number>();
  let frontier = [start];
  while (frontier.length) {
    const next: number[] = [];
    for (const c of frontier) for (const k of byCell.get(c) ?? []) {
      if (seenLines.has(k)) continue;
      seenLines.add(k);
      for (const d of [lines[k].total, ...lines[k].parts]) if (!seen.has(d)) { seen.add(d); next.push(d); }
    }
    out.push(...next.filter((d) => !hidden[d] && values[d] > 0).sort((a, b) => values[a] - values[b] || a - b));
    frontier = next;
  }
  return out;
}

/**
 * Cells that could be withheld for a pinned one, best first: the published non-zero parts of the line that pins it,
 * smallest first, then its total; then the same for its other lines; then, where the bound came through other
 * hidden cells, for those cells' lines.
 */
function candidatesFor(start: number, values: number[], hidden: boolean[], upper: number[], pinnedBy: number[], lines: Line[]): number[] {
  const visible = (i: number) => !hidden[i] && values[i] > 0;
  const out: number[] = [];
  const seenCells = new Set([start]);
  const seenLines = new Set<number>();
  let frontier = [start];
  while (frontier.length) {
    const next: number[] = [];
    const order = frontier.flatMap((c) => [pinnedBy[c], ...lines.map((_, l) => l).filter((l) => lines[l].total === c || lines[l].parts.includes(c))]);
    for (const l of order) {
      if (l < 0 || seenLines.has(l)) continue;
      seenLines.add(l);
      const { total, parts } = lines[l];
      for (const c of [...parts.filter(visible).sort((a, b) => values[a] - values[b] || a - b), ...(visible(total) ? [total] : [])]) if (!out.includes(c)) out.push(c);
      for (const c of [total, ...parts]) if (hidden[c] && upper[c] < Infinity && !seenCells.has(c)) { seenCells.add(c); next.push(c); }
    }
    frontier = next;
  }
  return out;
}

/**
 * A set of figures published together, with the lines between them: cells are declared, lines added, and
 * `publish` returns each cell as the audience sees it.
 */
export class Publication {
  private readonly counts: number[] = [];
  private readonly max: number[] = [];
  private readonly lines: Line[] = [];
  /** For a cell another release already published: whether it was withheld there (its status is fixed here). */
  private readonly fixed: (boolean | undefined)[] = [];

  cell(count: number, max: number): number {
    this.counts.push(count);
    this.max.push(max);
    this.fixed.push(undefined);
    return this.counts.length - 1;
  }

  /**
   * Another publication's cells and lines, as its audience sees them under rounding, taken in as fixed cells:
   * this publication's own cells are then controlled against everything that one publishes (a later release
   * layered on an earlier), and never change what it published. Returns the offset of its cells' ids here.
   */
  absorb(other: Publication, audience: Audience): number {
    const shown = other.publish(audience, 'nearest5');
    const offset = this.counts.length;
    other.counts.forEach((c, i) => { this.counts.push(c); this.max.push(other.max[i]); this.fixed.push(shown[i].suppressed); });
    for (const l of other.lines) this.lines.push({ total: l.total + offset, parts: l.parts.map((p) => p + offset) });
    return offset;
  }

  line(total: number, parts: number[]): void {
    if (parts.length) this.lines.push({ total, parts });
  }

  /** Called from {@link disclose} only: the one place figures are controlled, after whichever engine counted them. */
  publish(audience: Audience, rounding: Rounding): SuppressedCount[] {
    if (audience === 'analyst') return this.counts.map((count) => ({ count, suppressed: false }));
    const rounded = rounding === 'nearest5';
    if (!rounded && this.fixed.some((f) => f !== undefined)) throw new Error('a layered publication is rounded');
    const hidden = this.pattern(rounded ? roundedPattern : suppressionPattern);
    return this.counts.map((count, i) => (hidden[i] ? { count: null, suppressed: true } : { count: rounded ? roundTo5(count) : count, suppressed: false }));
  }

  /**
   * The suppression pattern, solved apart for each set of cells that lines join (years counted together, say):
   * withholding a cell loosens only the lines it is on, so each set's pattern is the one it would have alone.
   */
  private pattern(solve: (counts: number[], lines: Line[], max: number[], fixed: (boolean | undefined)[]) => boolean[]): boolean[] {
    const root = this.counts.map((_, i) => i);
    const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i])));
    for (const { total, parts } of this.lines) for (const p of parts) root[find(p)] = find(total);
    const groups = new Map<number, number[]>();
    this.counts.forEach((_, i) => (groups.get(find(i)) ?? groups.set(find(i), []).get(find(i))!).push(i));
    const hidden = this.counts.map(() => false);
    for (const cells of groups.values()) {
      const at = new Map(cells.map((cell, i) => [cell, i]));
      const lines = this.lines.filter((l) => at.has(l.total)).map((l) => ({ total: at.get(l.total)!, parts: l.parts.map((p) => at.get(p)!) }));
      solve(cells.map((c) => this.counts[c]), lines, cells.map((c) => this.max[c]), cells.map((c) => this.fixed[c])).forEach((h, i) => { hidden[cells[i]] = h; });
    }
    return hidden;
  }
}

/**
 * What an engine counted for a product, before disclosure control: the cells (and lines) of one publication, the
 * audience they go to, and how the answer is built from the cells as that audience sees them.
 */
export interface Counted<R> {
  audience: Audience;
  cells: Publication;
  answer: (show: Shown) => R;
  /** A publication that is always rounded, whatever the agreement says (the indicators and the public report). */
  rounding?: Rounding;
}

/** A published cell, as the audience sees it. */
export type Shown = (cell: number) => SuppressedCount;

/** An answer with no controlled cells (a product for analysts only, or the analyst audience of one). */
export const uncontrolled = <R>(result: R): Counted<R> => ({ audience: 'analyst', cells: new Publication(), answer: () => result });

/** Disclosure control, applied once to everything a product counted: the one call of {@link Publication.publish}. */
export function disclose<R>(counted: Counted<R>, rounding: Rounding): R {
  const shown = counted.cells.publish(counted.audience, counted.rounding ?? rounding);
  return counted.answer((cell) => shown[cell]);
}
