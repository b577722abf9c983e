import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeClk, dice, fieldDice, fillRatio, type Clk } from '../../analytics/matching/clk.ts';
import {
  blockingValues, dobTokens, encodingVersion, identityOf, LinkageEncoder, nameTokens, postcodeTokens, soundex, type QuasiIdentifiers,
} from '../../analytics/matching/encoding.ts';
import { namesOf, Pseudonymiser } from '../../functions/ingest/pseudonymise.ts';
import { FileKeyStore } from '../../functions/platform/keys/file.ts';
import { childLinkageBenchmark } from '../../sample-data/generator/linkage-benchmark.ts';
import { inventName } from '../../sample-data/generator/names.ts';
import { Rng } from '../../sample-data/generator/rng.ts';
import { clkFields, linkageConfig, type ClkField } from '../../schemas/linkage.ts';
import { tempDataDir } from '../helpers.ts';

const KEY = Buffer.alloc(32, 7);
const encoder = new LinkageEncoder('v1', KEY);
const oliver: QuasiIdentifiers = { forename: 'Oliver', surname: 'Smith', dob: '2009-07-14', postcode: 'LE2 4PQ', sex: 'male' };
const clk = (q: QuasiIdentifiers, e = encoder) => decodeClk(e.clk(q))!;
const at = (f: ClkField) => clkFields.indexOf(f);
const fieldOf = (a: Clk, b: Clk, f: ClkField) => fieldDice(a, b)[at(f)];
/** The bits of one field's segment, as the stored words. */
const segmentOf = (c: Clk, f: ClkField) => {
  let from = 0;
  for (const g of clkFields.slice(0, at(f))) from += linkageConfig.clk[g].bits / 32;
  return [...c.words.subarray(from, from + linkageConfig.clk[f].bits / 32)];
};
const tokensOf = (stored: string) => stored.slice(stored.indexOf(':') + 1).split(' ');
const tagsOf = (stored: string) => tokensOf(stored).map((t) => t.slice(0, t.indexOf('.'))).sort();

/** Invented people as the sample generator makes them: the names the partners' records carry. */
function people(n: number, seed = 3): QuasiIdentifiers[] {
  const rng = new Rng(seed, 'bloom-test');
  return Array.from({ length: n }, () => {
    const sex = rng.chance(0.5) ? 'male' : 'female';
    const { forename, surname } = inventName(rng, sex, rng.chance(0.5));
    const dob = `${2002 + rng.int(12)}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`;
    return { forename, surname, dob, postcode: `LE${1 + rng.int(9)} ${rng.int(10)}${'ABDEFGHJ'[rng.int(8)]}${'LNPQRSTU'[rng.int(8)]}`, sex };
  });
}

