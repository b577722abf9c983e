import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeClk, dice, fieldDice, fillRatio, score } from '../../analytics/matching/clk.ts';
import { blockingValues, dobTokens, LinkageEncoder, nameTokens, postcodeTokens, soundex, type QuasiIdentifiers } from '../../functions/ingest/bloom.ts';
import { inventName } from '../../sample-data/generator/names.ts';
import { Rng } from '../../sample-data/generator/rng.ts';

const KEY = Buffer.alloc(32, 7);
const encoder = new LinkageEncoder('v1', KEY);
const oliver: QuasiIdentifiers = { forename: 'Oliver', surname: 'Smith', dob: '2009-07-14', postcode: 'LE2 4PQ', sex: 'male' };
const clk = (q: QuasiIdentifiers, e = encoder) => decodeClk(e.clk(q))!;

/** Invented people as the sample generator makes them: the names the partners' records carry. */
function people(n: number, seed = 3): QuasiIdentifiers[] {
  const rng = new Rng(seed, 'bloom-test');
  return Array.from({ length: n }, (_, i) => {
    const sex = rng.chance(0.5) ? 'male' : 'female';
    const { forename, surname } = inventName(rng, sex, rng.chance(0.5));
    const dob = `${2002 + rng.int(12)}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`;
    return { forename, surname, dob, postcode: `LE${1 + rng.int(9)} ${rng.int(10)}${'ABDEFGHJ'[rng.int(8)]}${'LNPQRSTU'[rng.int(8)]}`, sex, i };
  });
}

