import { clkFields, linkageConfig, type ClkField, type LinkageConfig } from '../../schemas/linkage.ts';
import { decodeStoredClk, popcount, segments, type Clk } from './clk.ts';
import { compile, logistic, logit, MISSING, termFrequency, type CompiledModel, type Explanation, type TrainedModel } from './model.ts';
import { TokenPool } from './token-pool.ts';
import { tagOf } from './training.ts';

/**
 * Blocks as columns: token t's units are `members[start[t], start[t + 1])` (ascending), with `records[t]` records
 * between them; `tokens` lists the tokens with units in the order first met.
 */
export interface BlockMembers { tokens: Int32Array; start: Int32Array; members: Int32Array; records: Int32Array; skipped: Uint8Array }

/** A person record's own fields as the link table keeps them (its encoding and tokens apart). */
export interface LinkKeys { id: string; partner: string; local: string | null; nhs: string | null; upn: string | null; nameDob: string | null }

/**
 * Person records as linkage holds them at scale: columns of small integers rather than an object per record, and
 * each distinct encoding once. Records with the same encoding (the same names, date of birth, postcode and sex) are
 * one *unit*: compared once, however many records carry it; at scale 10 that is 0.83M units for 1.7M records.
 * Stored encodings and tokens are decoded straight from their text (addStored): no string is kept per token.
 */
export class LinkTable {
  readonly ids: string[] = [];
  /** The partner (an index into `partners`). */
  readonly partner: number[] = [];
  readonly partners: string[] = [];
  /** Interned exact keys, -1 for none (the partner's person id is interned per partner); unique across kinds. */
  readonly local: number[] = [];
  readonly nhs: number[] = [];
  readonly upn: number[] = [];
  readonly nameDob: number[] = [];
  /** Record → its unit. Every record has one: a record with no encoding is a unit of its own, never compared. */
  readonly unit: number[] = [];
  /** Records added to a unit whose earlier records carry other tokens (none where the tokens follow the encoding). */
  unevenUnits = 0;
  /** Unit → its records, in the order added. */
  readonly members: number[][] = [];
  /** Unit → whether it has an encoding, its key version (an index into `versions`). */
  readonly encoded: boolean[] = [];
  readonly version: number[] = [];
  readonly versions: string[] = [];
  /**
   * Unit → its blocking and one-edit tokens (ids, sorted, distinct): `tokenPool` from `tokenStart[u]`, `tokenLength[u]`
   * of them. One pool rather than an array per unit: at scale 10 the arrays' own overhead was as large as their ids.
   */
  tokenPool = new Int32Array(1 << 16);
  tokenStart = new Int32Array(1024);
  tokenLength = new Int32Array(1024);
  private poolUsed = 0;
  private views: Int32Array[] | null = null;
  /** The encodings: 32 words and a bit count per field for each unit. */
  words = new Uint32Array(32 * 1024);
  counts = new Uint16Array(F * 1024);

  /** Exact keys by kind (the partner's person id by partner, its index), each value → its id. */
  private readonly keyIds = { nhs: new Map<string, number>(), upn: new Map<string, number>(), nameDob: new Map<string, number>() };
  private readonly localIds: Map<string, number>[] = [];
  private keys = 0;
  /** Blocking and one-edit tokens (`<version>:<tag>.<hash>`) → their ids. */
  private readonly tokens = new TokenPool();
  /** Encoded units by a hash of their version and words: a slot holds unit + 1, 0 for empty. */
  private unitSlots = new Int32Array(1 << 12);
  private unitHash = new Int32Array(1024);
  private encodedUnits = 0;
  /** A record's tokens while it is added. */
  private scratch = new Int32Array(256);
  private scratchLength = 0;
  private rankOf: Int32Array | null = null;
  private readonly segments: [number, number][];
  /** Each comparison's levels (clkFields order) as arrays for the comparison loop: Dice bound, and whether a swap. */
  private readonly plans: { dice: Float64Array; swapped: Uint8Array; other: Float64Array; shares: Int8Array }[];
  /** Token id → the tag of a blocking token (an index into `tags`), -1 for any other or an untagged one. */
  tagOfToken = new Int8Array(1024).fill(-1);
  /** The blocking tokens' tags seen (`fs`, `ss+by`, …), the levels' own first. */
  readonly tags: string[] = [...SHARED_TAGS];

