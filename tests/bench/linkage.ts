/**
 * `npm run bench:linkage`: precision, recall and F1 per auto-link threshold, bit fill and time, for the keyed CLK
 * and for a plaintext Jaro-Winkler baseline, on FEBRL 4 (from the folder VRN_FEBRL_DIR names; skipped without it) and on
 * the seeded three-agency child benchmark; then the population benchmark (the model's auto-link and review queue on
 * a city-and-county population, false merges by kind, generation, encoding and linking times). `--children N`
 * (default 3000), `--population N` (default 100000; 0 skips it), `--runs N` (links the population N times: min and
 * median), `--seed N` (default 1), `--key N` (which fixed secret key encodes: default 1), `--no-baseline` to time the
 * encodings alone at larger sizes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fillRatio } from '../../analytics/matching/clk.ts';
import { LinkageEncoder } from '../../analytics/matching/encoding.ts';
import { clkFields, LinkageConfig, linkageConfig } from '../../schemas/linkage.ts';
import { printModel } from './linkage-model.ts';
import { candidatePairs } from '../../analytics/matching/candidates.ts';
import { resolvePeople } from '../../analytics/matching/resolve.ts';
import { childRecords, clearCompare, encodeRecords, febrlRecords, guardedTruePairs, quality, sweep, type ClearRecord, type Quality } from './linkage-eval.ts';
import { COHORT, linkPopulation, populationRecords, relatedPairs, reviewWithTruth, type PopulationQuality } from './population-eval.ts';

const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const febrlDir = process.env.VRN_FEBRL_DIR;
const CLK_THRESHOLDS = [0.3, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999];
const JW_THRESHOLDS = [0.5, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999];

const fmt = (rows: Quality[]) => rows.map((r) => ({ threshold: r.threshold, precision: +r.precision.toFixed(4), recall: +r.recall.toFixed(4), f1: +r.f1.toFixed(4), tp: r.tp, fp: r.fp, fn: r.fn }));
const best = (rows: Quality[]) => rows.reduce((b, r) => (r.f1 > b.f1 ? r : b));

const benchEncoder = () => new LinkageEncoder('v1', createHash('sha256').update(`bench key ${arg('key', 1)}`).digest());

function run(label: string, records: ClearRecord[]) {
  const encoder = benchEncoder();
  let t = performance.now();
  const links = encodeRecords(records, encoder);
  const encodeMs = performance.now() - t;
  const fills = links.filter((l) => l.clk).map((l) => fillRatio(l.clk!));
  t = performance.now();
  const clk = sweep(records, links, CLK_THRESHOLDS);
  const matchMs = (performance.now() - t) / CLK_THRESHOLDS.length;
  const clear = clearCompare(records);
  t = performance.now();
  const baseline = process.argv.includes('--no-baseline') ? { rows: [] } : sweep(records, clear.links, JW_THRESHOLDS, clear.compare);
  const baselineMs = (performance.now() - t) / JW_THRESHOLDS.length;
  const auto = clk.rows.find((r) => r.threshold === linkageConfig.thresholds.autoLink)!;
  const [low, high] = fills.reduce(([lo, hi], f) => [Math.min(lo, f), Math.max(hi, f)], [1, 0]);
  // Each segment's mean fill over the records that have the field.
  const segmentFill = clkFields.map((f, i) => {
    const set = links.filter((l) => l.clk?.counts[i]).map((l) => l.clk!.counts[i] / linkageConfig.clk[f].bits);
    return `${f} ${set.length ? (set.reduce((a, b) => a + b, 0) / set.length).toFixed(3) : '-'}`;
  }).join(', ');
  console.log(`\n${label}: ${records.length} records; fill ${(fills.reduce((a, b) => a + b, 0) / fills.length).toFixed(3)} (min ${low.toFixed(3)}, max ${high.toFixed(3)}; ${segmentFill}); `
    + `encode ${encodeMs.toFixed(0)} ms (${((encodeMs * 1000) / records.length).toFixed(1)} µs a record); candidates compared ${clk.candidates.stats.compared}; link ${matchMs.toFixed(0)} ms per threshold; baseline ${baselineMs.toFixed(0)} ms`);
  if (clk.candidates.table.model) printModel(clk.candidates.table.model.model);
  console.log('keyed CLK (Dice)');
  console.table(fmt(clk.rows));
  if (baseline.rows.length) {
    console.log('plaintext baseline (Jaro-Winkler)');
    console.table(fmt(baseline.rows));
  }
  // What the guards cost here: the true pairs each holds for review or keeps apart, and the same sweep without them.
  const guarded = guardedTruePairs(records, clk.candidates.table);
  console.log(`true pairs the guards hold for review or keep apart: ${guarded.held} of ${guarded.pairs} (${((100 * guarded.held) / guarded.pairs).toFixed(1)}%):`,
    Object.entries(guarded.byGuard).sort((a, b) => b[1] - a[1]).map(([g, n]) => `${g} ${n}`).join(', '));
  const unguarded = sweep(records, links, CLK_THRESHOLDS, undefined, LinkageConfig.parse({ ...linkageConfig, guards: [] })).rows.find((r) => r.threshold === linkageConfig.thresholds.autoLink)!;
  console.log(`without the guards, at ${unguarded.threshold}: precision ${unguarded.precision.toFixed(4)}, recall ${unguarded.recall.toFixed(4)}, F1 ${unguarded.f1.toFixed(4)}`);
  // As deployed (its own review threshold), then a reviewer who knows the truth works the review queue.
  const deployed = candidatePairs(links, linkageConfig);
  const first = resolvePeople(links, new Map(), linkageConfig, deployed);
  const truthOf = new Map(records.map((r) => [r.id, r.truth]));
  const reviewed = reviewWithTruth(links, linkageConfig, deployed, first, (id) => truthOf.get(id));
  const withQueue = quality(records, reviewed.resolution.personOf, linkageConfig.thresholds.autoLink);
  console.log(`review queue: ${first.review.length} pairs (${((100 * first.review.length) / records.length).toFixed(2)}% of records); with it worked by a reviewer who knows the truth `
    + `(${reviewed.accepted} accepted of ${reviewed.reviewed}, ${reviewed.rounds} rounds): precision ${withQueue.precision.toFixed(4)}, recall ${withQueue.recall.toFixed(4)}, F1 ${withQueue.f1.toFixed(4)}`);
  const summary = { label, autoLink: fmt([auto])[0], withQueue: { ...fmt([withQueue])[0], queue: first.review.length }, unguarded: fmt([unguarded])[0], bestClk: fmt([best(clk.rows)])[0], bestBaseline: baseline.rows.length ? fmt([best(baseline.rows)])[0] : null };
  console.log(`at the auto-link threshold ${auto.threshold}: precision ${auto.precision.toFixed(4)}, recall ${auto.recall.toFixed(4)}, F1 ${auto.f1.toFixed(4)}; baseline's best F1 ${summary.bestBaseline?.f1 ?? '(not run)'}`);
  return summary;
}

const summaries = [];
if (febrlDir && existsSync(join(febrlDir, 'dataset4a.csv'))) summaries.push(run('FEBRL 4 (given name, surname, DOB, postcode)', febrlRecords(febrlDir)));
else console.log(`FEBRL 4 not found (set VRN_FEBRL_DIR to a folder holding dataset4a.csv and dataset4b.csv): skipped`);
summaries.push(run(`child benchmark (seed ${arg('seed', 1)}, ${arg('children', 3000)} children, three agencies)`, childRecords(arg('seed', 1), arg('children', 3000))));

function population(size: number) {
  let t = performance.now();
  const people = populationRecords(arg('seed', 1), size);
  const generateMs = performance.now() - t;
  t = performance.now();
  const links = encodeRecords(people.records, benchEncoder());
  const encodeMs = performance.now() - t;
  const runs = Array.from({ length: Math.max(1, arg('runs', 1)) }, () => linkPopulation(people, links));
  const times = runs.map((r) => r.linkMs).sort((a, b) => a - b);
  const { autoLink, withReview, queue, reviewed, accepted, rounds, compared, queueCohort, queueCohortSame } = runs[0];
  const row = (label: string, q: PopulationQuality) => ({
    label, precision: +q.precision.toFixed(4), recall: +q.recall.toFixed(4), f1: +q.f1.toFixed(4), tp: q.tp, fp: q.fp, fn: q.fn, people: q.people,
    ...Object.fromEntries(Object.entries(q.falseMerges).map(([kind, m]) => [`${kind}s merged`, m.people])),
  });
  const [autoRow, reviewRow] = [row('auto-link', autoLink), row('with the review queue', withReview)];
  console.log(`\npopulation benchmark (seed ${arg('seed', 1)}): ${size} people, ${links.length} records; generate ${generateMs.toFixed(0)} ms, `
    + `encode ${encodeMs.toFixed(0)} ms, link ${times[0].toFixed(0)} ms (min of ${times.length}; median ${times[Math.floor(times.length / 2)].toFixed(0)} ms); `
    + `candidates compared ${compared}`);
  console.table([autoRow, reviewRow]);
  console.log(`review queue: ${queue} pairs (${((100 * queue) / links.length).toFixed(2)}% of records); a reviewer who knows the truth saw ${reviewed}, accepted ${accepted} and rejected the rest, in ${rounds} rounds`);
  console.log(`review queue touching the cohort (${people.cohort.size} records of children ${COHORT.ages.join('–')} known to police or ASB): ${queueCohort} pairs (${((100 * queueCohort) / links.length).toFixed(2)}% of records), ${queueCohortSame} of them one person`);
  const related = relatedPairs(people);
  console.log(`pairs of people in the population: ${related.twin} twins, ${related.sibling} siblings, ${related.namesake} namesakes`);
  console.log('false merges (record pairs) by kind at auto-link:', Object.entries(autoLink.falseMerges).map(([k, m]) => `${k} ${m.pairs}`).join(', '));
  return { label: 'population', people: size, records: links.length, related, generateMs, encodeMs, linkMs: times, queue, queueCohort, autoLink: autoRow, withReview: reviewRow };
}

const size = arg('population', 100_000);
const results: object[] = [...summaries];
if (size > 0) results.push(population(size));
console.log(JSON.stringify(results));
