import { describe, expect, it } from 'vitest';
import { EarlierLinks, linkChanges } from '../../analytics/matching/changes.ts';

/** Changes between two runs' links, counted by who is with whom (person ids named after a smallest record may change). */
const links = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('how many people a linking run changed', () => {
  it('counts nothing when only the ids changed', () => {
    expect(linkChanges(links({ a: 'P1', b: 'P1', c: 'P2' }), ['a', 'b', 'c'], ['Q9', 'Q9', 'Q8']))
      .toEqual({ records_moved: 0, people_merged: 0, people_split: 0, records_new: 0, records_gone: 0 });
  });

  it('a merge moves the smaller person\'s records; a split moves the part that left', () => {
    expect(linkChanges(links({ a: 'P1', b: 'P1', c: 'P2' }), ['a', 'b', 'c'], ['X', 'X', 'X']))
      .toEqual({ records_moved: 1, people_merged: 1, people_split: 0, records_new: 0, records_gone: 0 });
    expect(linkChanges(links({ a: 'P1', b: 'P1', c: 'P1' }), ['a', 'b', 'c'], ['X', 'X', 'Y']))
      .toEqual({ records_moved: 1, people_merged: 0, people_split: 1, records_new: 0, records_gone: 0 });
  });

  it('counts records new and gone apart', () => {
    expect(linkChanges(links({ a: 'P1', z: 'P3' }), ['a', 'n'], ['X', 'X']))
      .toEqual({ records_moved: 0, people_merged: 0, people_split: 0, records_new: 1, records_gone: 1 });
  });

  it('finds records by their place while the links come in the order of the ids, by id once they do not', () => {
    const ids = ['b', 'a', 'c', 'a', 'd'], rank = Int32Array.from([2, 0, 3, 1, 4]), now = ['X', 'Y', 'Y', 'Y', 'Z'];
    const before: [string, string][] = [['b', 'P1'], ['a', 'P2'], ['c', 'P2'], ['a', 'P0'], ['d', 'P3'], ['z', 'P4']];
    const inOrder = new EarlierLinks(ids, rank);
    for (const [record, person] of before) inOrder.add(record, person);
    const reordered = new EarlierLinks(ids, rank);
    for (const [record, person] of [before[2], ...before.slice(0, 2), ...before.slice(3)]) reordered.add(record, person);
    const byId = new EarlierLinks(ids);
    for (const [record, person] of before) byId.add(record, person);
    // Both records `a` keep the smaller person (P0), so `c` alone moved when P0 and P2 merged.
    const expected = { records_moved: 1, people_merged: 1, people_split: 0, records_new: 0, records_gone: 1 };
    expect(byId.changes(now)).toEqual(expected);
    expect(inOrder.changes(now)).toEqual(expected);
    expect(reordered.changes(now)).toEqual(expected);
  });
});
