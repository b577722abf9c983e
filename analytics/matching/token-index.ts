import { getDataset } from '../../schemas/datasets/index.ts';
import { clkFields, type LinkageConfig } from '../../schemas/linkage.ts';
import { countingParts, type CountedExtract } from '../counting.ts';
import { isoToDay } from '../dates.ts';
import type { Clk } from './clk.ts';
import { blockLimit } from './arrival-candidates.ts';
import type { LinkTable } from './table.ts';
import { tagOf } from './training.ts';

/**
 * A full run's token index: its records as the link table held them (each distinct encoding once, with its tokens),
 * with their person, and lookups from a blocking token within its limit to the encodings in its block and from an
 * exact key to its records. Linking on arrival reads its neighbours here instead of every stored record: no Parquet
 * read, no person links joined, no token text split. Everything in it is keyed (record ids, tokens, keys are keyed
 * hashes or made of them; person ids are the run's own), so it names no one.
 *
 * One buffer: a JSON header, then typed arrays (8-byte aligned) the header names, read in place.
 */

const MAGIC = 'vrn-token-index 1\n';
const F = clkFields.length;
const KINDS = ['nhs', 'upn', 'local', 'nameDob'] as const;
type Kind = typeof KINDS[number];
/** No event day (a snapshot dataset's rows, or a row without its date). */
export const NO_DAY = -0x80000000;

/**
 * Each record's keys and where it came from (its extract and event day), in the order the run added it to its
 * table, as columns: what the table does not keep.
 */
export class RecordOrigins {
  size = 0;
  part = new Int32Array(1024);
  day = new Int32Array(1024);
  readonly keys: Record<Kind, (string | null)[]> = { nhs: [], upn: [], local: [], nameDob: [] };
  /** The extracts, as `dataset` and `upload_id`. */
  readonly extracts: { dataset: string; upload_id: string }[] = [];
  private readonly extractIds = new Map<string, number>();

  /** `day` NO_DAY for a snapshot's record. */
  add(dataset: string, upload: string, day: number, keys: Record<Kind, string | null>) {
    if (this.size === this.part.length) {
      const grow = (a: Int32Array) => { const b = new Int32Array(2 * a.length); b.set(a); return b; };
      this.part = grow(this.part); this.day = grow(this.day);
    }
    const name = `${dataset}\u001f${upload}`;
    let extract = this.extractIds.get(name);
    if (extract === undefined) { this.extractIds.set(name, (extract = this.extracts.length)); this.extracts.push({ dataset, upload_id: upload }); }
    this.part[this.size] = extract; this.day[this.size] = day;
    for (const kind of KINDS) this.keys[kind].push(keys[kind]);
    this.size++;
  }
}

/** The days of an extract that counted in the run: null for all of them, else [from, to] day numbers. */
export interface IndexPart { dataset: string; upload_id: string; ranges: [number, number][] | null }

interface Header {
  format: 1;
  versions: string[];
  partners: string[];
  parts: IndexPart[];
  records: number;
  units: number;
  tokens: number;
  sections: Record<string, [offset: number, length: number, type: 'i32' | 'u32' | 'u16' | 'i8' | 'u8']>;
}

