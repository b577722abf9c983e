/**
 * The rule, checked independently of analytics/disclosure.ts: for every line whose total the audience can
 * know (published, or worked out exactly from another line), with k hidden non-zero cells (a non-zero residual
 * counts as one), the hidden cells sum to at least t + k. A cell is worked out exactly when it is the only
 * unknown of a line with no residual; that closes over chains of lines, and a small hidden cell so worked out is a
 * breach of its own.
 */
export interface RuleLine { name: string; total: number; parts: number[]; max: number }

/** `truth[i]` the true count of cell i, `shown[i]` what the audience sees (null: hidden). Returns the violations. */
export function breaches(truth: number[], shown: (number | null)[], lines: RuleLine[]): string[] {
  shown.forEach((s, i) => { if (s !== null && s !== truth[i]) throw new Error(`cell ${i} published as ${s}, truly ${truth[i]}`); });
  const known = shown.map((s) => s !== null);
  const residual = (l: RuleLine) => truth[l.total] - l.parts.reduce((n, p) => n + truth[p], 0);
  for (let changed = true; changed;) {
    changed = false;
    for (const l of lines) {
      if (residual(l) !== 0) continue;
      const unknown = [l.total, ...l.parts].filter((c) => !known[c]);
      if (unknown.length === 1) { known[unknown[0]] = true; changed = true; }
    }
  }
  const out: string[] = [];
  for (const l of lines) {
    for (const c of [l.total, ...l.parts]) {
      if (shown[c] === null && known[c] && truth[c] >= 1 && truth[c] <= l.max) out.push(`${l.name}: a hidden cell of ${truth[c]} can be worked out`);
    }
    if (!known[l.total]) continue;
    const hidden = l.parts.filter((p) => !known[p] && truth[p] > 0);
    const r = residual(l);
    const k = hidden.length + (r > 0 ? 1 : 0);
    const sum = hidden.reduce((n, p) => n + truth[p], 0) + r;
    if (k > 0 && sum < l.max + k) out.push(`${l.name}: ${k} hidden summing to ${sum} (needs ${l.max + k})`);
  }
  return out;
}

/**
 * The rule under rounding, checked independently of analytics/disclosure.ts, as an attacker would work: every
 * published count v is known to lie in v − 2..v + 2 and above t (0 exactly); a suppressed count is known to be small
 * (1..t) and a count withheld only to protect one to be above t (the strongest attacker knows which is which); a
 * line's total is the sum of its cells, plus a residual of at least 0 unless the line is complete. Bounds are
 * propagated over every line until none moves. A breach: a suppressed count narrowed to fewer than min(t, 3)
 * possible values where the pattern alone (every published count known only to be 0 or above t) leaves more.
 */
export interface RoundedLine { name: string; total: number; parts: number[] }
export function roundedBreaches(truth: number[], shown: (number | null)[], max: number[], lines: RoundedLine[]): string[] {
  const n = truth.length;
  shown.forEach((s, i) => {
    if (s !== null && s !== Math.round(truth[i] / 5) * 5) throw new Error(`cell ${i} published as ${s}, truly ${truth[i]}: not its rounding`);
    if (s !== null && truth[i] >= 1 && truth[i] <= max[i]) throw new Error(`cell ${i}: a small count (${truth[i]}) published`);
  });
  const small = truth.map((c, i) => shown[i] === null && c >= 1 && c <= max[i]);
  // each line's residual as one more unknown, where the line is not complete
  const withResidual = lines.map((l) => {
    const r = truth[l.total] - l.parts.reduce((s, p) => s + truth[p], 0);
    if (r < 0) throw new Error(`${l.name}: its cells add up to more than its total`);
    return { ...l, residual: r > 0 };
  });
  const solve = (figures: boolean) => {
    const lo: number[] = [], hi: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = shown[i];
      if (small[i]) { lo.push(1); hi.push(max[i]); } else if (s === 0) { lo.push(0); hi.push(0); } else if (s === null || !figures) { lo.push(max[i] + 1); hi.push(Infinity); } else { lo.push(Math.max(s - 2, max[i] + 1)); hi.push(s + 2); }
    }
    for (let moved = true; moved;) {
      moved = false;
      for (const l of withResidual) {
        const partsLo = l.parts.reduce((s, p) => s + lo[p], 0);
        const unbounded = l.residual ? Infinity : l.parts.filter((p) => hi[p] === Infinity).length;
        const finiteHi = l.parts.reduce((s, p) => (hi[p] === Infinity ? s : s + hi[p]), 0);
        const partsHi = unbounded ? Infinity : finiteHi;
        if (partsLo > lo[l.total]) { lo[l.total] = partsLo; moved = true; }
        if (partsHi < hi[l.total]) { hi[l.total] = partsHi; moved = true; }
        for (const p of l.parts) {
          // the others' sums as the line began (bounds only tighten, so a stale sum is a looser one, and the loop goes on)
          const othersLo = partsLo - lo[p];
          const othersHi = unbounded - (hi[p] === Infinity ? 1 : 0) > 0 ? Infinity : finiteHi - (hi[p] === Infinity ? 0 : hi[p]);
          const up = hi[l.total] - othersLo, down = lo[l.total] - othersHi;
          if (up < hi[p]) { hi[p] = up; moved = true; }
          if (down > lo[p]) { lo[p] = down; moved = true; }
        }
      }
    }
    return { lo, hi };
  };
  const base = solve(false), got = solve(true);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (!small[i]) continue;
    const width = (b: { lo: number[]; hi: number[] }) => b.hi[i] - b.lo[i] + 1;
    if (width(got) < Math.min(max[i], 3, width(base))) {
      out.push(`cell ${i} (truly ${truth[i]}, t ${max[i]}) narrowed to ${got.lo[i]}..${got.hi[i]} (the pattern alone: ${base.lo[i]}..${base.hi[i]}) by ${lines.filter((l) => l.total === i || l.parts.includes(i)).map((l) => l.name).join('; ')}`);
    }
  }
  return out;
}