describe('CLK encoding', () => {
  it('gives the same bits for the same key, from a fresh encoder too', () => {
    const stored = encoder.clk(oliver);
    expect(new LinkageEncoder('v1', Buffer.alloc(32, 7)).clk(oliver)).toBe(stored);
    // Pinned: a change to tokens, layout or key derivation would silently stop old and new encodings comparing.
    expect(stored).toBe(PINNED);
    expect(encoder.blocks(oliver)).toBe(PINNED_BLOCKS);
  });

  it('under different keys, encodings of the same person are no closer than unrelated filters', () => {
    const other = new LinkageEncoder('v1', randomBytes(32));
    const sample = people(200);
    const same = sample.map((q) => dice(clk(q), clk(q, other)));
    const mean = same.reduce((a, b) => a + b, 0) / same.length;
    const fill = sample.reduce((a, q) => a + fillRatio(clk(q)), 0) / sample.length;
    // Two independent random filters of fill p have expected Dice p; equal inputs under two keys look like that.
    expect(Math.abs(mean - fill)).toBeLessThan(0.05);
    expect(Math.max(...same)).toBeLessThan(0.75);
  });

  it('lays out forename 320 bits, surname 320, date of birth 192, postcode 128, sex 64', () => {
    expect(clkFields).toEqual(['forename', 'surname', 'dob', 'postcode', 'sex']);
    expect(clkFields.map((f) => linkageConfig.clk[f].bits)).toEqual([320, 320, 192, 128, 64]);
    // Each field sets bits only in its own segment.
    const c = clk({ forename: 'Oliver', surname: null, dob: null, postcode: null, sex: null });
    expect(clkFields.map((f) => segmentOf(c, f).some(Boolean))).toEqual([true, false, false, false, false]);
  });

  it('sets about half of each segment for the partners\' names, dates of birth and postcodes', () => {
    const children = childLinkageBenchmark({ seed: 2, children: 300 });
    for (const sample of [people(500), children]) {
      const clks = sample.map((q) => clk(q));
      const fills = clks.filter((c) => c.counts.every(Boolean)).map(fillRatio);
      expect(fills.length).toBeGreaterThan(sample.length / 2);
      expect(Math.min(...fills)).toBeGreaterThan(0.3);
      expect(Math.max(...fills)).toBeLessThan(0.7);
      // Sex is one token: its 32 positions fill about 39% of its 64 bits, whatever the tuning.
      for (const f of clkFields.filter((g) => g !== 'sex')) {
        const bits = linkageConfig.clk[f].bits;
        const segment = clks.map((c) => c.counts[at(f)] / bits).filter((x) => x > 0);
        const mean = segment.reduce((a, b) => a + b, 0) / segment.length;
        expect(mean, f).toBeGreaterThan(0.4);
        expect(mean, f).toBeLessThan(0.6);
      }
    }
  });

  it('keeps forename and surname apart: a different forename leaves the surname agreeing, and a swap is found across them', () => {
    const brother = clk({ ...oliver, forename: 'Jack' });
    expect(fieldOf(clk(oliver), brother, 'surname')).toBe(1);
    expect(fieldOf(clk(oliver), brother, 'forename')).toBeLessThan(0.6);
    // One key for both names: the same name sets the same bits in either segment.
    const swapped = clk({ ...oliver, forename: 'Smith', surname: 'Oliver' });
    expect(segmentOf(swapped, 'surname')).toEqual(segmentOf(clk(oliver), 'forename'));
    expect(segmentOf(swapped, 'forename')).toEqual(segmentOf(clk(oliver), 'surname'));
    expect(fieldOf(clk(oliver), swapped, 'forename')).toBeLessThan(0.7);
  });

  it('normalises spelling variants away', () => {
    expect(encoder.clk({ ...oliver, forename: ' OLIVER ', surname: 'smith', postcode: 'le24pq' })).toBe(encoder.clk(oliver));
    expect(encoder.clk({ ...oliver, surname: "O'Brien-Smith" })).toBe(encoder.clk({ ...oliver, surname: 'obrien smith' }));
    expect(encoder.blocks({ ...oliver, forename: ' OLIVER ', postcode: 'le24pq' })).toBe(encoder.blocks(oliver));
  });

  it('a one-character typo in a surname lowers only the surname\'s Dice, and by a bounded amount', () => {
    const typos: number[] = [];
    for (const q of people(100)) {
      const base = clk(q);
      const s = q.surname!;
      const i = Math.min(2, s.length - 1);
      const typo = clk({ ...q, surname: s.slice(0, i) + (s[i].toLowerCase() === 'x' ? 'q' : 'x') + s.slice(i + 1) });
      const d = fieldOf(base, typo, 'surname')!;
      typos.push(d);
      expect(d).toBeLessThan(1);
      // A short name has few bigrams, so one letter changes most of them; a longer one keeps most.
      expect(d).toBeGreaterThan(s.length >= 5 ? 0.6 : 0.45);
      for (const f of clkFields.filter((g) => g !== 'surname')) expect(fieldOf(base, typo, f)).toBe(1);
    }
    expect(typos.reduce((a, b) => a + b, 0) / typos.length).toBeGreaterThan(0.7);
  });

  it('keeps a day-month swap and a day off by one closer than a different date', () => {
    const dob = (iso: string) => fieldOf(clk(oliver), clk({ ...oliver, dob: iso }), 'dob')!;
    expect(dob('2009-07-14')).toBe(1);
    expect(dob('2009-07-15')).toBeGreaterThan(0.75);
    expect(dob('2009-12-07')).toBeLessThan(dob('2009-07-15'));
    expect(fieldOf(clk({ ...oliver, dob: '2009-03-04' }), clk({ ...oliver, dob: '2009-04-03' }), 'dob')!).toBeGreaterThan(dob('1987-11-29'));
  });

  it('gives a short form the full name whole as well as its own', () => {
    expect(nameTokens(['TOM'])).toEqual(['_T', 'TO', 'OM', 'M_', '=TOM', '=THOMAS']);
    expect(nameTokens(['THOMAS'])).toContain('=THOMAS');
    const nick = fieldOf(clk({ ...oliver, forename: 'Thomas' }), clk({ ...oliver, forename: 'Tom' }), 'forename')!;
    const other = fieldOf(clk({ ...oliver, forename: 'Thomas' }), clk({ ...oliver, forename: 'Tim' }), 'forename')!;
    expect(nick).toBeGreaterThan(other);
  });

  it('stores nothing recoverable: only the layout, 1024 keyed bits and tagged keyed hashes, no token or name', () => {
    const stored = [encoder.clk(oliver)!, encoder.blocks(oliver)!];
    expect(stored[0]).toMatch(/^v2:[A-Za-z0-9_-]{171}$/);
    expect(stored[1]).toMatch(/^v2:[a-z+]+\.[A-Za-z0-9_-]{16}( [a-z+]+\.[A-Za-z0-9_-]{16})*$/);
    const clear = [
      ...nameTokens(['OLIVER', 'SMITH']), ...dobTokens(oliver.dob), ...postcodeTokens(oliver.postcode), ...blockingValues(oliver),
      'OLIVER', 'SMITH', 'Oliver', 'Smith', '2009', '20090714', 'LE2', 'LE24PQ', soundex('Smith'), soundex('Oliver'),
    ].filter((t) => t.length >= 3);
    for (const text of stored) for (const token of clear) expect(text.toUpperCase()).not.toContain(token.toUpperCase());
    // The blocking tokens of another key share nothing.
    const mine = new Set(tokensOf(stored[1]));
    expect(tokensOf(new LinkageEncoder('v1', randomBytes(32)).blocks(oliver)!).filter((t) => mine.has(t))).toEqual([]);
  });

  it('names the layout and, after the first, the key version in the stored prefix', () => {
    expect(encodingVersion('v1')).toBe('v2');
    const later = new LinkageEncoder('v3', KEY);
    expect(later.clk(oliver)).toMatch(/^v2\.v3:/);
    expect(later.blocks(oliver)).toMatch(/^v2\.v3:/);
    expect(decodeClk(later.clk(oliver))!.version).not.toBe(clk(oliver).version);
  });

  it('reads no encoding of another layout: a layout 1 CLK (one names segment) would be read in the wrong segments', () => {
    const bits = encoder.clk(oliver)!.slice(3);
    expect(decodeClk(`v1:${bits}`)).toBeNull();
    expect(decodeClk(`v3:${bits}`)).toBeNull();
    expect(decodeClk(`v2.v5:${bits}`)!.version).toBe('v2.v5');
  });

  it('encodes nothing for a record with neither a name nor a date of birth', () => {
    expect(encoder.clk({ forename: null, surname: null, dob: null, postcode: 'LE2 4PQ', sex: 'male' })).toBeNull();
    expect(encoder.clk({ forename: null, surname: 'Smith', dob: null, postcode: null, sex: null })).not.toBeNull();
  });

  it('normalises the names once for the name-and-date key and both encodings, with the same result', async () => {
    const { dir, cleanup } = tempDataDir();
    const p = await Pseudonymiser.create(new FileKeyStore(join(dir, 'key.json')), 'leicestershire-police');
    cleanup();
    const q = { ...oliver, forename: 'Zoë', surname: "O'Brien-Smith" };
    const names = p.names(q.forename, q.surname);
    expect(names).toEqual({ forename: ['ZOE'], surname: ['OBRIEN', 'SMITH'] });
    expect(p.names(q.forename, q.surname)).toEqual(namesOf(q.forename, q.surname));
    expect(p.nameDobKeyOf(names, q.dob)).toBe(p.nameDobKey(q.forename, q.surname, q.dob));
    expect(p.linkage.encode({ ...identityOf(q), names })).toEqual({ clk: p.linkage.clk(q), blocks: p.linkage.blocks(q), edits: p.linkage.edits(q) });
  });
});