/** Strings, each once, looked up by a hash of their bytes (latin1). */
class Strings {
  readonly starts: Int32Array;
  readonly bytes: Uint8Array;
  readonly hashes: Uint32Array;
  /** Ids in the order of their hashes. */
  readonly order: Int32Array;
  private readonly buffer: Buffer;
  constructor(parts: { starts: Int32Array; bytes: Uint8Array; hashes: Uint32Array; order: Int32Array }) {
    this.starts = parts.starts; this.bytes = parts.bytes; this.hashes = parts.hashes; this.order = parts.order;
    this.buffer = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  static of(texts: readonly string[], hashed: boolean): Strings {
    const starts = new Int32Array(texts.length + 1);
    let size = 0;
    for (let i = 0; i < texts.length; i++) { size += texts[i].length; starts[i + 1] = size; }
    const bytes = new Uint8Array(size), buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < texts.length; i++) buffer.write(texts[i], starts[i], 'latin1');
    if (!hashed) return new Strings({ starts, bytes, hashes: new Uint32Array(0), order: new Int32Array(0) });
    const hashes = new Uint32Array(texts.length);
    for (let i = 0; i < texts.length; i++) hashes[i] = hashOf(texts[i]);
    const order = Int32Array.from({ length: texts.length }, (_, i) => i).sort((a, b) => hashes[a] - hashes[b] || a - b);
    return new Strings({ starts, bytes, hashes: Uint32Array.from(order, (i) => hashes[i]), order });
  }

  get size(): number { return this.starts.length - 1; }

  text(id: number): string {
    return this.buffer.toString('latin1', this.starts[id], this.starts[id + 1]);
  }

  /** The id of `text`, or -1. */
  find(text: string): number {
    const h = hashOf(text), { hashes, order, starts, bytes } = this;
    let low = 0, high = hashes.length;
    while (low < high) { const mid = (low + high) >>> 1; if (hashes[mid] < h) low = mid + 1; else high = mid; }
    for (let i = low; i < hashes.length && hashes[i] === h; i++) {
      const id = order[i], from = starts[id];
      if (starts[id + 1] - from !== text.length) continue;
      let same = true;
      for (let c = 0; same && c < text.length; c++) same = bytes[from + c] === text.charCodeAt(c);
      if (same) return id;
    }
    return -1;
  }
}

function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Compressed rows: the items of row r are items[starts[r], starts[r + 1]). */
function csr(rows: number, each: (push: (row: number, item: number) => void) => void): { starts: Int32Array; items: Int32Array } {
  const starts = new Int32Array(rows + 1);
  each((row) => { starts[row + 1]++; });
  for (let r = 0; r < rows; r++) starts[r + 1] += starts[r];
  const items = new Int32Array(starts[rows]), at = starts.slice(0, rows);
  each((row, item) => { items[at[row]++] = item; });
  return { starts, items };
}

const wide = (texts: readonly (string | null)[]) => texts.some((t) => t !== null && /[^\x00-\xff]/.test(t));

/**
 * The index of a full run: its table (with the model's blocks as the store sized them), the person of each record,
 * and each record's keys and origin (in table order); null where a text is beyond Latin-1 (never a keyed one), so
 * arrival reads the store as before.
 */
export function buildTokenIndex(table: LinkTable, personIds: readonly string[], origins: RecordOrigins, counting: IndexPart[], config: LinkageConfig = table.config): Buffer | null {
  const chunks = tokenIndexChunks(table, personIds, origins, counting, config);
  return chunks && Buffer.concat([...chunks]);
}

/**
 * buildTokenIndex's bytes as chunks (the header, then each section with its padding) to be written one by one:
 * the run streams them to storage rather than copy its sections into one buffer of the whole index (548 MB at scale 10).
 */
