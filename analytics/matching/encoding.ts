import { createHmac, hkdfSync } from 'node:crypto';
import { clkFields, encodingLayout, linkageConfig, nicknames, type ClkField, type LinkageConfig } from '../../schemas/linkage.ts';
import { parsePostcode, type PostcodeParts } from '../postcode.ts';
import { namesOf, type Names } from './names.ts';
import { Recent } from './recent.ts';

/**
 * Privacy-preserving encodings for fuzzy linkage, made at ingest from the clear identity fields and stored instead
 * of them: a keyed cryptographic long-term key (CLK, a 1024-bit Bloom filter) and keyed, tagged blocking tokens.
 *
 * The CLK is laid out in one segment per field (forename, surname, date of birth, postcode, sex) so that matching
 * can weigh the fields and the review queue can say which fields agreed without any value. Each token sets `hashes`
 * bits of its field's segment, taken from HMAC-SHA512 of the token under that field's own key (HKDF from the
 * pseudonymisation key): no plain double hashing, and without the key nobody can say which bits a token sets.
 * Forename and surname share one key and one width, so a name sets the same bits in either: a swap is found by
 * comparing one record's forename segment with the other's surname segment.
 */

/**
 * The stored prefix: the layout, and the key version when it is not the first (`v2:`, `v2.v3:`), so encodings of
 * different layouts or keys never compare.
 */
export const encodingVersion = (keyVersion: string): string => (keyVersion === 'v1' ? encodingLayout : `${encodingLayout}.${keyVersion}`);

export interface QuasiIdentifiers {
  forename: string | null;
  surname: string | null;
  /** 'YYYY-MM-DD'. */
  dob: string | null;
  postcode: string | null;
  sex: string | null;
}

/** The same with the names normalised, once per row (`namesOf`, which the name-and-date key uses too). */
export interface Identity { names: Names; dob: string | null; postcode: string | null; sex: string | null }
export const identityOf = (q: QuasiIdentifiers): Identity => ({ names: namesOf(q.forename, q.surname), dob: q.dob, postcode: q.postcode, sex: q.sex });

/** The names as matched: the word itself, or for a known short form the full name ("TOM" → "THOMAS"). */
const canonical = (word: string): string => nicknames[word] ?? word;

/**
 * One name (forename or surname) as tokens: padded bigrams of each word (`_O OL … R_`), the word whole
 * (`=OLIVER`) and, for a known short form, the full name whole (`TOM` → `=TOM`, `=THOMAS`).
 */
export function nameTokens(words: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const word of words) {
    const padded = `_${word}_`;
    for (let i = 0; i < padded.length - 1; i++) tokens.add(padded.slice(i, i + 2));
    tokens.add(`=${word}`);
    tokens.add(`=${canonical(word)}`);
  }
  return [...tokens];
}

const isoDate = (iso: string | null): iso is string => !!iso && /^\d{4}-\d{2}-\d{2}$/.test(iso);

/**
 * Positional digits after the century (a typo or a day out changes one; the century, which every child shares, only
 * adds background), year, month, day, day and month unordered (a swap keeps it), and the whole date.
 */
export function dobTokens(iso: string | null): string[] {
  if (!isoDate(iso)) return [];
  const digits = iso.replace(/-/g, '');
  const [y, m, d] = iso.split('-');
  return [...[...digits.slice(2)].map((c, i) => `${i + 2}:${c}`), `y:${y}`, `m:${m}`, `d:${d}`, `dm:${[d, m].sort().join('')}`, `=${digits}`];
}

/** A postcode as compared: upper case without spaces, and its UK parts when it is a UK postcode or sector. */
interface Postcode { compact: string; uk: PostcodeParts | null }
const postcodeOf = (postcode: string | null): Postcode | null => {
  const compact = postcode?.toUpperCase().replace(/\s+/g, '') ?? '';
  return compact ? { compact, uk: parsePostcode(compact) } : null;
};

/**
 * A UK postcode: the whole, its district, its sector and the inward code's characters by position (the area
 * letters, shared by everyone in one VRU's area, would only add background). Any other postcode: the whole and its characters
 * by position.
 */
export function postcodeTokens(postcode: string | null): string[] {
  return tokensOfPostcode(postcodeOf(postcode));
}
function tokensOfPostcode(p: Postcode | null): string[] {
  if (!p) return [];
  const { compact, uk } = p;
  if (!uk) return [`=${compact}`, ...[...compact].map((c, i) => `${i}:${c}`)];
  const inward = uk.unit ? uk.unit.slice(-3) : uk.sector.slice(-1);
  return [...(uk.unit ? [`=${compact}`] : []), `o:${uk.district}`, `s:${uk.sector}`, ...[...inward].map((c, i) => `i${i}:${c}`)];
}

export const sexTokens = (sex: string | null): string[] => (sex ? [`=${sex.trim().toLowerCase()}`] : []);

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

/** What a blocking token was made of (stored beside it, and inside its keyed hash); never its value. */
export type BlockTag = 'fs' | 'ss' | 'by' | 'pd' | 'fs+ss' | 'ns+by' | 'ss+pd' | 'by+pd' | 'fe';

