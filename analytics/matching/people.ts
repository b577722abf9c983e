import type { Engine } from '../ir.ts';
import { linkSources } from './link-rows.ts';
import type { PeopleIndex } from './people-index.ts';
import type { Decisions } from './resolve.ts';

/**
 * How records become people. `fuzzy` (the default): fuzzy linkage over every person record (analytics/matching: exact
 * identifiers, then the Bloom-filter encodings, with the analysts' review decisions), so spelling variants,
 * nicknames and typos link while two person ids of one partner never do. `people` are the stored result of a
 * linking run; without them the store is linked here, if it holds at most `productsUpTo` person records. `note`
 * says what the caller knows of them (linked before the latest data, say). `exact`: none found (no run has linked the store). The products read people from the views' person columns; this
 * is what the review queue and the linking run's callers hold.
 */
export type Linkage = { kind: 'fuzzy'; people?: PeopleIndex; decisions?: Decisions; note?: string } | { kind: 'exact' };

/** Rows of the datasets whose persons fuzzy linkage reads: a bound on its records that reads no encoding. */
export async function linkRecordCount(engine: Engine): Promise<number> {
  let records = 0;
  for (const source of linkSources()) records += Number((await engine.count({ from: source.dataset, groupBy: {} }, {}))[0].count);
  return records;
}