export function tokenIndexChunks(table: LinkTable, personIds: readonly string[], origins: RecordOrigins, counting: IndexPart[], config: LinkageConfig = table.config): Uint8Array[] | null {
  if (origins.size !== table.size) throw new Error(`token index: ${origins.size} origins for ${table.size} records`);
  const n = table.size, units = table.units, tokenTexts = Array.from({ length: table.tokenCount }, (_, t) => table.tokenText(t));
  if (wide(tokenTexts) || wide(table.ids) || wide(personIds) || KINDS.some((k) => wide(origins.keys[k]))) return null;
  // A unit's block is read whole through any of its tokens: its records must all carry them (one encoding, the same
  // values, the same tokens); and a dated record's day must be known to say whether it still counts.
  const rangesOf = new Map(counting.map((p) => [`${p.dataset}\u001f${p.upload_id}`, p]));
  const parts = origins.extracts.map(({ dataset, upload_id }) => rangesOf.get(`${dataset}\u001f${upload_id}`));
  if (parts.some((p) => p === undefined)) return null; // read from an extract that no longer counts: the catalog moved
  if (table.unevenUnits > 0) return null;
  for (let r = 0; r < n; r++) if (origins.day[r] === NO_DAY && parts[origins.part[r]]!.ranges) return null;
  const sections: [string, ArrayBufferView, Header['sections'][string][2]][] = [];
  const add = (name: string, array: ArrayBufferView, type: Header['sections'][string][2]) => { sections.push([name, array, type]); };

  // Units: encodings, key version, tokens; their records.
  add('words', table.words.subarray(0, 32 * units), 'u32');
  add('counts', table.counts.subarray(0, F * units), 'u16');
  add('version', Int8Array.from(table.version), 'i8');
  const unitTokens = csr(units, (push) => { for (let u = 0; u < units; u++) for (const t of table.blocks[u]) push(u, t); });
  add('unitTokenStarts', unitTokens.starts, 'i32'); add('unitTokens', unitTokens.items, 'i32');
  const unitRecords = csr(units, (push) => { for (let u = 0; u < units; u++) for (const r of table.members[u]) push(u, r); });
  add('unitRecordStarts', unitRecords.starts, 'i32'); add('unitRecords', unitRecords.items, 'i32');

  // Tokens: text, and the encodings of each blocking token's block within its limit (the only blocks arrival reads).
  const tokens = Strings.of(tokenTexts, true);
  const sizes = table.blockRecords();
  const readable = new Uint8Array(tokenTexts.length);
  for (let t = 0; t < tokenTexts.length; t++) {
    const tag = table.tags[table.tagOfToken[t]], limit = blockLimit(tagOf(tokenTexts[t]), config);
    readable[t] = Number(tag !== 'fe' && sizes[t] > 0 && sizes[t] <= limit);
  }
  const postings = csr(tokenTexts.length, (push) => { for (let u = 0; u < units; u++) for (const t of table.blocks[u]) if (readable[t]) push(t, u); });
  addStrings('token', tokens, add);
  add('tokenUnitStarts', postings.starts, 'i32'); add('tokenUnits', postings.items, 'i32');

  // Records: unit, partner, id, person, origin, keys (each kind's texts once, with the records holding each).
  add('unit', Int32Array.from(table.unit), 'i32');
  add('partner', Int32Array.from(table.partner), 'i32');
  addStrings('id', Strings.of(table.ids, true), add);
  addStrings('person', Strings.of(personIds, false), add);
  add('part', origins.part.subarray(0, n), 'i32');
  add('day', origins.day.subarray(0, n), 'i32');
  for (const kind of KINDS) {
    const ids = new Map<string, number>(), texts: string[] = [], keyOf = new Int32Array(n).fill(-1);
    for (let r = 0; r < n; r++) {
      const value = origins.keys[kind][r];
      if (!value) continue;
      let id = ids.get(value);
      if (id === undefined) { ids.set(value, (id = texts.length)); texts.push(value); }
      keyOf[r] = id;
    }
    const holders = csr(texts.length, (push) => { for (let r = 0; r < n; r++) if (keyOf[r] >= 0) push(keyOf[r], r); });
    add(`${kind}Of`, keyOf, 'i32');
    addStrings(kind, Strings.of(texts, true), add);
    add(`${kind}RecordStarts`, holders.starts, 'i32'); add(`${kind}Records`, holders.items, 'i32');
  }

  const header: Header = { format: 1, versions: table.versions, partners: table.partners, parts: parts as IndexPart[], records: n, units, tokens: tokenTexts.length, sections: {} };
  let offset = 0;
  for (const [name, array, type] of sections) { header.sections[name] = [offset, array.byteLength / BYTES[type], type]; offset = align(offset + array.byteLength); }
  const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'utf8');
  const start = align(head.length + 4);
  const first = Buffer.alloc(start);
  first.writeUInt32LE(head.length, 0);
  head.copy(first, 4);
  const out: Uint8Array[] = [first];
  let at = 0;
  for (const [name, array] of sections) {
    const from = header.sections[name][0];
    if (from > at) out.push(new Uint8Array(from - at));
    out.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    at = from + array.byteLength;
  }
  if (offset > at) out.push(new Uint8Array(offset - at));
  return out;
}

