import { clkFields, linkageConfig, type ClkField, type LinkageConfig } from '../../schemas/linkage.ts';
import { segments, type Clk } from './clk.ts';
import { compile, logistic, logit, MISSING, termFrequency, type CompiledModel, type Explanation, type TrainedModel } from './model.ts';
import { tagOf } from './training.ts';

/**
 * Person records as linkage holds them at scale: columns of small integers rather than an object per record, and
 * each distinct encoding once. Records with the same encoding (the same names, date of birth, postcode and sex) are
 * one *unit*: compared once, however many records carry it; at scale 10 that is 0.83M units for 1.7M records.
 */
export class LinkTable {
  readonly ids: string[] = [];
  /** The partner (an index into `partners`). */
  readonly partner: number[] = [];
  readonly partners: string[] = [];
  /** Interned exact keys, -1 for none (the partner's person id is interned per partner). */
  readonly local: number[] = [];
  readonly nhs: number[] = [];
  readonly upn: number[] = [];
  readonly nameDob: number[] = [];
  /** Record → its unit. Every record has one: a record with no encoding is a unit of its own, never compared. */
  readonly unit: number[] = [];
  /** Unit → its records, in the order added. */
  readonly members: number[][] = [];
  /** Unit → whether it has an encoding, its key version (interned), blocking tokens (interned, sorted, distinct). */
  readonly encoded: boolean[] = [];
  readonly version: number[] = [];
  readonly blocks: Int32Array[] = [];
  /** The encodings: 32 words and a bit count per field for each unit. */
  words = new Uint32Array(32 * 1024);
  counts = new Uint16Array(F * 1024);

  private readonly interned = new Map<string, number>();
  private readonly unitOfClk = new Map<string, number>();
  private rankOf: Int32Array | null = null;
  private readonly segments: [number, number][];
  /** Each comparison's levels (clkFields order) as arrays for the comparison loop: Dice bound, and whether a swap. */
  private readonly plans: { dice: Float64Array; swapped: Uint8Array; other: Float64Array; shares: Int8Array }[];
  /** Interned id → the tag of a blocking token (an index into `tags`), -1 for any other or an untagged one. */
  tagOfToken = new Int8Array(1024).fill(-1);
  /** The blocking tokens' tags seen (`fs`, `ss+by`, …), the levels' own first. */
  readonly tags: string[] = [...SHARED_TAGS];

  constructor(readonly config: LinkageConfig = linkageConfig) {
    this.segments = segments(config);
    this.plans = clkFields.map((f) => ({
      dice: Float64Array.from(config.comparisons[f].levels, (l) => l.dice),
      swapped: Uint8Array.from(config.comparisons[f].levels, (l) => Number(l.swapped)),
      other: Float64Array.from(config.comparisons[f].levels, (l) => l.otherAtLeast ?? 0),
      shares: Int8Array.from(config.comparisons[f].levels, (l) => (l.shares ? SHARED_TAGS.indexOf(l.shares) : -1)),
    }));
  }

  get size(): number { return this.ids.length; }
  /** Interned values are below this. */
  get internedCount(): number { return this.interned.size; }
  get units(): number { return this.members.length; }

  private intern(kind: string, value: string | null | undefined): number {
    if (value === null || value === undefined || value === '') return -1;
    const key = `${kind}\u001f${value}`;
    let id = this.interned.get(key);
    if (id === undefined) this.interned.set(key, (id = this.interned.size));
    return id;
  }

  /**
   * Adds one record. `clkKey` identifies its encoding (the stored string), so records with the same one share a
   * unit; `clk` is the decoded encoding, asked for only the first time the key is seen.
   */
  add(record: { id: string; partner: string; local: string | null; nhs: string | null; upn: string | null; nameDob: string | null; blocks: readonly string[] },
    clkKey: string | null, clk: () => Clk | null): number {
    const index = this.ids.length;
    this.ids.push(record.id);
    let partner = this.partners.indexOf(record.partner);
    if (partner < 0) partner = this.partners.push(record.partner) - 1;
    this.partner.push(partner);
    this.local.push(this.intern(`local:${record.partner}`, record.local));
    this.nhs.push(this.intern('nhs', record.nhs));
    this.upn.push(this.intern('upn', record.upn));
    this.nameDob.push(this.intern('nameDob', record.nameDob));
    let unit = clkKey === null ? undefined : this.unitOfClk.get(clkKey);
    if (unit === undefined) {
      const decoded = clk();
      unit = this.newUnit(decoded);
      if (clkKey !== null && decoded) this.unitOfClk.set(clkKey, unit);
    }
    this.addBlocks(unit, record.blocks);
    this.unit.push(unit);
    this.members[unit].push(index);
    this.rankOf = null;
    this.model = null;
    this.sharedPair = [-1, -1];
    return index;
  }