describe('CLK encoding', () => {
  it('gives the same bits for the same key, from a fresh encoder too', () => {
    const stored = encoder.clk(oliver);
    expect(new LinkageEncoder('v1', Buffer.alloc(32, 7)).clk(oliver)).toBe(stored);
    // Pinned: a change to tokens, layout or key derivation would silently stop old and new encodings comparing.
    expect(stored).toBe(PINNED);
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

  it('sets 40–60% of the bits for the partners\' names, dates of birth and postcodes', () => {
    const fills = people(500).map((q) => fillRatio(clk(q)));
    const mean = fills.reduce((a, b) => a + b, 0) / fills.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
    expect(Math.min(...fills)).toBeGreaterThan(0.3);
    expect(Math.max(...fills)).toBeLessThan(0.7);
  });

  it('leaves a name swap unchanged and normalises spelling variants away', () => {
    expect(encoder.clk({ ...oliver, forename: 'Smith', surname: 'Oliver' })).toBe(encoder.clk(oliver));
    expect(encoder.clk({ ...oliver, forename: ' OLIVER ', surname: 'smith', postcode: 'le24pq' })).toBe(encoder.clk(oliver));
    expect(encoder.blocks({ ...oliver, forename: 'Smith', surname: 'Oliver' })).toBe(encoder.blocks(oliver));
  });

  it('a one-character typo in a name lowers the score by a bounded amount', () => {
    for (const q of people(100)) {
      const base = clk(q);
      const s = q.surname!;
      const at = Math.min(2, s.length - 1);
      const typo = { ...q, surname: s.slice(0, at) + (s[at].toLowerCase() === 'x' ? 'q' : 'x') + s.slice(at + 1) };
      const names = fieldDice(base, clk(typo))[0]!;
      const drop = 1 - score(base, clk(typo))!;
      expect(names).toBeGreaterThan(0.7);
      expect(names).toBeLessThan(1);
      expect(drop).toBeGreaterThan(0);
      expect(drop).toBeLessThan(0.17);
    }
  });

  it('keeps a day-month swap and a day off by one closer than a different date', () => {
    const dob = (iso: string) => fieldDice(clk(oliver), clk({ ...oliver, dob: iso }))[1]!;
    expect(dob('2009-07-14')).toBe(1);
    expect(dob('2009-07-15')).toBeGreaterThan(0.75);
    expect(dob('2009-12-07')).toBeLessThan(dob('2009-07-15'));
    expect(fieldDice(clk({ ...oliver, dob: '2009-03-04' }), clk({ ...oliver, dob: '2009-04-03' }))[1]!).toBeGreaterThan(dob('1987-11-29'));
  });

  it('shares the full name\'s token between a short form and the name', () => {
    expect(nameTokens('Tom', 'Jones')).toContain('=THOMAS');
    expect(nameTokens('Thomas', 'Jones')).toContain('=THOMAS');
    const nick = fieldDice(clk({ ...oliver, forename: 'Thomas' }), clk({ ...oliver, forename: 'Tom' }))[0]!;
    const other = fieldDice(clk({ ...oliver, forename: 'Thomas' }), clk({ ...oliver, forename: 'Tim' }))[0]!;
    expect(nick).toBeGreaterThan(other);
  });

  it('stores nothing recoverable: only the key version and 1024 keyed bits, no token or name', () => {
    const stored = [encoder.clk(oliver)!, encoder.blocks(oliver)!];
    expect(stored[0]).toMatch(/^v1:[A-Za-z0-9_-]{171}$/);
    expect(stored[1]).toMatch(/^v1:[A-Za-z0-9_-]{16}( [A-Za-z0-9_-]{16}){3,}$/);
    const clear = [
      ...nameTokens(oliver.forename, oliver.surname), ...dobTokens(oliver.dob), ...postcodeTokens(oliver.postcode), ...blockingValues(oliver),
      'OLIVER', 'SMITH', 'Oliver', 'Smith', '2009', '20090714', 'LE2', 'LE24PQ', soundex('Smith'),
    ].filter((t) => t.length >= 3);
    for (const text of stored) for (const token of clear) expect(text.toUpperCase()).not.toContain(token.toUpperCase());
    // Neither output changes in a way tied to one token: the blocking tokens of another key share nothing.
    expect(new LinkageEncoder('v1', randomBytes(32)).blocks(oliver)!.split(' ').filter((t) => stored[1].includes(t.replace('v1:', '')))).toEqual([]);
  });

  it('encodes nothing for a record with neither a name nor a date of birth', () => {
    expect(encoder.clk({ forename: null, surname: null, dob: null, postcode: 'LE2 4PQ', sex: 'male' })).toBeNull();
    expect(encoder.clk({ forename: null, surname: 'Smith', dob: null, postcode: null, sex: null })).not.toBeNull();
  });
});

describe('blocking tokens', () => {
  it('are birth year, postcode district and the Soundex of each name word (short forms as the full name), alone and in twos', () => {
    expect(soundex('Robert')).toBe('R163');
    expect(soundex('Rupert')).toBe('R163');
    expect(soundex('Ashcraft')).toBe('A261');
    expect(soundex('Tymczak')).toBe('T522');
    const thomas = soundex('THOMAS');
    expect(blockingValues({ ...oliver, forename: 'Tom' })).toEqual([
      'y:2009', 'd:LE2', `n:${thomas}`, 'n:S530', 'yd:2009|LE2', `yn:2009|${thomas}`, `dn:LE2|${thomas}`, 'yn:2009|S530', 'dn:LE2|S530',
    ]);
    expect(blockingValues({ forename: 'Ann', surname: null, dob: null, postcode: null, sex: null })).toEqual(['n:A500']);
  });

  it('of the same person agree after a move when the name still does', () => {
    const moved = encoder.blocks({ ...oliver, postcode: 'LE11 3AB' })!.slice(3).split(' ');
    const home = encoder.blocks(oliver)!.slice(3).split(' ');
    // Year, both names, and year with each name: 5 of the 9.
    expect(moved.filter((t) => home.includes(t))).toHaveLength(5);
  });
});

const PINNED = 'v1:ZjSWYXBFPbkstHUH5yCtTj4YNY1LLBT8n0SUkgUXCJvTamF1X8a55dBSiXYqwHbEOFADUCmIWievYQNklgfxhEf0CqIzAUIH6ORwgjce07rSlj5icpIJTAuFVwHELaOgYXlYwoh59Mj9WqZOcilinsQgCxIhHpeBJVrMiFSQXQM';
