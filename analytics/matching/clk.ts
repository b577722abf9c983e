import { clkFields, encodingLayout, linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';

/**
 * Comparing stored encodings: a CLK decoded once into 32-bit words, with the bit count of each field's segment,
 * and the Dice coefficient per field (2·|A∩B| / (|A|+|B|)). Engine-agnostic and pure. Scores are the model's
 * (model.ts, table.ts).
 */
export interface Clk {
  version: string;
  words: Uint32Array;
  /** Bits set in each field's segment, in the order of clkFields. */
  counts: Uint16Array;
}

export const popcount = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/** Word ranges [from, to) of each field's segment. */
export function segments(config: LinkageConfig = linkageConfig): [number, number][] {
  let at = 0;
  return clkFields.map((f) => { const from = at; at += config.clk[f].bits / 32; return [from, at]; });
}

export function decodeClkBytes(bytes: Uint8Array, version = '', config: LinkageConfig = linkageConfig): Clk {
  if (bytes.length !== 128) throw new Error('a CLK has 1024 bits');
  const words = new Uint32Array(32);
  for (let i = 0; i < 32; i++) words[i] = ((bytes[4 * i] << 24) | (bytes[4 * i + 1] << 16) | (bytes[4 * i + 2] << 8) | bytes[4 * i + 3]) >>> 0;
  const counts = new Uint16Array(clkFields.length);
  segments(config).forEach(([from, to], f) => { for (let w = from; w < to; w++) counts[f] += popcount(words[w]); });
  return { version, words, counts };
}

/**
 * A stored CLK (`v2:` + base64url, `v2.<key version>:` under a later key); null for null, and for an encoding of
 * another layout (a `v1:` one, made before forename and surname had segments of their own): its bits would be read
 * in the wrong segments, so such a record links by its exact keys only until it is ingested again.
 */
export function decodeClk(stored: string | null, config: LinkageConfig = linkageConfig): Clk | null {
  if (!stored) return null;
  const colon = stored.indexOf(':');
  if (colon < 0) throw new Error('not a stored CLK');
  const version = stored.slice(0, colon);
  if (version !== encodingLayout && !version.startsWith(`${encodingLayout}.`)) return null;
  return decodeClkBytes(Buffer.from(stored.slice(colon + 1), 'base64url'), version, config);
}

/** base64 and base64url character → its six bits, -1 for any other. */
const SEXTET = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split('').forEach((c, i) => { SEXTET[c.charCodeAt(0)] = i; });
SEXTET['-'.charCodeAt(0)] = SEXTET['+'.charCodeAt(0)] = 62;
SEXTET['_'.charCodeAt(0)] = SEXTET['/'.charCodeAt(0)] = 63;

/**
 * A stored CLK's 32 words decoded straight into `words` from `at`, as decodeClk would decode them, with no string or
 * buffer made: its version, or null where decodeClk gives null (then the words are not set).
 */
export function decodeStoredClk(stored: string | null, words: Uint32Array, at = 0): string | null {
  if (!stored) return null;
  const colon = stored.indexOf(':');
  if (colon < 0) throw new Error('not a stored CLK');
  const version = stored.slice(0, colon);
  if (version !== encodingLayout && !version.startsWith(`${encodingLayout}.`)) return null;
  // 1024 bits are 171 characters (the last one's low bits unused); any other form takes the general decoder.
  if (stored.length - colon - 1 !== 171 || !fastDecode(stored, colon + 1, words, at)) words.set(decodeClkBytes(Buffer.from(stored.slice(colon + 1), 'base64url'), version).words, at);
  return version;
}

function fastDecode(text: string, from: number, words: Uint32Array, at: number): boolean {
  let acc = 0, bits = 0, w = 0, word = 0, wordBits = 0;
  for (let i = from; i < text.length && w < 32; i++) {
    const c = text.charCodeAt(i), v = c < 128 ? SEXTET[c] : -1;
    if (v < 0) return false;
    acc = (acc << 6) | v; bits += 6;
    while (bits >= 8 && w < 32) {
      bits -= 8;
      word = (word << 8) | ((acc >>> bits) & 0xff); wordBits += 8;
      if (wordBits === 32) { words[at + w++] = word >>> 0; word = 0; wordBits = 0; }
    }
    acc &= (1 << bits) - 1;
  }
  return w === 32;
}

/** Dice of each field; null where either side has nothing in that field. */
export function fieldDice(a: Clk, b: Clk, config: LinkageConfig = linkageConfig): (number | null)[] {
  return segments(config).map(([from, to], f) => {
    const total = a.counts[f] + b.counts[f];
    if (a.counts[f] === 0 || b.counts[f] === 0) return null;
    let common = 0;
    for (let w = from; w < to; w++) common += popcount(a.words[w] & b.words[w]);
    return (2 * common) / total;
  });
}

/** Dice over the whole 1024 bits. */
export function dice(a: Clk, b: Clk): number {
  let common = 0, total = 0;
  for (let w = 0; w < 32; w++) { common += popcount(a.words[w] & b.words[w]); total += popcount(a.words[w]) + popcount(b.words[w]); }
  return total === 0 ? 0 : (2 * common) / total;
}

/** The share of bits set. */
export const fillRatio = (c: Clk): number => c.counts.reduce((n, x) => n + x, 0) / 1024;
