import { createHash } from 'node:crypto';
import { tableOf } from '../../analytics/matching/candidates.ts';
import { withTrainedModel } from '../../analytics/matching/training.ts';
import { LinkageEncoder } from '../../analytics/matching/encoding.ts';
import { clkFields, linkageConfig } from '../../schemas/linkage.ts';
import { encodeRecords } from './linkage-eval.ts';
import { populationRecords } from './population-eval.ts';
import { printModel } from './linkage-model.ts';
/**
 * The trained model against the truth on the population benchmark: per comparison and level, EM's m beside the
 * level's share among the pairs of one person's records (identical encodings included, as EM counts them), then the
 * commonest level patterns of true pairs with their median and lowest score. `--population N` (default 20000).
 */
const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const pop = populationRecords(1, arg('population', 20000));
const links = encodeRecords(pop.records, new LinkageEncoder('v1', createHash('sha256').update('bench key 1').digest()));
const t = withTrainedModel(tableOf(links));
printModel(t.model!.model);
const byTruth = new Map<string, number[]>();
pop.records.forEach((r, i) => (byTruth.get(r.truth) ?? byTruth.set(r.truth, []).get(r.truth)!).push(i));
const lv = new Int8Array(5);
const counts = clkFields.map((c) => new Map<number, number>());
const pat = new Map<string, { n: number; s: number[] }>();
let pairs = 0;
for (const rs of byTruth.values()) for (let i = 0; i < rs.length; i++) for (let j = i + 1; j < rs.length; j++) {
  const u = t.unit[rs[i]], v = t.unit[rs[j]];
  if (!t.levels(u, v, lv)) continue;
  pairs++;
  lv.forEach((l, c) => counts[c].set(l, (counts[c].get(l) ?? 0) + 1));
  const e = t.explain(u, v)!; const k = e.comparisons.map((q) => `${q.comparison[0]}:${q.level}`).join(' ');
  const p = pat.get(k) ?? pat.set(k, { n: 0, s: [] }).get(k)!; p.n++; p.s.push(t.score(u, v)!);
}
const names = t.model!.model.comparisons;
console.log('true m (the share of each level among true pairs, missing left out) and EM\'s:');
clkFields.forEach((c, ci) => {
  const tot = [...counts[ci]].filter(([l]) => l >= 0).reduce((a, [, n]) => a + n, 0);
  console.log(c, names[c].levels.map((l, li) => `${l} ${((counts[ci].get(li) ?? 0) / tot).toFixed(4)} (em ${names[c].m[li].toFixed(4)})`).join(', '));
});
for (const [k, p] of [...pat].sort((a, b) => b[1].n - a[1].n).slice(0, 30)) { p.s.sort((a, b) => a - b); console.log(String(p.n).padStart(6), k, 'median', p.s[p.s.length >> 1].toFixed(4), 'min', p.s[0].toFixed(4)); }
