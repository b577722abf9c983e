/**
 * Union-find over record (or key) indexes, by size with path halving: the one that linkage uses, for resolution's
 * clusters of records (resolve.ts).
 */
export class UnionFind {
  private parent: Int32Array;
  private size: Int32Array;
  private n = 0;

  constructor(capacity = 16) {
    this.parent = new Int32Array(Math.max(1, capacity));
    this.size = new Int32Array(Math.max(1, capacity));
  }

  /** n elements, each its own set (indexes 0 … n−1). */
  static of(n: number): UnionFind {
    const u = new UnionFind(n);
    for (let i = 0; i < n; i++) u.add();
    return u;
  }

  get count(): number { return this.n; }

  /** A new element in a set of its own; its index. */
  add(): number {
    if (this.n === this.parent.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(a.length * 2); b.set(a); return b; };
      this.parent = grow(this.parent);
      this.size = grow(this.size);
    }
    this.parent[this.n] = this.n;
    this.size[this.n] = 1;
    return this.n++;
  }

  find(i: number): number {
    const parent = this.parent;
    while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; }
    return i;
  }

  /** Joins the sets of x and y: the root that stays and the one absorbed into it, or null when they were one. */
  union(x: number, y: number): { root: number; absorbed: number } | null {
    let rx = this.find(x), ry = this.find(y);
    if (rx === ry) return null;
    if (this.size[rx] < this.size[ry]) [rx, ry] = [ry, rx];
    this.parent[ry] = rx;
    this.size[rx] += this.size[ry];
    return { root: rx, absorbed: ry };
  }
}
