import { clkFields, linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import { popcount, scoreOfDice, segments, type Clk } from './clk.ts';

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
  /** Unit → the key its encoding was added under (the stored encoding), null for a unit with none. */
  readonly clkKeys: (string | null)[] = [];
  /** The encodings: 32 words and a bit count per field for each unit. */
  words = new Uint32Array(32 * 1024);
  counts = new Uint16Array(4 * 1024);

  private readonly interned = new Map<string, number>();
  private readonly unitOfClk = new Map<string, number>();
  private rankOf: Int32Array | null = null;
  private readonly segments: [number, number][];
  /** The evidence of each field (clkFields order), as arrays for the comparison loop. */
  private readonly evidence: { agree: number; disagree: number; floor: number; curve: number }[];

  constructor(readonly config: LinkageConfig = linkageConfig) {
    this.segments = segments(config);
    this.evidence = clkFields.map((f) => config.evidence[f]);
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
      this.clkKeys.push(decoded ? clkKey : null);
      if (clkKey !== null && decoded) this.unitOfClk.set(clkKey, unit);
    }
    this.addBlocks(unit, record.blocks);
    this.unit.push(unit);
    this.members[unit].push(index);
    this.rankOf = null;
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
      this.counts.set(clk.counts, 4 * unit);
    }
    return unit;
  }

  private addBlocks(unit: number, tokens: readonly string[]) {
    const current = this.blocks[unit];
    const ids = tokens.map((t) => this.intern('block', t)).filter((id) => !current.includes(id));
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
  fieldDice(u: number, v: number, out: (number | null)[] = [null, null, null, null]): (number | null)[] {
    const { words, counts } = this;
    this.segments.forEach(([from, to], f) => {
      const cu = counts[4 * u + f], cv = counts[4 * v + f];
      if (cu === 0 || cv === 0) { out[f] = null; return; }
      let common = 0;
      for (let w = from; w < to; w++) common += popcount(words[32 * u + w] & words[32 * v + w]);
      out[f] = (2 * common) / (cu + cv);
    });
    return out;
  }

  /** The score of two units' encodings (clk.ts); null where either has none or their key versions differ. */
  score(u: number, v: number): number | null {
    if (!this.encoded[u] || !this.encoded[v] || this.version[u] !== this.version[v]) return null;
    return scoreOfDice(this.fieldDice(u, v, scratch), this.config);
  }

  /**
   * The score of two units as `score` gives it (the same arithmetic, field by field), or null as soon as the fields
   * left could not lift it to `threshold`: the comparison loop of candidate search, where most pairs fall short.
   */
  scoreAtLeast(u: number, v: number, threshold: number): number | null {
    if (!this.encoded[u] || !this.encoded[v] || this.version[u] !== this.version[v]) return null;
    const { words, counts, segments, evidence } = this;
    const cu = 4 * u, cv = 4 * v;
    // As scoreOfDice: names, and a date of birth or a postcode, on both sides.
    if (counts[cu] === 0 || counts[cv] === 0) return null;
    if ((counts[cu + 1] === 0 || counts[cv + 1] === 0) && (counts[cu + 2] === 0 || counts[cv + 2] === 0)) return null;
    const needed = threshold >= 1 ? Infinity : Math.log(threshold / (1 - threshold));
    let best = 0;
    for (let f = 0; f < 4; f++) if (counts[cu + f] && counts[cv + f]) best += Math.max(0, evidence[f].agree);
    let logOdds = this.config.prior;
    for (let f = 0; f < 4; f++) {
      const nu = counts[cu + f], nv = counts[cv + f];
      if (nu === 0 || nv === 0) continue;
      const [from, to] = segments[f];
      let common = 0;
      for (let w = from, a = 32 * u + from, b = 32 * v + from; w < to; w++, a++, b++) {
        let x = words[a] & words[b];
        x -= (x >>> 1) & 0x55555555;
        x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
        common += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
      }
      const { agree, disagree, floor, curve } = evidence[f];
      logOdds += disagree + (agree - disagree) * Math.max(0, ((2 * common) / (nu + nv) - floor) / (1 - floor)) ** curve;
      best -= Math.max(0, agree);
      if (logOdds + best < needed - 1e-9) return null;
    }
    return 1 / (1 + Math.exp(-logOdds));
  }
}

const scratch: (number | null)[] = [null, null, null, null];