  /** Each field's first word and its number of words. */
  private readonly segmentFrom: Int32Array;
  private readonly segmentWords: Int32Array;

  constructor(readonly config: LinkageConfig = linkageConfig) {
    this.segments = segments(config);
    this.segmentFrom = Int32Array.from(this.segments, ([from]) => from);
    this.segmentWords = Int32Array.from(this.segments, ([from, to]) => to - from);
    this.plans = clkFields.map((f) => ({
      dice: Float64Array.from(config.comparisons[f].levels, (l) => l.dice),
      swapped: Uint8Array.from(config.comparisons[f].levels, (l) => Number(l.swapped)),
      other: Float64Array.from(config.comparisons[f].levels, (l) => l.otherAtLeast ?? 0),
      shares: Int8Array.from(config.comparisons[f].levels, (l) => (l.shares ? SHARED_TAGS.indexOf(l.shares) : -1)),
    }));
  }

  get size(): number { return this.ids.length; }
  /** Exact keys' ids are below this. */
  get keyCount(): number { return this.keys; }
  /** Token ids are below this. */
  get tokenCount(): number { return this.tokens.size; }
  get units(): number { return this.members.length; }

  /** Each unit's tokens as a view of the pool (arrival and the benches; the full run reads the pool). */
  get blocks(): Int32Array[] {
    this.views ??= Array.from({ length: this.units }, (_, u) => this.tokenPool.subarray(this.tokenStart[u], this.tokenStart[u] + this.tokenLength[u]));
    return this.views;
  }

  /** A token's text (`<version>:<tag>.<hash>`). */
  tokenText(token: number): string { return this.tokens.text(token); }

  private key(ids: Map<string, number>, value: string | null | undefined): number {
    if (value === null || value === undefined || value === '') return -1;
    let id = ids.get(value);
    if (id === undefined) ids.set(value, (id = this.keys++));
    return id;
  }

  /** Adds one record given as objects (tests, the evaluation harness): its decoded encoding and its tokens with their versions. */
  add(record: LinkKeys & { blocks: readonly string[] }, clk: Clk | null): number {
    let unit: number;
    if (clk) { this.ensureUnits(this.units + 1); this.words.set(clk.words, 32 * this.units); unit = this.encodedUnit(clk.version, clk.counts); } else unit = this.newUnit(null);
    this.scratchLength = 0;
    for (const token of record.blocks) this.addToken(token, 0, 0, token, 0, token.length);
    return this.addRecord(record, unit);
  }

  /**
   * Adds one record whose tokens are ids from `internToken`: a table built from another's records (arrival's
   * neighbours from the run's token index) interns each distinct token once, not once per record.
   */
  addInterned(record: LinkKeys, clk: Clk | null, tokens: ArrayLike<number>): number {
    let unit: number;
    if (clk) { this.ensureUnits(this.units + 1); this.words.set(clk.words, 32 * this.units); unit = this.encodedUnit(clk.version, clk.counts); } else unit = this.newUnit(null);
    this.scratchLength = 0;
    for (let i = 0; i < tokens.length; i++) this.pushToken(tokens[i]);
    return this.addRecord(record, unit);
  }

  /** A token's id (`<version>:<tag>.<hash>`), interned now where it is new. */
  internToken(text: string): number {
    return this.tokenId(text, 0, 0, text, 0, text.length);
  }

  /**
   * Adds one record from its stored columns: the CLK (`<version>:` + base64url) decoded straight into the table,
   * and the stored blocking and one-edit tokens (`<version>:<token> <token>…`, see link-rows.ts storedTokens).
   */
  addStored(record: LinkKeys, clk: string | null, blocks: string | null, edits: string | null): number {
    const unit = this.storedUnit(clk);
    this.scratchLength = 0;
    this.addStoredTokens(blocks);
    this.addStoredEdits(edits);
    return this.addRecord(record, unit);
  }

  private storedUnit(clk: string | null): number {
    // Decoded at the end of the words, where the next unit would go: kept there if it is new.
    this.ensureUnits(this.units + 1);
    const version = decodeStoredClk(clk, this.words, 32 * this.units);
    return version === null ? this.newUnit(null) : this.encodedUnit(version, null);
  }

