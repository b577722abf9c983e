import { createHash } from 'node:crypto';

/**
 * Person linkage: records of one person are linked when any of their person keys agree (connected components
 * over the keys, by union-find). A cluster's person_id is derived from its smallest key, so it is stable while
 * the cluster keeps that key, and is itself a one-way value.
 */
export class KeyClusters {
  private readonly parent = new Map<string, string>();

  private find(key: string): string {
    let root = key;
    while (this.parent.get(root) !== root) {
      const next = this.parent.get(root);
      if (next === undefined) { this.parent.set(root, root); break; }
      root = next;
    }
    for (let k = key; k !== root;) { const next = this.parent.get(k)!; this.parent.set(k, root); k = next; }
    return root;
  }

  /** Links all the keys of one record. */
  add(keys: string[]): void {
    for (const key of keys.slice(1)) this.union(keys[0], key);
    if (keys.length === 1) this.find(keys[0]);
  }

  /** The smaller root wins, so every cluster's root is its smallest key. */
  private union(a: string, b: string) {
    const ra = this.find(a), rb = this.find(b);
    if (ra === rb) return;
    this.ids.clear(); // a root may change
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }

  private readonly ids = new Map<string, string>();

  personId(key: string): string {
    const root = this.find(key);
    let id = this.ids.get(root);
    if (id === undefined) {
      id = `P-${createHash('sha256').update(root).digest('base64url').slice(0, 12)}`;
      this.ids.set(root, id);
    }
    return id;
  }
}
