import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { candidatePairs, type Candidates, type Compare, type LinkRecord } from '../../analytics/matching/candidates.ts';
import { decodeClk } from '../../analytics/matching/clk.ts';
import { resolvePeople } from '../../analytics/matching/resolve.ts';
import { blockingValues, identityOf, type LinkageEncoder } from '../../analytics/matching/encoding.ts';
import { storedTokens } from '../../analytics/matching/link-rows.ts';
import { normaliseName } from '../../functions/ingest/pseudonymise.ts';
import { childLinkageBenchmark, type BenchmarkRecord } from '../../sample-data/generator/linkage-benchmark.ts';
import { clkFields, LinkageConfig, linkageConfig, nicknames } from '../../schemas/linkage.ts';
import type { LinkTable } from '../../analytics/matching/table.ts';

/**
 * The linkage evaluation, shared by `npm run bench:linkage` and the CI floor test: benchmark records in the clear
 * (with their truth), encoded as ingest would, linked, and scored pair by pair against the truth. The plaintext
 * baseline (Jaro-Winkler on the clear values) lives only here.
 */
/** A benchmark record in the clear: held by `side` (an agency, or a FEBRL file), who it is in `truth`. */
export type ClearRecord = Omit<BenchmarkRecord, 'agency' | 'child'> & { side: string; truth: string };

/** FEBRL 4: 5,000 originals (4a) and one duplicate of each (4b); rec-N-org ↔ rec-N-dup-0. Names, DOB, postcode only. */
export function febrlRecords(dir: string): ClearRecord[] {
  const read = (file: string, side: string) => {
    const [header, ...lines] = readFileSync(join(dir, file), 'utf8').split(/\r?\n/).filter((l) => l.trim());
    const cols = header.split(',').map((c) => c.trim());
    const at = (name: string) => cols.indexOf(name);
    return lines.map((line): ClearRecord => {
      const cells = line.split(',').map((c) => c.trim());
      const id = cells[at('rec_id')];
      const dob = cells[at('date_of_birth')];
      const blank = (v: string) => (v ? v : null);
      return {
        id, side, local: id, nhs: null, upn: null, sex: null,
        forename: blank(cells[at('given_name')]), surname: blank(cells[at('surname')]),
        dob: /^\d{8}$/.test(dob) ? `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6)}` : null,
        postcode: blank(cells[at('postcode')]),
        truth: /^rec-(\d+)-/.exec(id)![1],
      };
    });
  };
  return [...read('dataset4a.csv', 'a'), ...read('dataset4b.csv', 'b')];
}

export function childRecords(seed: number, children: number): ClearRecord[] {
  return childLinkageBenchmark({ seed, children }).map(({ agency, child, ...r }) => ({ ...r, side: agency, truth: child }));
}

/** As ingest stores them: exact keys (here the clear values: they are compared for equality only), CLK, blocks. */
export function encodeRecords(records: readonly ClearRecord[], encoder: LinkageEncoder): LinkRecord[] {
  return records.map((r) => {
    const { clk, blocks, edits } = encoder.encode(identityOf(r));
    return { id: r.id, partner: r.side, local: r.local, nhs: r.nhs, upn: r.upn, nameDob: null, clk: decodeClk(clk), blocks: [...storedTokens(blocks), ...storedTokens(edits)] };
  });
}

