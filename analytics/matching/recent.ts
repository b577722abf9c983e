/**
 * What was computed for values seen lately in this ingest (in memory only, never stored): two generations of at most
 * `limit` entries each, the older dropped when the newer fills, so what keeps coming back stays and memory is bounded
 * however long the extract.
 */
export class Recent<V> {
  private current = new Map<string, V>();
  private older = new Map<string, V>();

  constructor(private readonly limit = 50_000) {}

  get(key: string): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.older.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): V {
    if (this.current.size >= this.limit) {
      this.older = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
    return value;
  }

  /** The value for `key`, computed by `make` when it was not seen lately. */
  of(key: string, make: (key: string) => V): V {
    const value = this.get(key);
    return value !== undefined ? value : this.set(key, make(key));
  }

  get size(): number { return this.current.size + this.older.size; }
}
