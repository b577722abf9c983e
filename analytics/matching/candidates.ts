import { linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import type { Clk } from './clk.ts';
import type { Decisions } from './resolve.ts';
import { LinkTable } from './table.ts';
import { withTrainedModel } from './training.ts';

/**
 * One person record as linkage sees it: its pseudonymous exact keys, its encoding and blocking tokens. `id` is
 * the caller's stable record id (decisions in the review queue are remembered by it).
 */
export interface LinkRecord {
  id: string;
  partner: string;
  /** The partner's own person id, as its keyed hash. */
  local: string | null;
  nhs: string | null;
  upn: string | null;
  nameDob: string | null;
  clk: Clk | null;
  blocks: readonly string[];
}

/** A pair of records (a < b as record indexes) and its score. */
export interface Pair { a: number; b: number; score: number }

/** A score for two records; null where there is too little to say. The harness's plaintext baseline is one. */
export type Compare = (x: LinkRecord, y: LinkRecord, config: LinkageConfig) => number | null;

export interface CandidateStats { units: number; compared: number; blocksSkipped: number; allPairs: boolean }

/**
 * Candidate pairs of units scoring at least the review threshold, as columns (`a` ≤ `b`; `a` = `b` where the
 * records of one unit are a candidate among themselves). Units are compared within blocks (units sharing any
 * blocking token; each pair once, under the first token both share, so no set of seen pairs outgrows memory), or
 * all pairs when there are few. Rules (conflicting identifiers, one partner's two person ids) are resolution's.
 */
export interface Candidates {
  table: LinkTable; a: Int32Array; b: Int32Array; score: Float64Array;
  /** 1 where the twin guard holds the pair from linking without review (model.ts). */
  held: Uint8Array;
  count: number; stats: CandidateStats;
}

/**
 * `scoreOf`, if given, scores pairs in place of the table's model (the harness's plaintext baseline); otherwise the
 * table's model, which it must have been given (training.ts `withTrainedModel`): finding candidates never trains.
 */
export function unitCandidates(table: LinkTable, config: LinkageConfig = table.config, scoreOf?: (u: number, v: number) => number | null): Candidates {
  const out = new PairColumns();
  if (!scoreOf && !table.model) throw new Error('unitCandidates needs a trained model on the table (withTrainedModel) or a score');
  const compare = scoreOf ?? ((u: number, v: number) => table.scoreAtLeast(u, v, config.thresholds.review));
  const held = (u: number, v: number) => !scoreOf && table.held(u, v);
  // Units with no encoding are compared only by a given score.
  const comparable: number[] = [];
  for (let u = 0; u < table.units; u++) if (scoreOf || table.encoded[u]) comparable.push(u);
  const stats: CandidateStats = { units: table.units, compared: 0, blocksSkipped: 0, allPairs: comparable.length <= config.blocking.allPairsUpTo };
  const consider = (u: number, v: number) => {
    stats.compared++;
    const s = compare(u, v);
    if (s !== null && s >= config.thresholds.review && !(scoreOf === undefined && table.apart(u, v))) out.push(u, v, s, s >= config.thresholds.autoLink && held(u, v));
  };
  for (const u of comparable) if (table.members[u].length > 1) consider(u, u);
  if (stats.allPairs) {
    for (let i = 0; i < comparable.length; i++) for (let j = i + 1; j < comparable.length; j++) consider(comparable[i], comparable[j]);
    return { table, ...out.columns(), stats };
  }
  const { tokens, start, members, records, skipped } = scoreOf ? table.blockMembers(comparable, config.blocking.maxBlock) : table.encodedBlockMembers(config.blocking.maxBlock, true);
  const limitOf = table.tags.map((tag) => config.blocking.maxBlockOf[tag] ?? Infinity);
  for (const token of tokens) {
    const limit = limitOf[table.tagOfToken[token]] ?? Infinity;
    if (!skipped[token] && limit < config.blocking.maxBlock && (limit === 0 || records[token] > limit)) skipped[token] = 1;
    stats.blocksSkipped += skipped[token];
  }
  // Each unit's tokens that are not skipped (a few of its tokens): a pair's first shared one is looked for among these.
  const { tokenPool: pool, tokenStart, tokenLength } = table, from = new Int32Array(table.units + 1);
  let kept = 0;
  for (let u = 0; u < table.units; u++) {
    from[u] = kept;
    for (let k = tokenStart[u], end = k + tokenLength[u]; k < end; k++) if (!skipped[pool[k]]) kept++;
  }
  from[table.units] = kept;
  const active = new Int32Array(kept);
  for (let u = 0, at = 0; u < table.units; u++) for (let k = tokenStart[u], end = k + tokenLength[u]; k < end; k++) if (!skipped[pool[k]]) active[at++] = pool[k];
  for (const token of tokens) {
    if (skipped[token]) continue;
    for (let i = start[token], end = start[token + 1]; i < end; i++) {
      for (let j = i + 1; j < end; j++) {
        if (firstOf(active, from, members[i], members[j]) === token) consider(members[i], members[j]);
      }
    }
  }
  return { table, ...out.columns(), stats };
}

/** The first token units u and v both hold in `tokens` (`from[u]` to `from[u + 1]`, sorted), -1 for none. */
function firstOf(tokens: Int32Array, from: Int32Array, u: number, v: number): number {
  for (let i = from[u], j = from[v], iEnd = from[u + 1], jEnd = from[v + 1]; i < iEnd && j < jEnd;) {
    const a = tokens[i], b = tokens[j];
    if (a === b) return a;
    if (a < b) i++; else j++;
  }
  return -1;
}

/** The first blocking token (sorted interned ids) two units share that is not skipped, -1 for none: a pair is compared under it only. */
export function firstShared(a: Int32Array, b: Int32Array, skipped: Uint8Array): number {
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j] && !skipped[a[i]]) return a[i];
    if (a[i] < b[j]) i++; else if (a[i] > b[j]) j++; else { i++; j++; }
  }
  return -1;
}

