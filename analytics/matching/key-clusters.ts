import { personIdOf } from './resolve.ts';
import { UnionFind } from './union-find.ts';

/**
 * Records of one person by their keys: records are linked when any of their person keys agree (connected components
 * over the keys, on linkage's one union-find). A cluster's person_id is derived from its smallest key as
 * resolution's is from its smallest record id (personIdOf), so it is stable while the cluster keeps that key, and
 * is itself a one-way value.
 */
export class KeyClusters {
  private readonly index = new Map<string, number>();
  private readonly sets = new UnionFind();
  /** Per set root: its smallest key. */
  private readonly smallest: string[] = [];

  private indexOf(key: string): number {
    let i = this.index.get(key);
    if (i === undefined) { i = this.sets.add(); this.index.set(key, i); this.smallest[i] = key; }
    return i;
  }

  /** Links all the keys of one record. */
  add(keys: string[]): void {
    const first = this.indexOf(keys[0]);
    for (const key of keys.slice(1)) {
      const joined = this.sets.union(first, this.indexOf(key));
      if (joined && this.smallest[joined.absorbed] < this.smallest[joined.root]) this.smallest[joined.root] = this.smallest[joined.absorbed];
    }
  }

  /** The smallest key of the cluster holding `key`. */
  rootKey(key: string): string {
    return this.smallest[this.sets.find(this.indexOf(key))];
  }

  personId(key: string): string {
    return personIdOf(this.rootKey(key));
  }
}