/**
 * A forename's one-edit neighbourhood: each word and each word with one letter left out. Two forenames share one
 * exactly when a word of one is a letter substituted, dropped, added or two swapped from a word of the other (or both
 * of these: Alexander and Alexandra share ALEXANDR), which a typo does and another name (Aisha, Ayesha) seldom does.
 */
export function editValues(words: readonly string[]): string[] {
  const out = new Set<string>();
  for (const word of words) {
    out.add(word);
    if (word.length > 2) for (let i = 0; i < word.length; i++) out.add(word.slice(0, i) + word.slice(i + 1));
  }
  return [...out];
}

/**
 * The clear blocking values of a record, each with its tag: the Soundex of every forename word (`fs`, short forms as
 * their full name) and surname word (`ss`), the birth year (`by`) and the postcode district (`pd`), alone (enough
 * while blocks are small) and in pairs (small blocks still when a year or a district holds thousands): a pair is
 * found if any one agrees in a small population, or any two in a large one. Forename with surname is unordered, and
 * a name with the year (`ns+by`) takes either name, so swapped names still share them, a typo in one name and a move
 * besides.
 */
export function blockingValues(q: QuasiIdentifiers): string[] {
  return valuesOf(namesOf(q.forename, q.surname), q.dob, postcodeOf(q.postcode)).map(([tag, value]) => `${tag}:${value}`);
}
function valuesOf(names: Names, dob: string | null, postcode: Postcode | null, seen = new Recent<string>()): [BlockTag, string][] {
  const year = dob && /^\d{4}/.test(dob) ? dob.slice(0, 4) : null;
  const district = postcode ? postcode.uk?.district ?? postcode.compact : null;
  const fs = codes(names.forename, seen), ss = codes(names.surname, seen);
  const values: [BlockTag, string][] = [];
  for (const f of fs) values.push(['fs', f]);
  for (const s of ss) values.push(['ss', s]);
  if (year) values.push(['by', year]);
  if (district) values.push(['pd', district]);
  const pairs = new Set<string>();
  for (const f of fs) for (const s of ss) pairs.add(f < s ? `${f}|${s}` : `${s}|${f}`);
  for (const pair of pairs) values.push(['fs+ss', pair]);
  if (year) for (const n of fs.concat(ss.filter((s) => !fs.includes(s)))) values.push(['ns+by', `${n}|${year}`]);
  if (district) for (const s of ss) values.push(['ss+pd', `${s}|${district}`]);
  if (year && district) values.push(['by+pd', `${year}|${district}`]);
  return values;
}

/** The distinct Soundex codes of a name's words, short forms as their full name; `seen` keeps codes of words before. */
function codes(words: readonly string[], seen: Recent<string>): string[] {
  const out: string[] = [];
  for (const word of words) {
    const code = seen.of(word, (w) => soundex(canonical(w)));
    if (code && !out.includes(code)) out.push(code);
  }
  return out;
}

/** A field's part of the CLK: its words from `offset`, its key, and the masks of values and tokens seen before. */
interface FieldPlan { key: Buffer; offset: number; words: number; bits: number; hashes: number; tokens: Recent<Uint32Array>; values: Recent<Uint32Array> }

/**
 * What ingest stores for a person: the CLK, the blocking tokens and the forename's one-edit tokens (`fe`, compared
 * by the forename's `typo` level, never blocked on), each null when there is nothing to store.
 */
export interface LinkageEncoding { clk: string | null; blocks: string | null; edits: string | null }

export class LinkageEncoder {
  private readonly plans: Record<ClkField, FieldPlan>;
  private readonly blockKey: Buffer;
  private readonly blockCache = new Recent<string>();
  private readonly soundexCache = new Recent<string>();
  /** The stored one-edit tokens of the forenames seen lately (a forename's depend on it alone). */
  private readonly editsCache = new Recent<string>();
  /** Whole encodings of the identities seen lately: the same person comes back in many rows. */
  private readonly identities = new Recent<LinkageEncoding>(25_000);
  private readonly version: string;

  /** `key` is the pseudonymisation key of `keyVersion`; every field key and the blocking key are derived from it. */
  constructor(keyVersion: string, key: Buffer, config: LinkageConfig = linkageConfig) {
    this.version = encodingVersion(keyVersion);
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
    let offset = 0;
    const plans = {} as Record<ClkField, FieldPlan>;
    for (const field of clkFields) {
      const { bits, hashes } = config.clk[field];
      // Forename and surname are one feature, "name": the same key and caches, so a name sets the same bits in either.
      const same = field === 'surname' ? plans.forename : null;
      plans[field] = {
        key: same?.key ?? derive(`vrn linkage clk ${field === 'forename' ? 'name' : field}`), offset, words: bits / 32, bits, hashes,
        tokens: same?.tokens ?? new Recent(), values: same?.values ?? new Recent(),
      };
      offset += bits / 32;
    }
    this.plans = plans;
    this.blockKey = derive('vrn linkage blocking tokens v2');
  }

