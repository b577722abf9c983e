import { createHmac, hkdfSync } from 'node:crypto';
import { clkFields, linkageConfig, nicknames, type ClkField, type LinkageConfig } from '../../schemas/linkage.ts';
import { parsePostcode } from './identifiers.ts';
import { normaliseName } from './pseudonymise.ts';

/**
 * Privacy-preserving encodings for fuzzy linkage, made at ingest from the clear identity fields and stored instead
 * of them: a keyed cryptographic long-term key (CLK, a 1024-bit Bloom filter) and keyed blocking tokens.
 *
 * The CLK is laid out in one segment per field (names, date of birth, postcode, sex) so that matching can weigh the
 * fields and the review queue can say which fields agreed without any value. Each token sets `hashes` bits of its
 * field's segment, taken from HMAC-SHA512 of the token under that field's own key (HKDF from the pseudonymisation
 * key): no plain double hashing, and without the key nobody can say which bits a token sets.
 */

export interface QuasiIdentifiers {
  forename: string | null;
  surname: string | null;
  /** 'YYYY-MM-DD'. */
  dob: string | null;
  postcode: string | null;
  sex: string | null;
}

const words = (name: string | null): string[] => (name ? normaliseName(name).split(' ').filter(Boolean) : []);

/**
 * Both names in one feature: padded bigrams of every word of forename and surname (so a swap gives the same set),
 * plus each word whole and, for a known short form, the full name whole ("TOM" and "THOMAS" share "=THOMAS").
 */
export function nameTokens(forename: string | null, surname: string | null): string[] {
  const tokens = new Set<string>();
  for (const word of [...words(forename), ...words(surname)]) {
    const padded = `_${word}_`;
    for (let i = 0; i < padded.length - 1; i++) tokens.add(padded.slice(i, i + 2));
    tokens.add(`=${nicknames[word] ?? word}`);
  }
  return [...tokens];
}

/**
 * Positional digits after the century (a typo or a day out changes one; the century, which every child shares, only
 * adds background), year, month, day, day and month unordered (a swap keeps it), and the whole date.
 */
export function dobTokens(iso: string | null): string[] {
  if (!iso || !/^\d{4}-\d{2}-\d{2}$/.test(iso)) return [];
  const digits = iso.replace(/-/g, '');
  const [y, m, d] = iso.split('-');
  return [...[...digits.slice(2)].map((c, i) => `${i + 2}:${c}`), `y:${y}`, `m:${m}`, `d:${d}`, `dm:${[d, m].sort().join('')}`, `=${digits}`];
}

/**
 * A UK postcode: the whole, its district, its sector and the inward code's characters by position (the area
 * letters, shared by everyone in LLR, would only add background). Any other postcode: the whole and its characters
 * by position.
 */
export function postcodeTokens(postcode: string | null): string[] {
  const compact = postcode?.toUpperCase().replace(/\s+/g, '') ?? '';
  if (!compact) return [];
  const uk = parsePostcode(compact);
  if (!uk) return [`=${compact}`, ...[...compact].map((c, i) => `${i}:${c}`)];
  const inward = uk.unit ? uk.unit.slice(-3) : uk.sector.slice(-1);
  return [...(uk.unit ? [`=${compact}`] : []), `o:${uk.district}`, `s:${uk.sector}`, ...[...inward].map((c, i) => `i${i}:${c}`)];
}

export const sexTokens = (sex: string | null): string[] => (sex ? [`=${sex.trim().toLowerCase()}`] : []);

const tokenise: Record<ClkField, (q: QuasiIdentifiers) => string[]> = {
  names: (q) => nameTokens(q.forename, q.surname),
  dob: (q) => dobTokens(q.dob),
  postcode: (q) => postcodeTokens(q.postcode),
  sex: (q) => sexTokens(q.sex),
};

/** American Soundex: the first letter and three digits of consonant classes. */
export function soundex(word: string): string {
  const w = word.toUpperCase().replace(/[^A-Z]/g, '');
  if (!w) return '';
  const code = (c: string) => 'BFPV'.includes(c) ? '1' : 'CGJKQSXZ'.includes(c) ? '2' : 'DT'.includes(c) ? '3' : c === 'L' ? '4' : 'MN'.includes(c) ? '5' : c === 'R' ? '6' : '';
  let out = w[0];
  let last = code(w[0]);
  for (const c of w.slice(1)) {
    const digit = code(c);
    if (digit && digit !== last) out += digit;
    if (c !== 'H' && c !== 'W') last = digit;
    if (out.length === 4) break;
  }
  return out.padEnd(4, '0');
}