function addStrings(name: string, strings: Strings, add: (name: string, array: ArrayBufferView, type: Header['sections'][string][2]) => void) {
  add(`${name}Starts`, strings.starts, 'i32'); add(`${name}Bytes`, strings.bytes, 'u8');
  if (strings.hashes.length) { add(`${name}Hashes`, strings.hashes, 'u32'); add(`${name}Order`, strings.order, 'i32'); }
}

const BYTES = { i32: 4, u32: 4, u16: 2, i8: 1, u8: 1 } as const;
const align = (n: number) => (n + 7) & ~7;

/** A stored record as arrival adds it to its table. */
export interface IndexedRecord { id: string; person: string; partner: string; nhs: string | null; upn: string | null; local: string | null; nameDob: string | null; unit: number }

/** A token index read in place. */
export class TokenIndex {
  private readonly header: Header;
  /** Typed views of the sections, of the header's types. */
  private readonly arrays: Record<string, any>;
  private readonly tokens: Strings;
  private readonly ids: Strings;
  private readonly persons: Strings;
  private readonly keys: Record<Kind, Strings>;

  constructor(stored: Uint8Array) {
    const body = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    const length = body.readUInt32LE(0), head = body.subarray(4, 4 + length).toString('utf8');
    if (!head.startsWith(MAGIC)) throw new Error('not a token index');
    this.header = JSON.parse(head.slice(MAGIC.length));
    // Typed arrays need their alignment: a buffer from a pool may not have it.
    const bytes = body.byteOffset % 8 === 0 ? body : Buffer.from(body);
    const start = align(length + 4);
    const views = { i32: Int32Array, u32: Uint32Array, u16: Uint16Array, i8: Int8Array, u8: Uint8Array };
    this.arrays = Object.fromEntries(Object.entries(this.header.sections).map(([name, [offset, n, type]]) => [name, new views[type](bytes.buffer as ArrayBuffer, bytes.byteOffset + start + offset, n)]));
    const strings = (name: string) => new Strings({ starts: this.arrays[`${name}Starts`], bytes: this.arrays[`${name}Bytes`], hashes: this.arrays[`${name}Hashes`] ?? new Uint32Array(0), order: this.arrays[`${name}Order`] ?? new Int32Array(0) });
    this.tokens = strings('token');
    this.ids = strings('id');
    this.persons = strings('person');
    this.keys = Object.fromEntries(KINDS.map((k) => [k, strings(k)])) as Record<Kind, Strings>;
  }

  get records(): number { return this.header.records; }
  get parts(): readonly IndexPart[] { return this.header.parts; }
  get tokenCount(): number { return this.header.tokens; }

  /** Whether the run linked a record of this id. */
  linked(id: string): boolean { return this.ids.find(id) >= 0; }

  /** The token's id, or -1 where no stored record carries it. */
  token(text: string): number { return this.tokens.find(text); }
  tokenText(token: number): string { return this.tokens.text(token); }

  /** The units of a block within its limit (none for one over it). */
  unitsOf(token: number): Int32Array { return this.slice('tokenUnit', token); }
  recordsOf(unit: number): Int32Array { return this.slice('unitRecord', unit); }
  tokensOf(unit: number): Int32Array { return this.slice('unitToken', unit); }
  /** The records holding this exact key. */
  holders(kind: Kind, text: string): Int32Array {
    const id = this.keys[kind].find(text);
    return id < 0 ? new Int32Array(0) : this.slice(`${kind}Record`, id);
  }

