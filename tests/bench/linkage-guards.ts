/**
 * `VRN_FEBRL_DIR=… npx tsx tests/bench/linkage-guards.ts`: what the guards that look at the forename see, on FEBRL 4's
 * true pairs and on the population benchmark's twins: per pair held, the forename's level, its Dice, whether the two
 * forenames share a one-edit token, the clear edit distance (bench only), and the smaller record count of the two
 * forenames' rarest one-edit block (how common the names are). `--population N` (default 20000).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { candidatePairs } from '../../analytics/matching/candidates.ts';
import { LinkageEncoder } from '../../analytics/matching/encoding.ts';
import { tagOf } from '../../analytics/matching/training.ts';
import { relation } from '../../sample-data/generator/population-benchmark.ts';
import { clkFields, linkageConfig } from '../../schemas/linkage.ts';
import { encodeRecords, febrlRecords, type ClearRecord } from './linkage-eval.ts';
import { populationRecords } from './population-eval.ts';

const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const encoder = new LinkageEncoder('v1', createHash('sha256').update('bench key 1').digest());

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]; d[0] = i;
    for (let j = 1; j <= b.length; j++) { const t = d[j]; d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1)); prev = t; }
  }
  return d[b.length];
}

function analyse(label: string, records: ClearRecord[], pairsOf: (records: ClearRecord[]) => [number, number, string][]) {
  const links = encodeRecords(records, encoder);
  const { table } = candidatePairs(links, linkageConfig);
  const model = table.model!;
  const sizes = table.blockRecords();
  // A unit's rarest fe block: about how many records carry its forename.
  const rarest = (u: number) => { let n = Infinity; for (const t of table.blocks[u]) if (tagOf(table.tokenText(t)) === 'fe') n = Math.min(n, sizes[t]); return n; };
  const lv = new Int8Array(clkFields.length), dice: (number | null)[] = clkFields.map(() => null);
  const rows = new Map<string, number>();
  const tally = (k: string) => rows.set(k, (rows.get(k) ?? 0) + 1);
  const dices: Record<string, number[]> = {};
  for (const [i, j, kind] of pairsOf(records)) {
    const u = table.unit[i], v = table.unit[j];
    if (u === v || !table.levels(u, v, lv)) continue;
    const guard = model.apartGuard(lv) ?? model.guardOf(lv);
    if (!guard) continue;
    table.fieldDice(u, v, dice);
    const f = model.model.comparisons.forename.levels[lv[0]] ?? 'missing';
    const a = records[i].forename?.toUpperCase() ?? '', b = records[j].forename?.toUpperCase() ?? '';
    const ed = a && b ? Math.min(levenshtein(a, b), 3) : '-';
    const common = Math.min(rarest(u), rarest(v));
    const bucket = common === Infinity ? '-' : common <= 2 ? '1-2' : common <= 5 ? '3-5' : common <= 20 ? '6-20' : '21+';
    tally(`${kind.padEnd(8)} ${guard.padEnd(14)} f:${f.padEnd(9)} edits ${ed}${ed === 3 ? '+' : ''} rarer name's fe block ${bucket}`);
    if (dice[0] !== null) (dices[`${kind} ${guard} f:${f}`] ??= []).push(dice[0]);
  }
  console.log(`\n${label}: held pairs by kind, guard, forename level, clear edit distance, commonness`);
  for (const [k, n] of [...rows].sort((x, y) => y[1] - x[1]).slice(0, 40)) console.log(String(n).padStart(6), k);
  console.log('forename Dice of held pairs (min p10 p50 p90 max):');
  for (const [k, d] of Object.entries(dices).sort()) {
    d.sort((x, y) => x - y);
    const q = (p: number) => d[Math.min(d.length - 1, Math.floor(p * d.length))].toFixed(2);
    console.log(`  ${k.padEnd(40)} n ${String(d.length).padStart(5)}  ${q(0)} ${q(0.1)} ${q(0.5)} ${q(0.9)} ${q(1)}`);
  }
}

const truthPairs = (kindOf: (a: ClearRecord, b: ClearRecord) => string | null) => (records: ClearRecord[]) => {
  const byTruth = new Map<string, number[]>();
  records.forEach((r, i) => (byTruth.get(r.truth) ?? byTruth.set(r.truth, []).get(r.truth)!).push(i));
  const out: [number, number, string][] = [];
  for (const m of byTruth.values()) for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) out.push([m[i], m[j], 'same']);
  return out.filter(([i, j]) => kindOf(records[i], records[j]) !== null);
};
const dir = process.env.VRN_FEBRL_DIR;
if (dir && existsSync(join(dir, 'dataset4a.csv'))) analyse('FEBRL 4 true pairs', febrlRecords(dir), truthPairs(() => 'same'));
const population = populationRecords(1, arg('population', 20_000));
analyse('population: twins and one person', population.records, (records) => {
  // Twins: every pair of records of two people of one birth; one person: every pair of one person's records.
  const byBirth = new Map<string, number[]>();
  records.forEach((r, i) => { const p = population.people.get(r.truth)!; (byBirth.get(`${p.family}/${p.birth}`) ?? byBirth.set(`${p.family}/${p.birth}`, []).get(`${p.family}/${p.birth}`)!).push(i); });
  const out: [number, number, string][] = [];
  for (const m of byBirth.values()) for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) {
    const a = population.people.get(records[m[i]].truth)!, b = population.people.get(records[m[j]].truth)!;
    out.push([m[i], m[j], a.id === b.id ? 'same' : relation(a, b)]);
  }
  return out;
});