// ---- The plaintext baseline ----

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a ? 1 : 0;
  if (!a || !b) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const am = new Array<boolean>(a.length).fill(false), bm = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - range); j < Math.min(b.length, i + range + 1); j++) {
      if (!bm[j] && a[i] === b[j]) { am[i] = bm[j] = true; matches++; break; }
    }
  }
  if (!matches) return 0;
  let t = 0, k = 0;
  for (let i = 0; i < a.length; i++) if (am[i]) { while (!bm[k]) k++; if (a[i] !== b[k]) t++; k++; }
  const jaro = (matches / a.length + matches / b.length + (matches - t / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

const canon = (name: string | null) => (name ? normaliseName(name).split(' ').map((w) => nicknames[w] ?? w).join(' ') : '');

/**
 * The baseline's score: a straight ramp of log-odds over each field's Jaro-Winkler similarity of the clear values
 * (names the better of straight or swapped), `agree` at 1 and `disagree` at `floor` and below, where unrelated clear
 * values fall (unrelated dates of birth give about 0.75: they share the century). A plaintext reference, not the model.
 */
const RAMPS = [
  { agree: 7, disagree: -4, floor: 0.7 }, { agree: 8.5, disagree: -4, floor: 0.8 }, { agree: 4, disagree: -2, floor: 0.7 }, { agree: 0.5, disagree: -3, floor: 0.5 },
];
function rampScore(similarity: (number | null)[]): number {
  let logOdds = 0;
  similarity.forEach((v, i) => {
    if (v === null) return;
    const { agree, disagree, floor } = RAMPS[i];
    logOdds += disagree + (agree - disagree) * Math.max(0, (v - floor) / (1 - floor));
  });
  return 1 / (1 + Math.exp(-logOdds));
}

export function clearCompare(records: readonly ClearRecord[]): { links: LinkRecord[]; compare: Compare } {
  const prepared = records.map((r) => ({ f: canon(r.forename), s: canon(r.surname), dob: r.dob?.replace(/-/g, '') ?? '', pc: r.postcode?.toUpperCase().replace(/\s+/g, '') ?? '', sex: r.sex ?? '' }));
  const index = new Map(records.map((r, i) => [r.id, i]));
  const links = records.map((r): LinkRecord => ({ id: r.id, partner: r.side, local: r.local, nhs: r.nhs, upn: r.upn, nameDob: null, clk: null, blocks: blockingValues(r) }));
  const compare: Compare = (x, y) => {
    const a = prepared[index.get(x.id)!], b = prepared[index.get(y.id)!];
    if (!(a.f || a.s) || !(b.f || b.s) || (!(a.dob && b.dob) && !(a.pc && b.pc))) return null;
    const pairScore = (p: string, q: string, r: string, s: string) => {
      const parts = [p && r ? jaroWinkler(p, r) : null, q && s ? jaroWinkler(q, s) : null].filter((v): v is number => v !== null);
      return parts.length ? parts.reduce((m, v) => m + v, 0) / parts.length : 0;
    };
    return rampScore([
      Math.max(pairScore(a.f, a.s, b.f, b.s), pairScore(a.f, a.s, b.s, b.f)),
      a.dob && b.dob ? jaroWinkler(a.dob, b.dob) : null,
      a.pc && b.pc ? jaroWinkler(a.pc, b.pc) : null,
      a.sex && b.sex ? Number(a.sex === b.sex) : null,
    ]);
  };
  return { links, compare };
}

// ---- Scoring against the truth ----

export interface Quality { threshold: number; precision: number; recall: number; f1: number; tp: number; fp: number; fn: number }

/** Pairs of records held by different partners: linked by us (same person_id) against the truth (same person). */
export function quality(records: readonly ClearRecord[], personOf: ReadonlyMap<string, string>, threshold: number): Quality {
  const count = (group: (r: ClearRecord) => string, also?: (a: ClearRecord, b: ClearRecord) => boolean) => {
    const groups = new Map<string, ClearRecord[]>();
    for (const r of records) { const g = group(r); (groups.get(g) ?? groups.set(g, []).get(g)!).push(r); }
    let n = 0;
    for (const members of groups.values()) {
      for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) {
        if (members[i].side !== members[j].side && (!also || also(members[i], members[j]))) n++;
      }
    }
    return n;
  };
  const predicted = count((r) => personOf.get(r.id)!);
  const tp = count((r) => personOf.get(r.id)!, (a, b) => a.truth === b.truth);
  const truth = count((r) => r.truth);
  const precision = predicted ? tp / predicted : 1, recall = truth ? tp / truth : 1;
  return { threshold, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, tp, fp: predicted - tp, fn: truth - tp };
}

/** Candidates once at the lowest threshold, then a resolution per auto-link threshold. */
export function sweep(
  records: readonly ClearRecord[], links: LinkRecord[], thresholds: number[], compare?: Compare, settings: LinkageConfig = linkageConfig,
): { rows: Quality[]; candidates: Candidates } {
  const low = Math.min(...thresholds);
  const base = LinkageConfig.parse({ ...settings, thresholds: { autoLink: low, review: low } });
  const candidates = candidatePairs(links, base, compare);
  const rows = thresholds.map((t) => {
    const config = LinkageConfig.parse({ ...settings, thresholds: { autoLink: t, review: low } });
    return quality(records, resolvePeople(links, new Map(), config, candidates).personOf, t);
  });
  return { rows, candidates };
}

/**
 * The true pairs (two records of one person, of distinct encodings) that a guard holds for review or keeps apart
 * (schemas/linkage.ts guards), by guard: what the guards cost in recall on this data.
 */
export function guardedTruePairs(records: readonly ClearRecord[], table: LinkTable): { pairs: number; held: number; byGuard: Record<string, number> } {
  const model = table.model!;
  const byTruth = new Map<string, number[]>();
  records.forEach((r, i) => (byTruth.get(r.truth) ?? byTruth.set(r.truth, []).get(r.truth)!).push(i));
  const levels = new Int8Array(clkFields.length);
  const byGuard: Record<string, number> = {};
  let pairs = 0, held = 0;
  for (const members of byTruth.values()) {
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) {
      const u = table.unit[members[i]], v = table.unit[members[j]];
      pairs++;
      if (u === v || !table.levels(u, v, levels)) continue;
      const guard = model.apartGuard(levels) ?? model.guardOf(levels);
      if (guard) { held++; byGuard[guard] = (byGuard[guard] ?? 0) + 1; }
    }
  }
  return { pairs, held, byGuard };
}