/**
 * The clear blocking values of a record: birth year, postcode district and the Soundex of every name word, each
 * alone (enough while blocks are small) and two by two (small blocks still when a year or a district holds
 * thousands): a pair is found if any one agrees in a small population, or any two in a large one.
 */
export function blockingValues(q: QuasiIdentifiers): string[] {
  const year = q.dob && /^\d{4}/.test(q.dob) ? q.dob.slice(0, 4) : null;
  const compact = q.postcode?.toUpperCase().replace(/\s+/g, '');
  const district = compact ? parsePostcode(compact)?.district ?? compact : null;
  const names = [...new Set([...words(q.forename), ...words(q.surname)].map((w) => soundex(nicknames[w] ?? w)))];
  const values: string[] = [];
  if (year) values.push(`y:${year}`);
  if (district) values.push(`d:${district}`);
  for (const n of names) values.push(`n:${n}`);
  if (year && district) values.push(`yd:${year}|${district}`);
  for (const n of names) {
    if (year) values.push(`yn:${year}|${n}`);
    if (district) values.push(`dn:${district}|${n}`);
  }
  return [...new Set(values)];
}

interface FieldPlan { key: Buffer; offset: number; bits: number; hashes: number; cache: Map<string, Uint16Array> }

const CACHE_LIMIT = 50_000;

export class LinkageEncoder {
  private readonly fields: Record<ClkField, FieldPlan>;
  private readonly blockKey: Buffer;
  private readonly blockCache = new Map<string, string>();

  /** `key` is the pseudonymisation key of `version`; every field key and the blocking key are derived from it. */
  constructor(private readonly version: string, key: Buffer, config: LinkageConfig = linkageConfig) {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
    let offset = 0;
    const fields = {} as Record<ClkField, FieldPlan>;
    for (const field of clkFields) {
      const { bits, hashes } = config.clk[field];
      fields[field] = { key: derive(`vrn linkage clk ${field}`), offset, bits, hashes, cache: new Map() };
      offset += bits;
    }
    this.fields = fields;
    this.blockKey = derive('vrn linkage blocking tokens');
  }

  /** The bit positions a token sets in its field's segment. */
  private positions(plan: FieldPlan, token: string): Uint16Array {
    let positions = plan.cache.get(token);
    if (!positions) {
      const digest = createHmac('sha512', plan.key).update(token).digest();
      positions = new Uint16Array(plan.hashes);
      for (let i = 0; i < plan.hashes; i++) positions[i] = plan.offset + (digest.readUInt16BE(2 * i) % plan.bits);
      if (plan.cache.size >= CACHE_LIMIT) plan.cache.clear();
      plan.cache.set(token, positions);
    }
    return positions;
  }

  /** The 1024 bits, or null when neither a name nor a date of birth is known (nothing to link on). */
  clkBytes(q: QuasiIdentifiers): Uint8Array | null {
    const bytes = new Uint8Array(128);
    let names = 0, dob = 0;
    for (const field of clkFields) {
      const tokens = tokenise[field](q);
      if (field === 'names') names = tokens.length;
      if (field === 'dob') dob = tokens.length;
      for (const token of tokens) {
        for (const p of this.positions(this.fields[field], token)) bytes[p >> 3] |= 0x80 >> (p & 7);
      }
    }
    return names || dob ? bytes : null;
  }

  /** The stored form: `v1:` + base64url of the 128 bytes. */
  clk(q: QuasiIdentifiers): string | null {
    const bytes = this.clkBytes(q);
    return bytes && `${this.version}:${Buffer.from(bytes).toString('base64url')}`;
  }

  /** The stored form of the blocking tokens: `v1:` + space-separated 96-bit keyed hashes, sorted; null if none. */
  blocks(q: QuasiIdentifiers): string | null {
    const values = blockingValues(q);
    if (!values.length) return null;
    const hashes = values.map((v) => {
      let hash = this.blockCache.get(v);
      if (hash === undefined) {
        hash = createHmac('sha256', this.blockKey).update(v).digest().subarray(0, 12).toString('base64url');
        if (this.blockCache.size >= CACHE_LIMIT) this.blockCache.clear();
        this.blockCache.set(v, hash);
      }
      return hash;
    });
    return `${this.version}:${hashes.sort().join(' ')}`;
  }
}