  private newUnit(clk: Clk | null): number {
    const unit = this.members.length;
    this.members.push([]);
    this.encoded.push(clk !== null);
    this.version.push(clk ? this.intern('version', clk.version) : -1);
    this.blocks.push(new Int32Array(0));
    if (clk) {
      if (this.words.length < 32 * (unit + 1)) {
        const words = new Uint32Array(this.words.length * 2); words.set(this.words); this.words = words;
        const counts = new Uint16Array(this.counts.length * 2); counts.set(this.counts); this.counts = counts;
      }
      this.words.set(clk.words, 32 * unit);
      this.counts.set(clk.counts, F * unit);
    }
    return unit;
  }

  private addBlocks(unit: number, tokens: readonly string[]) {
    const current = this.blocks[unit];
    const ids: number[] = [];
    for (const token of tokens) {
      const id = this.intern('block', token);
      if (current.includes(id)) continue;
      ids.push(id);
      if (id >= this.tagOfToken.length) {
        const grown = new Int8Array(Math.max(2 * this.tagOfToken.length, id + 1)).fill(-1); grown.set(this.tagOfToken); this.tagOfToken = grown;
      }
      const tag = tagOf(token);
      let t = tag === null ? -1 : this.tags.indexOf(tag);
      if (tag !== null && t < 0) t = this.tags.push(tag) - 1;
      this.tagOfToken[id] = t;
    }
    if (!ids.length) return;
    this.blocks[unit] = Int32Array.from(new Set([...current, ...ids])).sort();
  }

  /** Interned id → the value interned (without its kind). */
  internedValues(): string[] {
    const values = new Array<string>(this.interned.size);
    for (const [key, id] of this.interned) values[id] = key.slice(key.indexOf('\u001f') + 1);
    return values;
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
    const values = this.internedValues();
    this.tfOfToken = new Float64Array(values.length);
    this.tfBest = new Float64Array(F + 1).fill(-Infinity);
    for (const [c, tag] of tfTags) {
      const u = c === PAIR ? this.model.swap.u : model.comparisons[clkFields[c]].u[0];
      let lowest = Infinity;
      sizes.forEach((records, token) => {
        if (records === 0 || tagOf(values[token]) !== tag) return;
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
   * The blocks of `units`: interned token → its units, and which blocks are skipped (more than `maxBlock` records:
   * a block's size is its records, not its units, as the settings were measured on records).
   */
  blockMembers(units: readonly number[], maxBlock: number): { blocks: Map<number, number[]>; skipped: Uint8Array } {
    const blocks = new Map<number, number[]>();
    const tagOf = this.tagOfToken;
    for (const u of units) for (const t of this.blocks[u]) if (tagOf[t] !== NOT_BLOCKING) (blocks.get(t) ?? blocks.set(t, []).get(t)!).push(u);
    const skipped = new Uint8Array(this.internedCount);
    for (const [token, members] of blocks) if (members.reduce((n, u) => n + this.members[u].length, 0) > maxBlock) skipped[token] = 1;
    for (let t = 0; t < Math.min(tagOf.length, skipped.length); t++) if (tagOf[t] === NOT_BLOCKING) skipped[t] = 1;
    return { blocks, skipped };
  }

  /** Interned block token → how many records carry it (0 for anything not a block token). */
  blockRecords(): Int32Array {
    const sizes = new Int32Array(this.internedCount);
    for (let unit = 0; unit < this.units; unit++) for (const t of this.blocks[unit]) sizes[t] += this.members[unit].length;
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
      if (plan.shares[l] >= 0 && !this.sharesTag(u, v, plan.shares[l])) continue;
      if (plan.swapped[l]) {
        // Dice is at most 2·min/(sum) of the bit counts: most pairs are ruled out without comparing the bits.
        if (cross < 0 && !this.crossCouldReach(u, v, c, plan.dice[l])) cross = 0;
        if (cross < 0) cross = this.crossDice(u, v, c);
        if (cross >= plan.dice[l] && (plan.other[l] === 0 || this.crossDice(u, v, c === FORENAME ? SURNAME : FORENAME) >= plan.other[l])) return l;
      } else {
        if (cu === 0 || cv === 0) continue;
        if (straight < 0) { const [from, to] = this.segments[c]; straight = (2 * this.common(u, v, from, from, to - from)) / (cu + cv); }
        if (straight >= plan.dice[l]) return l;
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
    const a = this.blocks[u], b = this.blocks[v], tf = this.tfOfToken, tags = this.tagOfToken, freq = this.sharedTf;
    let mask = 0;
    freq.fill(0);
    for (let i = 0, j = 0; i < a.length && j < b.length;) {
      if (a[i] < b[j]) i++;
      else if (a[i] > b[j]) j++;
      else {
        const t = a[i], tag = tags[t];
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