  /** The bits a token sets in its field's segment, as the segment's 32-bit words. */
  private tokenMask(plan: FieldPlan, token: string): Uint32Array {
    const cached = plan.tokens.get(token);
    if (cached) return cached;
    const digest = createHmac('sha512', plan.key).update(token).digest();
    const mask = new Uint32Array(plan.words);
    for (let i = 0; i < plan.hashes; i++) {
      const p = digest.readUInt16BE(2 * i) % plan.bits;
      mask[p >>> 5] |= 0x80000000 >>> (p & 31);
    }
    return plan.tokens.set(token, mask);
  }

  /** The bits of a field's value (a name word, a date, a postcode, a sex): its tokens' masks together. */
  private valueMask(plan: FieldPlan, value: string, tokens: (value: string) => string[]): Uint32Array {
    const cached = plan.values.get(value);
    if (cached) return cached;
    const mask = new Uint32Array(plan.words);
    for (const token of tokens(value)) {
      const t = this.tokenMask(plan, token);
      for (let w = 0; w < mask.length; w++) mask[w] |= t[w];
    }
    return plan.values.set(value, mask);
  }

  private set(words: Uint32Array, plan: FieldPlan, mask: Uint32Array) {
    for (let w = 0; w < mask.length; w++) words[plan.offset + w] |= mask[w];
  }

  /** The CLK as 32 words, or null when neither a name nor a date of birth is known (nothing to link on). */
  private clkWords(names: Names, dob: string | null, postcode: Postcode | null, sex: string | null): Uint32Array | null {
    const hasDob = isoDate(dob);
    if (!names.forename.length && !names.surname.length && !hasDob) return null;
    const words = new Uint32Array(32);
    const { forename, surname } = this.plans;
    const name = (word: string) => nameTokens([word]);
    for (const word of names.forename) this.set(words, forename, this.valueMask(forename, word, name));
    for (const word of names.surname) this.set(words, surname, this.valueMask(surname, word, name));
    if (hasDob) this.set(words, this.plans.dob, this.valueMask(this.plans.dob, dob, dobTokens));
    if (postcode) this.set(words, this.plans.postcode, this.valueMask(this.plans.postcode, postcode.compact, () => tokensOfPostcode(postcode)));
    const s = sex?.trim().toLowerCase();
    if (s) this.set(words, this.plans.sex, this.valueMask(this.plans.sex, s, sexTokens));
    return words;
  }

  private tokenOf(tag: BlockTag, value: string): string {
    const input = `${tag}\x1f${value}`;
    const cached = this.blockCache.get(input);
    if (cached !== undefined) return cached;
    return this.blockCache.set(input, `${tag}.${createHmac('sha256', this.blockKey).update(input).digest().subarray(0, 12).toString('base64url')}`);
  }

  /**
   * The stored forms: the CLK, `v2:` + base64url of its 128 bytes, and the blocking tokens and the one-edit tokens,
   * each `v2:` + space-separated `<tag>.<96-bit keyed hash>`, sorted.
   */
  encode(identity: Identity): LinkageEncoding {
    const { names, dob, postcode, sex } = identity;
    // Each part with its length before it, so that no two identities share a key.
    const f = names.forename.join(' '), s = names.surname.join(' '), d = dob ?? '', p = postcode ?? '';
    const key = `${f.length}.${f}${s.length}.${s}${d.length}.${d}${p.length}.${p}${sex ?? ''}`;
    return this.identities.get(key) ?? this.identities.set(key, this.encodeNew(identity));
  }

  private encodeNew({ names, dob, postcode: clear, sex }: Identity): LinkageEncoding {
    const postcode = postcodeOf(clear);
    const words = this.clkWords(names, dob, postcode, sex);
    let clk: string | null = null;
    if (words) {
      const bytes = Buffer.allocUnsafe(128);
      for (let w = 0; w < 32; w++) bytes.writeUInt32BE(words[w], 4 * w);
      clk = `${this.version}:${bytes.toString('base64url')}`;
    }
    const values = valuesOf(names, dob, postcode, this.soundexCache);
    const blocks = values.length ? `${this.version}:${values.map(([tag, value]) => this.tokenOf(tag, value)).sort().join(' ')}` : null;
    const forenames = names.forename.join(' ');
    const edits = !forenames ? null : this.editsCache.get(forenames)
      ?? this.editsCache.set(forenames, `${this.version}:${editValues(names.forename).map((value) => this.tokenOf('fe', value)).sort().join(' ')}`);
    return { clk, blocks, edits };
  }

  /** The stored CLK alone (see `encode`). */
  clk(q: QuasiIdentifiers): string | null { return this.encode(identityOf(q)).clk; }

  /** The stored blocking tokens alone (see `encode`). */
  blocks(q: QuasiIdentifiers): string | null { return this.encode(identityOf(q)).blocks; }

  /** The stored one-edit tokens alone (see `encode`). */
  edits(q: QuasiIdentifiers): string | null { return this.encode(identityOf(q)).edits; }
}
