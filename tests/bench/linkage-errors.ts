import { createHash } from 'node:crypto';
import { candidatePairs } from '../../analytics/matching/candidates.ts';
import { resolvePeople } from '../../analytics/matching/resolve.ts';
import { LinkageEncoder } from '../../analytics/matching/encoding.ts';
import { relation } from '../../sample-data/generator/population-benchmark.ts';
import { LinkageConfig, linkageConfig } from '../../schemas/linkage.ts';
import { encodeRecords } from './linkage-eval.ts';
import { populationQuality, populationRecords } from './population-eval.ts';

/**
 * Where the population benchmark's linking goes wrong: the level patterns of auto-linked pairs of two people (by how
 * they are related), and of pairs of one person's records left apart. `--population N` (default 20000), `--seed N`.
 */
const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const population = populationRecords(arg('seed', 1), arg('population', 20_000));
const links = encodeRecords(population.records, new LinkageEncoder('v1', createHash('sha256').update('bench key 1').digest()));
// VRN_LINKAGE_GUARDS (JSON) tries other guards.
const config = process.env.VRN_LINKAGE_GUARDS ? LinkageConfig.parse({ ...linkageConfig, guards: JSON.parse(process.env.VRN_LINKAGE_GUARDS) }) : linkageConfig;
const candidates = candidatePairs(links, config);
const heldBy = new Map<string, number>();
for (let k = 0; k < candidates.count; k++) if (candidates.held[k]) { const lv = new Int8Array(5); candidates.table.levels(candidates.a[k], candidates.b[k], lv); const g = candidates.table.model!.guardOf(lv)!; heldBy.set(g, (heldBy.get(g) ?? 0) + 1); }
console.log('held by guard (unit pairs):', Object.fromEntries(heldBy));
const resolution = resolvePeople(links, new Map(), config, candidates);
const t = candidates.table;
const truth = population.records.map((r) => r.truth);
const q = populationQuality(population, resolution.personOf);
console.log(`records ${links.length}; precision ${q.precision.toFixed(4)} recall ${q.recall.toFixed(4)}; queue ${resolution.review.length}`,
  Object.entries(q.falseMerges).map(([k, m]) => `${k} ${m.people}`).join(', '));

const pattern = (u: number, v: number) => {
  const e = t.explain(u, v);
  return e ? e.comparisons.map((c) => `${c.comparison[0]}:${c.level}`).join(' ') : 'not comparable';
};
const tally = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const show = (title: string, m: Map<string, number>, top = 25) => {
  console.log(`\n${title}`);
  for (const [k, n] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(String(n).padStart(7), k);
};

// Auto-linked candidate pairs joining records of two people.
const falseEdges = new Map<string, number>();
for (let k = 0; k < candidates.count; k++) {
  if (candidates.score[k] < config.thresholds.autoLink || candidates.held[k]) continue;
  const x = t.members[candidates.a[k]][0], y = t.members[candidates.b[k]][0];
  const people = new Set([...t.members[candidates.a[k]], ...t.members[candidates.b[k]]].map((r) => truth[r]));
  if (people.size < 2) continue;
  const rel = relation(population.people.get(truth[x])!, population.people.get(truth[y] === truth[x] ? [...people].find((p) => p !== truth[x])! : truth[y])!);
  tally(falseEdges, `${rel.padEnd(8)} ${candidates.a[k] === candidates.b[k] ? 'one unit' : pattern(candidates.a[k], candidates.b[k])}`);
}
show('auto-linked pairs of two people (relation, levels)', falseEdges);

// Merged clusters with no direct false edge: transitive merges, counted by cluster.
const clusterPeople = new Map<number, Set<string>>();
for (let i = 0; i < t.size; i++) (clusterPeople.get(resolution.root[i]) ?? clusterPeople.set(resolution.root[i], new Set()).get(resolution.root[i])!).add(truth[i]);
console.log(`\nclusters holding 2+ people: ${[...clusterPeople.values()].filter((s) => s.size > 1).length}`);

// Missed pairs: one person's records in two clusters.
const byTruth = new Map<string, number[]>();
for (let i = 0; i < t.size; i++) (byTruth.get(truth[i]) ?? byTruth.set(truth[i], []).get(truth[i])!).push(i);
const missed = new Map<string, number>();
const reasons = new Map<string, number>();
const scoreOf = new Map<string, number>();
for (let k = 0; k < candidates.count; k++) scoreOf.set(`${candidates.a[k]},${candidates.b[k]}`, candidates.score[k]);
for (const records of byTruth.values()) {
  const roots = new Map<number, number>();
  for (const r of records) if (!roots.has(resolution.root[r])) roots.set(resolution.root[r], r);
  if (roots.size < 2) continue;
  const reps = [...roots.values()];
  for (let i = 1; i < reps.length; i++) {
    const [u, v] = [t.unit[reps[0]], t.unit[reps[i]]].sort((a, b) => a - b);
    const s = scoreOf.get(`${u},${v}`);
    const full = t.score(u, v);
    const why = s === undefined ? (full === null ? 'not comparable' : full >= config.thresholds.review ? 'not blocked together' : 'below review') : s >= config.thresholds.autoLink ? (candidates.held[0] !== undefined ? 'auto-link but held/refused' : '') : 'in review band';
    tally(reasons, why);
    tally(missed, `${why.padEnd(22)} ${pattern(u, v)}`);
  }
}
show('missed (one person, two clusters): why', reasons);
show('missed: why and levels', missed, 30);

// The review queue: each pair by why it is there (the guard that held it, or the band) and whether it is one person.
const queueKinds = new Map<string, number>();
for (const p of resolution.review) {
  const guard = t.guardOf(t.unit[p.a], t.unit[p.b]) ?? (p.score >= config.thresholds.autoLink ? 'refused' : `band ${p.score >= 0.9 ? '0.9+' : p.score >= 0.6 ? '0.6-0.9' : '0.3-0.6'}`);
  const rel = truth[p.a] === truth[p.b] ? 'same person' : relation(population.people.get(truth[p.a])!, population.people.get(truth[p.b])!);
  tally(queueKinds, `${guard.padEnd(16)} ${rel}`);
}
show('the review queue: why each pair is there, and who they are', queueKinds, 40);
const heldSiblings = new Map<string, number>();
for (const p of resolution.review) {
  if (truth[p.a] === truth[p.b]) continue;
  const guard = t.guardOf(t.unit[p.a], t.unit[p.b]);
  if (guard === 'forename' || guard === 'twins') tally(heldSiblings, `${guard.padEnd(9)} ${relation(population.people.get(truth[p.a])!, population.people.get(truth[p.b])!).padEnd(8)} ${pattern(t.unit[p.a], t.unit[p.b])} ${p.score.toFixed(2)}`.replace(/ 0\.\d+$/, (x) => ` ${Number(x) >= 0.9 ? '0.9+' : Number(x) >= 0.6 ? '0.6-0.9' : '0.3-0.6'}`));
}
show('held pairs of two people: levels', heldSiblings, 25);
const heldSame = new Map<string, number>();
for (const p of resolution.review) {
  if (truth[p.a] !== truth[p.b]) continue;
  const guard = t.guardOf(t.unit[p.a], t.unit[p.b]);
  if (guard) tally(heldSame, `${guard.padEnd(9)} ${pattern(t.unit[p.a], t.unit[p.b])}`);
}
show('held pairs of one person: levels', heldSame, 20);
