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
  // New person → earlier person → how many of its records were with them.
  const sources = new Map<string, Map<string, number>>();
  const targets = new Map<string, Map<string, number>>();
  let records_new = 0;
  for (let i = 0; i < ids.length; i++) {
    const old = before.get(ids[i]);
    if (old === undefined) { records_new++; continue; }
    const counts = sources.get(personIds[i]) ?? sources.set(personIds[i], new Map()).get(personIds[i])!;
    counts.set(old, (counts.get(old) ?? 0) + 1);
    const went = targets.get(old) ?? targets.set(old, new Map()).get(old)!;
    went.set(personIds[i], (went.get(personIds[i]) ?? 0) + 1);
  }
  const most = (counts: Map<string, number>) => [...counts].sort(([p, x], [q, y]) => y - x || (p < q ? -1 : 1))[0][0];
  const cameFrom = new Map<string, string>(), wentTo = new Map<string, string>();
  let people_merged = 0, people_split = 0;
  for (const [person, counts] of sources) { cameFrom.set(person, most(counts)); people_merged += counts.size - 1; }
  for (const [person, counts] of targets) { wentTo.set(person, most(counts)); people_split += counts.size - 1; }
  let records_moved = 0;
  for (let i = 0; i < ids.length; i++) {
    const old = before.get(ids[i]);
    if (old !== undefined && (cameFrom.get(personIds[i]) !== old || wentTo.get(old) !== personIds[i])) records_moved++;
  }
  const now = new Set(ids);
  let records_gone = 0;
  for (const id of before.keys()) if (!now.has(id)) records_gone++;
  return { records_moved, people_merged, people_split, records_new, records_gone };
}