  private addRecord(record: LinkKeys, unit: number): number {
    const index = this.ids.length;
    this.ids.push(record.id);
    let partner = this.partners.indexOf(record.partner);
    if (partner < 0) { partner = this.partners.push(record.partner) - 1; this.localIds.push(new Map()); }
    this.partner.push(partner);
    this.local.push(this.key(this.localIds[partner], record.local));
    this.nhs.push(this.key(this.keyIds.nhs, record.nhs));
    this.upn.push(this.key(this.keyIds.upn, record.upn));
    this.nameDob.push(this.key(this.keyIds.nameDob, record.nameDob));
    this.addBlocks(unit);
    this.unit.push(unit);
    this.members[unit].push(index);
    this.rankOf = null;
    this.views = null;
    this.encodedBlocks = null;
    this.model = null;
    this.sharedPair = [-1, -1];
    return index;
  }

  private ensureUnits(units: number) {
    if (this.words.length < 32 * units) {
      const words = new Uint32Array(this.words.length * 2); words.set(this.words); this.words = words;
      const counts = new Uint16Array(this.counts.length * 2); counts.set(this.counts); this.counts = counts;
    }
  }

  /**
   * The unit of the encoding written where the next unit's words go: an earlier unit with the same version and words,
   * or a new one (with these bit counts, or those of its words).
   */
  private encodedUnit(version: string, counts: Uint16Array | null): number {
    const next = this.units;
    let v = this.versions.indexOf(version);
    if (v < 0) v = this.versions.push(version) - 1;
    const { words } = this, at = 32 * next;
    let h = Math.imul(0x811c9dc5 ^ v, 0x01000193);
    for (let w = 0; w < 32; w++) h = Math.imul(h ^ words[at + w], 0x01000193);
    const mask = this.unitSlots.length - 1;
    let s = h & mask;
    for (; this.unitSlots[s] !== 0; s = (s + 1) & mask) {
      const u = this.unitSlots[s] - 1;
      if (this.unitHash[u] !== h || this.version[u] !== v) continue;
      let same = true;
      for (let w = 0; same && w < 32; w++) same = words[32 * u + w] === words[at + w];
      if (same) return u;
    }
    const unit = this.newUnit(v);
    for (let f = 0; f < F; f++) {
      let n = 0;
      if (counts) n = counts[f]; else for (let w = this.segments[f][0]; w < this.segments[f][1]; w++) n += popcount(words[at + w]);
      this.counts[F * unit + f] = n;
    }
    if (this.unitHash.length <= unit) { const grown = new Int32Array(2 * this.unitHash.length + unit); grown.set(this.unitHash); this.unitHash = grown; }
    this.unitHash[unit] = h;
    this.unitSlots[s] = unit + 1;
    if (2 * ++this.encodedUnits > this.unitSlots.length) this.rehashUnits();
    return unit;
  }

  private rehashUnits() {
    const slots = new Int32Array(this.unitSlots.length * 2), mask = slots.length - 1;
    for (let u = 0; u < this.units; u++) {
      if (!this.encoded[u]) continue;
      let s = this.unitHash[u] & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = u + 1;
    }
    this.unitSlots = slots;
  }

  /** A new unit: encoded (its words already written) in key version `version`, or not (null). */
  private newUnit(version: number | null): number {
    const unit = this.members.length;
    this.members.push([]);
    this.encoded.push(version !== null);
    this.version.push(version ?? -1);
    if (unit >= this.tokenStart.length) {
      const start = new Int32Array(2 * this.tokenStart.length); start.set(this.tokenStart); this.tokenStart = start;
      const length = new Int32Array(2 * this.tokenLength.length); length.set(this.tokenLength); this.tokenLength = length;
    }
    if (version === null) { this.ensureUnits(unit + 1); this.words.fill(0, 32 * unit, 32 * unit + 32); }
    return unit;
  }

  /** Interns the token `a[aFrom, aTo) + b[bFrom, bTo)` into the record's tokens. */
  private addToken(a: string, aFrom: number, aTo: number, b: string, bFrom: number, bTo: number) {
    this.pushToken(this.tokenId(a, aFrom, aTo, b, bFrom, bTo));
  }

