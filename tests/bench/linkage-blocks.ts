import { createHash } from 'node:crypto';
import { tableOf } from '../../analytics/matching/candidates.ts';
import { LinkageEncoder } from '../../analytics/matching/encoding.ts';
import { withTrainedModel } from '../../analytics/matching/training.ts';
import { linkageConfig } from '../../schemas/linkage.ts';
import { encodeRecords } from './linkage-eval.ts';
import { populationRecords } from './population-eval.ts';

/**
 * What each blocking tag costs and finds on the population benchmark: per tag, the unit pairs compared under it (the
 * first token a pair shares), the true pairs among them and those scoring at least the auto-link threshold, and the
 * true pairs no other tag's block finds. `--population N` (default 20000); `--max N` for `maxBlock`;
 * VRN_BLOCK_LIMITS='{"fs":0,…}' in place of `blocking.maxBlockOf`.
 */
const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const population = populationRecords(1, arg('population', 20_000));
const links = encodeRecords(population.records, new LinkageEncoder('v1', createHash('sha256').update('bench key 1').digest()));
const table = withTrainedModel(tableOf(links));
const comparable: number[] = [];
for (let u = 0; u < table.units; u++) if (table.encoded[u]) comparable.push(u);
const { tokens, start, members: blockMembers, records, skipped } = table.blockMembers(comparable, arg('max', linkageConfig.blocking.maxBlock));
const limits: Record<string, number> = process.env.VRN_BLOCK_LIMITS ? JSON.parse(process.env.VRN_BLOCK_LIMITS) : linkageConfig.blocking.maxBlockOf;
for (const token of tokens) {
  const limit = limits[table.tags[table.tagOfToken[token]]];
  if (limit !== undefined && (limit === 0 || records[token] > limit)) skipped[token] = 1;
}
const truth = population.records.map((r) => r.truth);
const stats = new Map<string, { compared: number; truePairs: number; autoLink: number; onlyHere: number; onlyHereAutoLink: number }>();
for (const token of tokens) {
  if (skipped[token]) continue;
  const members = blockMembers.subarray(start[token], start[token + 1]);
  const tag = table.tags[table.tagOfToken[token]];
  const st = stats.get(tag) ?? stats.set(tag, { compared: 0, truePairs: 0, autoLink: 0, onlyHere: 0, onlyHereAutoLink: 0 }).get(tag)!;
  for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) {
    const a = table.blocks[members[i]], b = table.blocks[members[j]];
    let first = -1, shared = 0;
    for (let x = 0, y = 0; x < a.length && y < b.length;) {
      if (a[x] === b[y]) { if (!skipped[a[x]]) { if (first < 0) first = a[x]; shared++; } x++; y++; } else if (a[x] < b[y]) x++; else y++;
    }
    const same = truth[table.members[members[i]][0]] === truth[table.members[members[j]][0]];
    const high = same && (table.score(members[i], members[j]) ?? 0) >= linkageConfig.thresholds.autoLink;
    if (first === token) { st.compared++; if (same) st.truePairs++; if (high) st.autoLink++; }
    if (shared === 1 && same) { st.onlyHere++; if (high) st.onlyHereAutoLink++; }
  }
}
console.table([...stats].map(([tag, s]) => ({ tag, ...s })));
const total = [...stats.values()].reduce((t, s) => ({ compared: t.compared + s.compared, truePairs: t.truePairs + s.truePairs, autoLink: t.autoLink + s.autoLink }), { compared: 0, truePairs: 0, autoLink: 0 });
console.log(`in all: ${total.compared} unit pairs compared, ${total.truePairs} true pairs among them, ${total.autoLink} at or above the auto-link threshold`);
