/**
 * The ids seen so far in an extract, as 64-bit fingerprints in an open-addressing table: a million ids take
 * 16 MB instead of a Set of strings several times that, so memory stays flat as extracts grow.
 */
export class SeenIds {
  private table = new Uint32Array(1 << 16);
  private size = 0;

  /** Adds the id; false if it was already there. */
  add(id: string): boolean {
    let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
    for (let i = 0; i < id.length; i++) {
      const ch = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    if (h1 === 0 && h2 === 0) h2 = 1;
    if ((this.size + 1) * 2 > this.table.length / 2) this.grow();
    return this.insert(this.table, h1 >>> 0, h2 >>> 0);
  }

  private insert(table: Uint32Array, h1: number, h2: number): boolean {
    const slots = table.length / 2;
    let slot = h1 & (slots - 1);
    for (;;) {
      const a = table[slot * 2], b = table[slot * 2 + 1];
      if (a === 0 && b === 0) {
        table[slot * 2] = h1;
        table[slot * 2 + 1] = h2;
        if (table === this.table) this.size++;
        return true;
      }
      if (a === h1 && b === h2) return false;
      slot = (slot + 1) & (slots - 1);
    }
  }

  private grow() {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.insert(this.table, old[i], old[i + 1]);
    }
  }
}