  private tokenId(a: string, aFrom: number, aTo: number, b: string, bFrom: number, bTo: number): number {
    const known = this.tokens.size, id = this.tokens.intern(a, aFrom, aTo, b, bFrom, bTo);
    if (id === known) {
      if (id >= this.tagOfToken.length) {
        const grown = new Int8Array(Math.max(2 * this.tagOfToken.length, id + 1)).fill(-1); grown.set(this.tagOfToken); this.tagOfToken = grown;
      }
      const tag = tagOf(this.tokens.text(id));
      let t = tag === null ? -1 : this.tags.indexOf(tag);
      if (tag !== null && t < 0) t = this.tags.push(tag) - 1;
      this.tagOfToken[id] = t;
    }
    return id;
  }

  private pushToken(id: number) {
    this.ensureScratch(1);
    this.scratch[this.scratchLength++] = id;
  }

  /**
   * A forename's one-edit tokens depend on it alone, so few stored texts carry most of them (331 distinct in 50,000
   * person rows): each text's ids are kept, and a text seen before is not interned again.
   */
  private addStoredEdits(stored: string | null) {
    if (!stored) return;
    const known = this.editIds.get(stored);
    if (known) {
      this.ensureScratch(known.length);
      this.scratch.set(known, this.scratchLength);
      this.scratchLength += known.length;
      return;
    }
    const from = this.scratchLength;
    this.addStoredTokens(stored);
    if (this.editIds.size >= 1 << 16) this.editIds.clear();
    this.editIds.set(stored, this.scratch.slice(from, this.scratchLength));
  }
  private readonly editIds = new Map<string, Int32Array>();

  private ensureScratch(more: number) {
    if (this.scratchLength + more > this.scratch.length) {
      const grown = new Int32Array(Math.max(2 * this.scratch.length, this.scratchLength + more)); grown.set(this.scratch); this.scratch = grown;
    }
  }

  /** Stored tokens, each with its version (as storedTokens gives them), into the record's tokens. */
  private addStoredTokens(stored: string | null) {
    if (!stored) return;
    const colon = stored.indexOf(':');
    if (colon < 0) { for (const token of storedTokensOf(stored)) this.addToken(token, 0, 0, token, 0, token.length); return; }
    for (let from = colon + 1; ;) {
      const space = stored.indexOf(' ', from), to = space < 0 ? stored.length : space;
      this.addToken(stored, 0, colon + 1, stored, from, to);
      if (space < 0) break;
      from = space + 1;
    }
  }

  /** The record's tokens into its unit's (sorted, distinct). */
  private addBlocks(unit: number) {
    let n = this.scratchLength;
    const from = this.tokenStart[unit], length = this.tokenLength[unit];
    // Records added to a unit whose earlier records carry other tokens are counted (the token index needs none).
    if (n === 0) { if (this.members[unit].length > 0 && length > 0) this.unevenUnits++; return; }
    const mine = this.scratch.subarray(0, n).sort();
    let distinct = 1;
    for (let i = 1; i < n; i++) if (mine[i] !== mine[distinct - 1]) mine[distinct++] = mine[i];
    n = distinct;
    // A unit's later records nearly always carry its first record's tokens: nothing to add then.
    let fresh = length === 0;
    for (let i = 0, j = 0; !fresh && i < n;) {
      if (j === length || this.tokenPool[from + j] > mine[i]) fresh = true;
      else if (this.tokenPool[from + j] === mine[i]) { i++; j++; } else j++;
    }
    if (this.members[unit].length > 0 && (fresh || n !== length)) this.unevenUnits++;
    if (!fresh) return;
    if (this.poolUsed + length + n > this.tokenPool.length) {
      const grown = new Int32Array(Math.max(2 * this.tokenPool.length, this.poolUsed + length + n)); grown.set(this.tokenPool.subarray(0, this.poolUsed)); this.tokenPool = grown;
    }
    // The union is written at the pool's end (a unit's earlier tokens, if any, are left behind unused).
    const pool = this.tokenPool, at = this.poolUsed;
    let k = at;
    for (let i = 0, j = 0; i < n || j < length;) {
      const x = j < length ? pool[from + j] : Infinity, y = i < n ? mine[i] : Infinity;
      if (x < y) { pool[k++] = x; j++; } else if (y < x) { pool[k++] = y; i++; } else { pool[k++] = x; i++; j++; }
    }
    this.tokenStart[unit] = at;
    this.tokenLength[unit] = k - at;
    this.poolUsed = k;
  }

