import type { LinkageConfig } from '../../schemas/linkage.ts';
import { firstShared, PairColumns, type CandidateStats, type Candidates } from './candidates.ts';
import { LinkTable } from './table.ts';
import { tagOf } from './training.ts';

/**
 * Candidate search for records linked on arrival, against the stored records that share a blocking token or a key
 * with them: only pairs that involve a new record (the stored ones among themselves are decided), and blocks sized
 * as the whole store sizes them, so a pair is compared exactly when a full run would compare it.
 */

/** The most records a block of this tag may hold before candidate search skips it (as `unitCandidates` applies it). */
export function blockLimit(tag: string | null, config: LinkageConfig): number {
  const of = tag === null ? undefined : config.blocking.maxBlockOf[tag];
  return of === undefined ? config.blocking.maxBlock : Math.min(of, config.blocking.maxBlock);
}

/**
 * A full run's oversized blocks: blocking token → its records, for each block over its limit (every `fs` and `ss`
 * one, whose limit is 0). Arrival reads no neighbours through them, and takes their sizes (the names' term
 * frequencies among them) from here. Tokens are keyed, so this names no one.
 */
export function oversizedBlocks(table: LinkTable, config: LinkageConfig = table.config): Record<string, number> {
  const sizes = table.blockRecords();
  const out: Record<string, number> = {};
  for (let t = 0; t < sizes.length; t++) {
    if (sizes[t] === 0 || table.tags[table.tagOfToken[t]] === 'fe') continue; // one-edit tokens: levels compare them, blocking never uses them
    if (sizes[t] > blockLimit(tagOf(table.tokenText(t)), config)) out[table.tokenText(t)] = sizes[t];
  }
  return out;
}

/**
 * A link table whose blocks are sized as in the whole store (stored records and new ones), not as in the table:
 * the term frequency of a name comes from the size of its block (table.ts `useModel`), and arrival reads only a
 * few of the records of the common names' blocks.
 */
export class ArrivalTable extends LinkTable {
  storeSizes: Int32Array | null = null;
  override blockRecords(): Int32Array {
    return this.storeSizes ?? super.blockRecords();
  }
}

/**
 * The candidates among a table of stored records and new ones, as `unitCandidates` finds them but only pairs with a
 * unit holding a new record (`fresh`), blocks skipped by their sizes in the store (`sizes`, by interned token).
 * `allPairs` where the store is small enough for a full run to compare every pair.
 */
export function arrivalCandidates(table: LinkTable, config: LinkageConfig, fresh: Uint8Array, sizes: Int32Array, allPairs: boolean): Candidates {
  if (!table.model) throw new Error('arrivalCandidates needs a model on the table (useModel)');
  const out = new PairColumns();
  const comparable: number[] = [];
  for (let u = 0; u < table.units; u++) if (table.encoded[u]) comparable.push(u);
  const stats: CandidateStats = { units: table.units, compared: 0, blocksSkipped: 0, allPairs };
  const consider = (u: number, v: number) => {
    stats.compared++;
    const s = table.scoreAtLeast(u, v, config.thresholds.review);
    if (s !== null && s >= config.thresholds.review && !table.apart(u, v)) out.push(u, v, s, s >= config.thresholds.autoLink && table.held(u, v));
  };
  for (const u of comparable) if (fresh[u] && table.members[u].length > 1) consider(u, u);
  if (allPairs) {
    for (let i = 0; i < comparable.length; i++) {
      for (let j = i + 1; j < comparable.length; j++) if (fresh[comparable[i]] || fresh[comparable[j]]) consider(comparable[i], comparable[j]);
    }
    return { table, ...out.columns(), stats };
  }
  // The blocks of the new units' tokens (any pair with a new unit shares only these), each skipped as the store sizes it.
  const skipped = new Uint8Array(table.tokenCount);
  const blocks = new Map<number, number[]>();
  for (const u of comparable) {
    if (!fresh[u]) continue;
    for (const t of table.blocks[u]) {
      if (blocks.has(t)) continue;
      blocks.set(t, []);
      const tag = table.tags[table.tagOfToken[t]];
      if (tag === 'fe' || sizes[t] > blockLimit(tagOf(table.tokenText(t)), config) || blockLimit(tagOf(table.tokenText(t)), config) === 0) skipped[t] = 1;
      stats.blocksSkipped += skipped[t];
    }
  }
  for (const u of comparable) for (const t of table.blocks[u]) if (!skipped[t]) blocks.get(t)?.push(u);
  for (const [token, members] of blocks) {
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const u = members[i], v = members[j];
        if ((fresh[u] || fresh[v]) && firstShared(table.blocks[u], table.blocks[v], skipped) === token) consider(u, v);
      }
    }
  }
  return { table, ...out.columns(), stats };
}