describe('blocking tokens', () => {
  it('are the Soundex of each forename and surname word (short forms as the full name), birth year and district, alone and in pairs', () => {
    expect(soundex('Robert')).toBe('R163');
    expect(soundex('Rupert')).toBe('R163');
    expect(soundex('Ashcraft')).toBe('A261');
    expect(soundex('Tymczak')).toBe('T522');
    const thomas = soundex('THOMAS');
    expect(blockingValues({ ...oliver, forename: 'Tom' })).toEqual([
      `fs:${thomas}`, 'ss:S530', 'by:2009', 'pd:LE2', `fs+ss:S530|${thomas}`, `ns+by:${thomas}|2009`, 'ns+by:S530|2009', 'ss+pd:S530|LE2', 'by+pd:2009|LE2',
    ]);
    expect(blockingValues({ forename: 'Ann', surname: null, dob: null, postcode: null, sex: null })).toEqual(['fs:A500']);
  });

  it('carry their tag in the clear and inside the keyed hash: a surname Soundex and the same as a forename differ', () => {
    expect(tagsOf(encoder.blocks(oliver)!)).toEqual(['by', 'by+pd', 'fs', 'fs+ss', 'ns+by', 'ns+by', 'pd', 'ss', 'ss+pd']);
    const swapped = encoder.blocks({ ...oliver, forename: 'Smith', surname: 'Oliver' })!;
    const home = encoder.blocks(oliver)!;
    const shared = tokensOf(swapped).filter((t) => tokensOf(home).includes(t));
    // A swap keeps the year, the district, both together, the unordered names and each name with the year.
    expect(shared.map((t) => t.slice(0, t.indexOf('.'))).sort()).toEqual(['by', 'by+pd', 'fs+ss', 'ns+by', 'ns+by', 'pd']);
    // With a typo in one name and a move as well, the other name with the year still finds the pair.
    const far = tokensOf(encoder.blocks({ forename: 'Amith', surname: 'Oliver', dob: oliver.dob, postcode: 'LE11 3AB', sex: 'male' })!);
    expect(far.filter((t) => tokensOf(home).includes(t)).map((t) => t.slice(0, t.indexOf('.'))).sort()).toEqual(['by', 'ns+by']);
  });

  it('of the same person agree after a move when the names still do', () => {
    const moved = tokensOf(encoder.blocks({ ...oliver, postcode: 'LE11 3AB' })!);
    const home = tokensOf(encoder.blocks(oliver)!);
    // Both names, year, the names together and year with each name: 6 of the 9.
    expect(moved.filter((t) => home.includes(t))).toHaveLength(6);
  });
});

const PINNED = 'v2:pJVHwB9UYfzQTvTZg_w-i8unuBZmr86nC8PNmHFpQuiR4eBJCrOSeSJ4mzYLRS_NSJv00QAHeXgBOOEpJMwo-WpOI1EEdomw0dugOAHsvZ-plG6AVZGaOs_nVmP0rFFp27VfgCMD44VhWMCcsThgi91jLsoRY4bdJVrMiFSQXQM';
const PINNED_BLOCKS = 'v2:by+pd.zle3x5xzzSrH9ahT by.YR43hoVT5lTNxjmI fs+ss.QG9vMQS_tDt-vjGE fs.j7y6kSL189ye8MgE ns+by.QZg8EFE6HoVdXLLv ns+by.sk9cqW5LLvwU2bKg pd.LIf5TyqqdfdA3Iq_ ss+pd.p9vgqQ7qxZCA0rzN ss.rmvLua9_b6vID2nv';