  /** Record → its place in the order of record ids: ties are broken by it, so input order never matters. */
  get rank(): Int32Array {
    if (!this.rankOf) {
      const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => (this.ids[a] < this.ids[b] ? -1 : this.ids[a] > this.ids[b] ? 1 : 0));
      this.rankOf = new Int32Array(this.size);
      order.forEach((record, r) => { this.rankOf![record] = r; });
    }
    return this.rankOf;
  }

  /** Dice of each field of two units' encodings, into `out`; null where either has nothing in a field. */
  fieldDice(u: number, v: number, out: (number | null)[] = clkFields.map(() => null)): (number | null)[] {
    const { words, counts } = this;
    this.segments.forEach(([from, to], f) => {
      const cu = counts[F * u + f], cv = counts[F * v + f];
      if (cu === 0 || cv === 0) { out[f] = null; return; }
      out[f] = (2 * this.common(u, v, from, from, to - from)) / (cu + cv);
    });
    return out;
  }

  /** Bits set in both: `n` words of unit u from word `fu`, of unit v from `fv`. */
  private common(u: number, v: number, fu: number, fv: number, n: number): number {
    const { words } = this;
    let common = 0;
    for (let w = 0, a = 32 * u + fu, b = 32 * v + fv; w < n; w++, a++, b++) {
      let x = words[a] & words[b];
      x -= (x >>> 1) & 0x55555555;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      common += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return common;
  }

  // ---- The model ----

  /** The trained model the scores come from (training.ts), and the term frequency of each name block's token. */
  model: CompiledModel | null = null;
  private tfOfToken: Float64Array = new Float64Array(0);
  /** Per name comparison: the tag of its blocking tokens, and its largest term-frequency weight in this table. */
  private tfBest = new Float64Array(F);
  /** The most each comparison can add (a missing field adds nothing): the early stop's bound. */
  private best = new Float64Array(F);

  /** Scores come from `model` from now on; a name's blocking tokens give its term frequency. */
  useModel(model: TrainedModel): this {
    this.model = compile(model, this.config);
    this.sharedPair = [-1, -1];
    const sizes = this.blockRecords();
    this.tfOfToken = new Float64Array(this.tokenCount);
    this.tfBest = new Float64Array(F + 1).fill(-Infinity);
    for (const [c, tag] of tfTags) {
      const u = c === PAIR ? this.model.swap.u : model.comparisons[clkFields[c]].u[0];
      let lowest = Infinity;
      sizes.forEach((records, token) => {
        if (records === 0 || this.tags[this.tagOfToken[token]] !== tag) return;
        const f = termFrequency(records, u, model.termFrequency);
        this.tfOfToken[token] = c + 1 + f; // which comparison (the integer part) and the frequency (below 1)
        lowest = Math.min(lowest, f);
      });
      if (lowest < Infinity && c < F) this.tfBest[c] = Math.log(this.model.exactM[c] / lowest);
    }
    // Both names swapped weigh at most ln(m / u) together (model.ts `swap`): the forename's part, beyond the surname's.
    const { swap } = this.model;
    const swapBest = swap.forename >= 0 ? Math.log(swap.m / swap.u) - this.model.weights[SURNAME][swap.surname] : 0;
    this.best = Float64Array.from(this.model.weights, (ws, c) => Math.max(0, this.tfBest[c], ...ws, c === FORENAME ? swapBest : 0));
    return this;
  }

  /**
   * The blocks of `units`: token → its units, and which blocks are skipped (more than `maxBlock` records:
   * a block's size is its records, not its units, as the settings were measured on records).
   */
  blockMembers(units: readonly number[], maxBlock: number): BlockMembers {
    const tagOf = this.tagOfToken, { tokenPool: pool, tokenStart, tokenLength } = this, tokens = this.tokenCount;
    const start = new Int32Array(tokens + 1), records = new Int32Array(tokens);
    let blocking = 0, found = 0;
    for (const u of units) {
      for (let k = tokenStart[u], end = k + tokenLength[u]; k < end; k++) {
        const t = pool[k];
        if (tagOf[t] === NOT_BLOCKING) continue;
        if (start[t]++ === 0) found++;
        records[t] += this.members[u].length;
        blocking++;
      }
    }
    // Tokens in the order first met (units in order, each one's tokens in order): training sums over blocks in it.
    const order = new Int32Array(found);
    const at = new Int32Array(tokens);
    let f = 0;
    for (const u of units) {
      for (let k = tokenStart[u], end = k + tokenLength[u]; k < end; k++) {
        const t = pool[k];
        if (tagOf[t] !== NOT_BLOCKING && at[t] === 0) { order[f++] = t; at[t] = -1; }
      }
    }
    for (let t = 0, sum = 0; t <= tokens; t++) { const n = t < tokens ? start[t] : 0; start[t] = sum; if (t < tokens) { at[t] = sum; sum += n; } }
    const members = new Int32Array(blocking);
    for (const u of units) {
      for (let k = tokenStart[u], end = k + tokenLength[u]; k < end; k++) if (tagOf[pool[k]] !== NOT_BLOCKING) members[at[pool[k]]++] = u;
    }
    const skipped = new Uint8Array(tokens);
    for (let t = 0; t < tokens; t++) if (records[t] > maxBlock || (t < tagOf.length && tagOf[t] === NOT_BLOCKING)) skipped[t] = 1;
    return { tokens: order, start, members, records, skipped };
  }

  /**
   * blockMembers of every encoded unit, worked out once for training's sessions and candidate search: kept until
   * asked for with `last` (it is large), or a record is added. Each caller has its own `skipped`.
   */
  encodedBlockMembers(maxBlock: number, last = false): BlockMembers {
    let kept = this.encodedBlocks?.maxBlock === maxBlock ? this.encodedBlocks : null;
    if (!kept) {
      const encoded: number[] = [];
      for (let unit = 0; unit < this.units; unit++) if (this.encoded[unit]) encoded.push(unit);
      kept = { maxBlock, blocks: this.blockMembers(encoded, maxBlock) };
    }
    this.encodedBlocks = last ? null : kept;
    return { ...kept.blocks, skipped: kept.blocks.skipped.slice() };
  }
  private encodedBlocks: { maxBlock: number; blocks: BlockMembers } | null = null;

  /** Token → how many records carry it. */
  blockRecords(): Int32Array {
    const sizes = new Int32Array(this.tokenCount), { tokenPool: pool, tokenStart, tokenLength } = this;
    for (let unit = 0; unit < this.units; unit++) {
      const n = this.members[unit].length;
      for (let k = tokenStart[unit], end = k + tokenLength[unit]; k < end; k++) sizes[pool[k]] += n;
    }
    return sizes;
  }

  /** The model scores come from: trained explicitly (training.ts `withTrainedModel`, or `useModel`), never here. */
  private get compiled(): CompiledModel {
    if (!this.model) throw new Error('the link table has no model: train one first (withTrainedModel) or give one (useModel)');
    return this.model;
  }

  /**
   * Each comparison's level for two units (model.ts MISSING where a field is missing on either side), into `out`;
   * false where they do not compare: an encoding missing or of another key version, or too little to say the same
   * person (no name on either side, or neither a date of birth nor a postcode on both).
   */
  levels(u: number, v: number, out: Int8Array): boolean {
    if (!this.comparable(u, v)) return false;
    for (let c = 0; c < F; c++) out[c] = this.level(u, v, c);
    return true;
  }

  private comparable(u: number, v: number): boolean {
    if (!this.encoded[u] || !this.encoded[v] || this.version[u] !== this.version[v]) return false;
    // No closure here: this runs for every candidate pair.
    const { counts } = this, cu = F * u, cv = F * v;
    const names = (counts[cu + FORENAME] > 0 && counts[cv + FORENAME] > 0) || (counts[cu + SURNAME] > 0 && counts[cv + SURNAME] > 0) || this.crossHas(u, v);
    return names && ((counts[cu + DOB] > 0 && counts[cv + DOB] > 0) || (counts[cu + POSTCODE] > 0 && counts[cv + POSTCODE] > 0));
  }

  private crossHas(u: number, v: number): boolean {
    const { counts } = this;
    return (counts[F * u + FORENAME] > 0 && counts[F * v + SURNAME] > 0) || (counts[F * u + SURNAME] > 0 && counts[F * v + FORENAME] > 0);
  }

  /** One comparison's level: the first of its levels (best first) whose Dice bound holds, else `different`. */
  private level(u: number, v: number, c: number): number {
    const { counts } = this;
    const cu = counts[F * u + c], cv = counts[F * v + c];
    const plan = this.plans[c];
    let straight = -1, cross = -1;
    for (let l = 0; l < plan.dice.length; l++) {
      if (plan.swapped[l]) {
        if (plan.shares[l] >= 0 && !this.sharesTag(u, v, plan.shares[l])) continue;
        // Dice is at most 2·min/(sum) of the bit counts: most pairs are ruled out without comparing the bits.
        if (cross < 0 && !this.crossCouldReach(u, v, c, plan.dice[l])) cross = 0;
        if (cross < 0) cross = this.crossDice(u, v, c);
        if (cross >= plan.dice[l] && (plan.other[l] === 0 || this.crossDice(u, v, c === FORENAME ? SURNAME : FORENAME) >= plan.other[l])) return l;
      } else {
        // The shared token is looked for after the Dice bound, which most pairs fall short of (looking merges the
        // two units' tokens); the level is the same either way round.
        if (cu === 0 || cv === 0) continue;
        if (straight < 0) { const from = this.segmentFrom[c]; straight = (2 * this.common(u, v, from, from, this.segmentWords[c])) / (cu + cv); }
        if (straight >= plan.dice[l] && (plan.shares[l] < 0 || this.sharesTag(u, v, plan.shares[l]))) return l;
      }
    }
    return cu === 0 || cv === 0 ? MISSING : plan.dice.length;
  }

  private crossCouldReach(u: number, v: number, c: number, dice: number): boolean {
    const other = c === FORENAME ? SURNAME : c === SURNAME ? FORENAME : -1;
    if (other < 0) return false;
    const cu = this.counts[F * u + c], cv = this.counts[F * v + other];
    return cu + cv > 0 && (2 * Math.min(cu, cv)) / (cu + cv) >= dice;
  }

  /** Dice of this name of u against the other name of v (a swap), 0 where either is missing or the segments differ. */
  private crossDice(u: number, v: number, c: number): number {
    const other = c === FORENAME ? SURNAME : c === SURNAME ? FORENAME : -1;
    if (other < 0) return 0;
    const [from, to] = this.segments[c], [oFrom, oTo] = this.segments[other];
    const cu = this.counts[F * u + c], cv = this.counts[F * v + other];
    if (cu === 0 || cv === 0 || to - from !== oTo - oFrom) return 0;
    return (2 * this.common(u, v, from, oFrom, to - from)) / (cu + cv);
  }

  /**
   * The weight of comparison c at `level` for units u and v: term frequency for a name agreeing exactly; the
   * forename's swap counts the surname's too when both are swapped (model.ts `swap`; `surname` is its level).
   */
  private weight(model: CompiledModel, u: number, v: number, c: number, level: number, surname = -1): number {
    if (level === MISSING) return 0;
    if (c === FORENAME && level === model.swap.forename && surname === model.swap.surname) {
      const f = this.sharedFrequency(u, v, PAIR);
      if (f > 0) return Math.log(model.swap.m / Math.max(f, model.swap.u)) - model.weights[SURNAME][surname];
    }
    if (level === 0 && (c === FORENAME || c === SURNAME)) {
      const f = this.sharedFrequency(u, v, c);
      if (f > 0) return Math.log(model.exactM[c] / f);
    }
    return model.weights[c][level];
  }

  /** The pair `shared` was read for, the tags (a bit each) of the blocking tokens it shares, and their term frequencies. */
  private sharedPair = [-1, -1];
  private sharedTags = 0;
  private readonly sharedTf = new Float64Array(F + 1);

  /** One pass over two units' blocking tokens: which tags they share, and the rarest shared name block of each name. */
  private shared(u: number, v: number): number {
    if (this.sharedPair[0] === u && this.sharedPair[1] === v) return this.sharedTags;
    const pool = this.tokenPool, tf = this.tfOfToken, tags = this.tagOfToken, freq = this.sharedTf;
    let mask = 0;
    freq.fill(0);
    for (let i = this.tokenStart[u], j = this.tokenStart[v], iEnd = i + this.tokenLength[u], jEnd = j + this.tokenLength[v]; i < iEnd && j < jEnd;) {
      const a = pool[i], b = pool[j];
      if (a < b) i++;
      else if (a > b) j++;
      else {
        const t = a, tag = tags[t];
        if (tag >= 0 && tag < 31) mask |= 1 << tag;
        const x = t < tf.length ? tf[t] : 0;
        if (x > 0) { const c = Math.floor(x) - 1, f = x - c - 1; if (freq[c] === 0 || f < freq[c]) freq[c] = f; }
        i++; j++;
      }
    }
    this.sharedPair[0] = u; this.sharedPair[1] = v;
    return (this.sharedTags = mask);
  }

  /** Whether two units share a blocking token with the given tag. */
  private sharesTag(u: number, v: number, tag: number): boolean {
    return (this.shared(u, v) & (1 << tag)) !== 0;
  }

  /** The term frequency of the rarest name block of comparison c that both units are in; 0 for none. */
  private sharedFrequency(u: number, v: number, c: number): number {
    this.shared(u, v);
    return this.sharedTf[c];
  }

  /** The score of two units: the probability that they are one person; null where they do not compare (see levels). */
  score(u: number, v: number): number | null {
    return this.scoreAtLeast(u, v, 0);
  }

  /** Whether a guard holds the pair from linking without review (schemas/linkage.ts guards). */
  held(u: number, v: number): boolean {
    return this.guardOf(u, v) !== null;
  }

  /** Whether a guard keeps the pair apart: neither linked nor queued (schemas/linkage.ts guards). */
  apart(u: number, v: number): boolean {
    return this.levels(u, v, scratch) && this.compiled.apart(scratch);
  }

  /** The guard that holds the pair from linking without review, or null. */
  guardOf(u: number, v: number): string | null {
    return this.levels(u, v, scratch) ? this.compiled.guardOf(scratch) : null;
  }

  /**
   * The score of two units as `score` gives it, or null as soon as the comparisons left could not lift it to
   * `threshold`: the comparison loop of candidate search, where most pairs fall short.
   */
  scoreAtLeast(u: number, v: number, threshold: number): number | null {
    if (!this.comparable(u, v)) return null;
    const model = this.compiled;
    const needed = threshold >= 1 ? Infinity : threshold <= 0 ? -Infinity : logit(threshold);
    let best = 0;
    for (let c = 0; c < F; c++) best += this.best[c];
    let logOdds = model.prior, surname = -1;
    for (const c of ORDER) {
      const level = this.level(u, v, c);
      if (c === SURNAME) surname = level;
      logOdds += this.weight(model, u, v, c, level, surname);
      best -= this.best[c];
      if (logOdds + best < needed - 1e-9) return null;
    }
    return logistic(logOdds);
  }

  /** Why two units score what they do: the waterfall of the review queue (weights in nats). */
  explain(u: number, v: number): Explanation | null {
    if (!this.comparable(u, v)) return null;
    const model = this.compiled;
    const surname = this.level(u, v, SURNAME);
    return {
      prior: model.prior,
      comparisons: clkFields.map((comparison, c) => {
        const level = this.level(u, v, c);
        return { comparison, level: level === MISSING ? 'missing' : model.model.comparisons[comparison].levels[level], weight: this.weight(model, u, v, c, level, surname) };
      }),
    };
  }
}

