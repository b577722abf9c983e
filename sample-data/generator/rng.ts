/**
 * The generator's only source of randomness: a small seeded PRNG (sfc32) whose streams are derived from the seed
 * and a key (a tag and some numbers), so that each day, person or file draws from its own stream and the output
 * does not depend on the order in which streams are used. Never Math.random, never the clock.
 */

const tagHashes = new Map<string, number>();

/** FNV-1a of a string, cached: tags are a handful of constants. */
function tagHash(tag: string): number {
  let h = tagHashes.get(tag);
  if (h === undefined) {
    h = 0x811c9dc5;
    for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), 0x01000193);
    h >>>= 0;
    tagHashes.set(tag, h);
  }
  return h;
}

/** A 32-bit avalanche mix (the murmur3 finaliser). */
function mix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A hash of the seed, a tag and integer parts; used to derive streams and, directly, for cheap choices. */
export function hash32(seed: number, tag: string, ...parts: number[]): number {
  let h = mix((seed >>> 0) ^ 0x9e3779b9) ^ tagHash(tag);
  for (const p of parts) h = mix(Math.imul(h ^ (p >>> 0), 0x27d4eb2d) + ((p / 4294967296) >>> 0));
  return mix(h);
}

export class Rng {
  private a: number; private b: number; private c: number; private d: number;

  constructor(seed: number, tag: string, ...parts: number[]) {
    const h = hash32(seed, tag, ...parts);
    this.a = h; this.b = mix(h ^ 0x6a09e667); this.c = mix(h ^ 0xbb67ae85); this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** sfc32 (Chris Doty-Humphrey's small fast counting generator). */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number { return this.u32() / 4294967296; }
  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[this.int(items.length)]; }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Poisson count: Knuth for small means, a rounded normal for large ones. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) { k++; p *= this.next(); }
    return k;
  }
}

/** A weighted choice, prepared once: cumulative weights searched by bisection. */
export class Weighted<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(readonly items: readonly T[], weights: readonly number[]) {
    if (items.length !== weights.length || items.length === 0) throw new Error('Weighted: items and weights differ');
    let sum = 0;
    for (const w of weights) { sum += Math.max(0, w); this.cumulative.push(sum); }
    this.total = sum;
  }

  static of<T extends string>(table: Readonly<Record<T, number>>): Weighted<T> {
    const keys = Object.keys(table) as T[];
    return new Weighted(keys, keys.map((k) => table[k]));
  }

  pick(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0, hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid; else lo = mid + 1;
    }
    return this.items[lo];
  }
}

/**
 * A bijection of [0, 10^digits) (an affine map with a multiplier coprime to 10): distinct persons get distinct
 * identifiers that do not reveal their order.
 */
export function scramble(index: number, digits: number, salt = 0): number {
  const modulus = 10 ** digits;
  const a = 7_919 * 3 + 2; // 23759: odd and not a multiple of 5
  return ((index + salt) * a + 104_729) % modulus; // exact: the product stays far below 2^53
}
