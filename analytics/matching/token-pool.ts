/**
 * Interned text without a string kept (or made) per value: each distinct value's characters once in one byte pool,
 * found by an open-addressing hash table. What the link table holds its millions of blocking tokens in (a Map of
 * strings took most of linking's memory and a third of its reading time at scale 10). A value is given as one or
 * two slices of strings, so a stored token (`<version>:<token> <token>…`) is interned as `<version>:<token>`
 * straight from the stored text. Values with a character beyond Latin-1 (never a stored token) are kept apart as
 * strings.
 */
export class TokenPool {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  /** Value → its first byte in the pool and the byte after its last; -1 for a value kept apart. */
  private starts = new Int32Array(1 << 12);
  private ends = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  /** Hash slot → value + 1, 0 for empty. */
  private slots = new Int32Array(1 << 13);
  private readonly wide = new Map<string, number>();
  private readonly wideText = new Map<number, string>();
  private n = 0;

  get size(): number { return this.n; }

  /** The id of `a[aFrom, aTo) + b[bFrom, bTo)`: values are numbered 0, 1, … in the order first seen. */
  intern(a: string, aFrom: number, aTo: number, b: string, bFrom: number, bTo: number): number {
    let h = 0x811c9dc5, wide = false;
    for (let i = aFrom; i < aTo; i++) { const c = a.charCodeAt(i); wide ||= c > 255; h = Math.imul(h ^ c, 0x01000193); }
    for (let i = bFrom; i < bTo; i++) { const c = b.charCodeAt(i); wide ||= c > 255; h = Math.imul(h ^ c, 0x01000193); }
    if (wide) return this.internWide(a.slice(aFrom, aTo) + b.slice(bFrom, bTo));
    const length = aTo - aFrom + bTo - bFrom, mask = this.slots.length - 1, { slots, hashes, starts, ends, bytes } = this;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = slots[s] - 1;
      if (id < 0) break;
      if (hashes[id] !== h || ends[id] - starts[id] !== length) continue;
      let p = starts[id], same = true;
      for (let i = aFrom; same && i < aTo; i++, p++) same = bytes[p] === a.charCodeAt(i);
      for (let i = bFrom; same && i < bTo; i++, p++) same = bytes[p] === b.charCodeAt(i);
      if (same) return id;
    }
    const id = this.push(h, length);
    let p = this.starts[id];
    for (let i = aFrom; i < aTo; i++) this.bytes[p++] = a.charCodeAt(i);
    for (let i = bFrom; i < bTo; i++) this.bytes[p++] = b.charCodeAt(i);
    this.place(id, h);
    return id;
  }

  /** A value's text. */
  text(id: number): string {
    if (this.starts[id] < 0) return this.wideText.get(id)!;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.starts[id], this.ends[id] - this.starts[id]).toString('latin1');
  }

  private internWide(text: string): number {
    const known = this.wide.get(text);
    if (known !== undefined) return known;
    const id = this.push(0, 0);
    this.starts[id] = this.ends[id] = -1;
    this.wide.set(text, id);
    this.wideText.set(id, text);
    return id;
  }

  private push(hash: number, length: number): number {
    const id = this.n++;
    if (this.n >= this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2); starts.set(this.starts); this.starts = starts;
      const ends = new Int32Array(this.ends.length * 2); ends.set(this.ends); this.ends = ends;
      const hashes = new Int32Array(this.hashes.length * 2); hashes.set(this.hashes); this.hashes = hashes;
    }
    if (this.used + length > this.bytes.length) {
      const bytes = new Uint8Array(Math.max(this.bytes.length * 2, this.used + length)); bytes.set(this.bytes.subarray(0, this.used)); this.bytes = bytes;
    }
    this.starts[id] = this.used;
    this.used += length;
    this.ends[id] = this.used;
    this.hashes[id] = hash;
    if (2 * this.n > this.slots.length) this.rehash();
    return id;
  }

  private place(id: number, hash: number) {
    const mask = this.slots.length - 1;
    let s = hash & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = id + 1;
  }

  private rehash() {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let id = 0; id < this.n - 1; id++) if (this.starts[id] >= 0) this.place(id, this.hashes[id]);
  }
}