const F = clkFields.length;
/** The term-frequency slot of the name pair (`fs+ss`), after the comparisons' own. */
const PAIR = F;
const [FORENAME, SURNAME, DOB, POSTCODE] = (['forename', 'surname', 'dob', 'postcode'] as const).map((c) => clkFields.indexOf(c as ClkField));
/** The comparison loop's order: the most telling first, so most pairs stop early. */
const ORDER = [DOB, SURNAME, FORENAME, POSTCODE, ...clkFields.map((_, c) => c).filter((c) => ![DOB, SURNAME, FORENAME, POSTCODE].includes(c))];
/** The blocking tokens that count a name comparison's term frequency (analytics/matching/encoding.ts tags). */
const tfTags: [number, string][] = [[FORENAME, 'fs'], [SURNAME, 'ss'], [PAIR, 'fs+ss']];
/** The tags a level may ask both records to share (schemas/linkage.ts). */
const SHARED_TAGS = ['fs', 'ss', 'by', 'pd', 'fe'] as const;
/** The tag of tokens that levels compare but blocking never uses (a forename's one-edit neighbourhood). */
const NOT_BLOCKING = SHARED_TAGS.indexOf('fe');
const scratch = new Int8Array(F);

/** Stored tokens without a version's colon: as link-rows.ts storedTokens reads them (all but the text's last character as the version). */
function storedTokensOf(stored: string): string[] {
  const version = stored.slice(0, -1);
  return stored.split(' ').map((t) => `${version}:${t}`);
}
