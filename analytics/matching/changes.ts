/**
 * How many people a linking run changed, against the links before it. Person ids are named after a cluster's
 * smallest record id, so an id may change while its people do not: changes are counted by who is with whom.
 * - a record *moved* when its new person is not where most of its earlier person's records went, or its earlier
 *   person is not where most of its new person's records came from (ties by person id): a merge moves the
 *   smaller side, a split the part that left;
 * - a person was *merged* when records of two or more earlier people are one person now (each one absorbed counts);
 * - a person was *split* when their earlier records are now with two or more people (each extra one counts).
 * Records new since the earlier links, and records gone, are counted apart.
 */
export interface LinkChanges {
  records_moved: number;
  people_merged: number;
  people_split: number;
  records_new: number;
  records_gone: number;
}

export function linkChanges(before: ReadonlyMap<string, string>, ids: readonly string[], personIds: readonly string[]): LinkChanges {
  const earlier = new EarlierLinks(ids);
  for (const [record, person] of before) earlier.add(record, person);
  return earlier.changes(personIds);
}

/**
 * The links before a run, read into the run's records (`ids`, a record id may be there twice): each record's earlier
 * person as a number, so that the changes are counted over numbers, with no map of every record id's person.
 */
export class EarlierLinks {
  /** Record id → its first record; made only when a link is not where `ids` has it (see add). */
  private index: Map<string, number> | null = null;
  /** The next record with the same id, -1 for none. */
  private readonly same: Int32Array;
  /** Record → the first record with its id. */
  private readonly firstOf: Int32Array | null = null;
  /** Record → its earlier person (an index into `people`), -1 for a new record. */
  private readonly before: Int32Array;
  private readonly people: string[] = [];
  private readonly numberOf = new Map<string, number>();
  private readonly gone = new Set<string>();
  private links = 0;

  /**
   * `rank`, if given, is each record's place in the order of record ids (LinkTable rank): then records with one id
   * are found from it, and no map of the record ids is made while the links come in the order of `ids`, as a full
   * run wrote them for the same records.
   */
  constructor(private readonly ids: readonly string[], rank?: Int32Array) {
    this.same = new Int32Array(ids.length).fill(-1);
    this.before = new Int32Array(ids.length).fill(-1);
    if (!rank) { this.indexIds(); return; }
    const byRank = new Int32Array(ids.length), firstOf = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) byRank[rank[i]] = i;
    for (let r = 0; r < ids.length; r++) {
      const i = byRank[r];
      firstOf[i] = i;
      if (r === 0 || ids[byRank[r - 1]] !== ids[i]) continue;
      // The first of them in the order of ids heads the chain of the others.
      const first = firstOf[byRank[r - 1]];
      firstOf[i] = first; this.same[i] = this.same[first]; this.same[first] = i;
    }
    this.firstOf = firstOf;
  }

  private indexIds() {
    this.index = new Map();
    this.same.fill(-1);
    for (let i = 0; i < this.ids.length; i++) {
      const first = this.index.get(this.ids[i]);
      if (first === undefined) this.index.set(this.ids[i], i); else { this.same[i] = this.same[first]; this.same[first] = i; }
    }
  }

  /** Links read so far. */
  get size(): number { return this.links; }

  /** An earlier link; a record linked twice keeps the smaller person id (as the views' join does). */
  add(record: string, person: string) {
    const row = this.links++;
    let first: number | undefined;
    if (!this.index && row < this.ids.length && this.ids[row] === record) first = this.firstOf![row];
    else {
      if (!this.index) this.indexIds();
      first = this.index!.get(record);
    }
    if (first === undefined) { this.gone.add(record); return; }
    let p = this.numberOf.get(person);
    if (p === undefined) { p = this.people.push(person) - 1; this.numberOf.set(person, p); }
    for (let i = first; i >= 0; i = this.same[i]) if (this.before[i] < 0 || person < this.people[this.before[i]]) this.before[i] = p;
  }

  changes(personIds: readonly string[]): LinkChanges {
    const n = this.ids.length, before = this.before;
    const now = new Int32Array(n), names: string[] = [], numberOf = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      let p = numberOf.get(personIds[i]);
      if (p === undefined) { p = names.push(personIds[i]) - 1; numberOf.set(personIds[i], p); }
      now[i] = p;
    }
    let records_new = 0;
    for (let i = 0; i < n; i++) if (before[i] < 0) records_new++;
    // New person → the earlier person most of its records were with, and earlier person → the new one most went to.
    const [cameFrom, people_merged] = most(now, before, names.length, this.people);
    const [wentTo, people_split] = most(before, now, this.people.length, names);
    let records_moved = 0;
    for (let i = 0; i < n; i++) if (before[i] >= 0 && (cameFrom[now[i]] !== before[i] || wentTo[before[i]] !== now[i])) records_moved++;
    return { records_moved, people_merged, people_split, records_new, records_gone: this.gone.size };
  }
}

/**
 * For each x (of `xs` of them), the y most of its records have (ties to the smaller name of y), and how many more
 * ys than one the xs have in all; records where either is -1 count for neither.
 */
function most(x: Int32Array, y: Int32Array, xs: number, yNames: readonly string[]): [Int32Array, number] {
  const keys: number[] = [];
  const ys = yNames.length;
  for (let i = 0; i < x.length; i++) if (x[i] >= 0 && y[i] >= 0) keys.push(x[i] * ys + y[i]);
  const sorted = Float64Array.from(keys).sort();
  const best = new Int32Array(xs).fill(-1), bestCount = new Int32Array(xs);
  let extra = 0;
  for (let k = 0; k < sorted.length;) {
    let end = k + 1;
    while (end < sorted.length && sorted[end] === sorted[k]) end++;
    const a = Math.floor(sorted[k] / ys), b = sorted[k] - a * ys, count = end - k;
    if (best[a] < 0) best[a] = b;
    else {
      extra++;
      if (count > bestCount[a] || (count === bestCount[a] && yNames[b] < yNames[best[a]])) best[a] = b;
    }
    if (best[a] === b) bestCount[a] = count;
    k = end;
  }
  return [best, extra];
}