  part(record: number): number { return this.arrays.part[record]; }
  day(record: number): number { return this.arrays.day[record]; }

  record(r: number): IndexedRecord {
    const key = (kind: Kind) => { const id = this.arrays[`${kind}Of`][r]; return id < 0 ? null : this.keys[kind].text(id); };
    return {
      id: this.ids.text(r), person: this.persons.text(r), partner: this.header.partners[this.arrays.partner[r]],
      nhs: key('nhs'), upn: key('upn'), local: key('local'), nameDob: key('nameDob'), unit: this.arrays.unit[r],
    };
  }

  /** A unit's encoding, or null for a record without one. */
  clk(unit: number): Clk | null {
    const v = this.arrays.version[unit];
    if (v < 0) return null;
    return { version: this.header.versions[v], words: this.arrays.words.subarray(32 * unit, 32 * unit + 32), counts: this.arrays.counts.subarray(F * unit, F * unit + F) };
  }

  private slice(name: string, row: number): Int32Array {
    const starts = this.arrays[`${name}Starts`];
    return this.arrays[`${name}s`].subarray(starts[row], starts[row + 1]) as Int32Array;
  }
}

/** The extracts of the person datasets that count now, and the days of each that count (null: all its rows). */
export function countingExtracts(extracts: CountedExtract[], datasetIds: readonly string[]): IndexPart[] {
  const out: IndexPart[] = [];
  for (const id of new Set(datasetIds)) {
    const dataset = getDataset(id), byUpload = new Map<string, IndexPart>();
    for (const part of countingParts(dataset, extracts)) {
      let entry = byUpload.get(part.upload_id);
      if (!entry) { byUpload.set(part.upload_id, (entry = { dataset: id, upload_id: part.upload_id, ranges: part.from !== null && dataset.eventDate ? [] : null })); out.push(entry); }
      // As the engines keep rows: by the event day, where a part is dated (analytics/engines, `keep`).
      if (entry.ranges) entry.ranges.push([isoToDay(part.from!)!, isoToDay(part.to!)!]);
    }
  }
  return out;
}

/**
 * Which of the index's records still count, against the extracts counting now (`now`, countingExtracts); null where
 * the index cannot say who the stored records are: an extract counting now that the run did not read (other than
 * `uploading`, whose records are the new ones), or days of an extract counting now that did not count in the run.
 */
export function stillCounting(index: TokenIndex, now: readonly IndexPart[], uploading: string): Uint8Array | null {
  const then = new Map(index.parts.map((p, i) => [`${p.dataset}\u001f${p.upload_id}`, i]));
  const ranges: ([number, number][] | null | undefined)[] = index.parts.map(() => undefined);
  for (const part of now) {
    const i = then.get(`${part.dataset}\u001f${part.upload_id}`);
    if (i === undefined) { if (part.upload_id === uploading) continue; return null; }
    if (!covered(part.ranges, index.parts[i].ranges)) return null;
    ranges[i] = part.ranges;
  }
  const out = new Uint8Array(index.records);
  for (let r = 0; r < out.length; r++) {
    const kept = ranges[index.part(r)];
    if (kept === undefined) continue;
    if (kept === null) { out[r] = 1; continue; }
    const day = index.day(r);
    for (const [from, to] of kept) if (day >= from && day <= to) { out[r] = 1; break; }
  }
  return out;
}

/** Whether every day of `inner` is a day of `outer` (null: every day). */
function covered(inner: [number, number][] | null, outer: [number, number][] | null): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  const sorted = [...outer].sort((a, b) => a[0] - b[0]);
  for (const [from, to] of inner) {
    let day = from;
    for (const [a, b] of sorted) if (a <= day && day <= b) day = b + 1;
    if (day <= to) return false;
  }
  return true;
}