/** A table of records given as objects (tests, the evaluation harness). Records with no encoding are compared by `compare` if given. */
export function tableOf(records: readonly LinkRecord[], config: LinkageConfig = linkageConfig): LinkTable {
  const table = new LinkTable(config);
  for (const r of records) table.add(r, r.clk);
  return table;
}

/**
 * Candidates among records given as objects: `compare`, if given, scores them in place of their encodings; otherwise
 * the model is trained on them first, with `decisions`.
 */
export function candidatePairs(records: readonly LinkRecord[], config: LinkageConfig = linkageConfig, compare?: Compare, decisions?: Decisions): Candidates {
  const table = tableOf(records, config);
  return compare
    ? unitCandidates(table, config, (u, v) => (u === v ? null : compare(records[table.members[u][0]], records[table.members[v][0]], config)))
    : unitCandidates(withTrainedModel(table, decisions, config), config);
}

/** Growing columns of unit pairs and scores. */
export class PairColumns {
  private a = new Int32Array(1024);
  private b = new Int32Array(1024);
  private s = new Float64Array(1024);
  private h = new Uint8Array(1024);
  private n = 0;
  push(a: number, b: number, score: number, held: boolean) {
    if (this.n === this.a.length) {
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(x: T): T => { const y = new (x.constructor as new (n: number) => T)(x.length * 2); y.set(x); return y; };
      this.a = grow(this.a); this.b = grow(this.b); this.s = grow(this.s); this.h = grow(this.h);
    }
    this.a[this.n] = a; this.b[this.n] = b; this.s[this.n] = score; this.h[this.n] = Number(held); this.n++;
  }
  columns() { return { a: this.a.subarray(0, this.n), b: this.b.subarray(0, this.n), score: this.s.subarray(0, this.n), held: this.h.subarray(0, this.n), count: this.n }; }
}
