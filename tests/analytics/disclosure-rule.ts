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
