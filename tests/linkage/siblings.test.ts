import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LinkRecord } from '../../analytics/matching/candidates.ts';
import { decodeClk } from '../../analytics/matching/clk.ts';
import { resolvePeople } from '../../analytics/matching/resolve.ts';
import { identityOf, LinkageEncoder, type QuasiIdentifiers } from '../../analytics/matching/encoding.ts';
import { storedTokens } from '../../analytics/matching/link-rows.ts';
import { sister, tommy } from '../analytics/fuzzy-child.ts';

/**
 * Which bits a token sets depends on the secret key, so a level can too: a pair near a level's boundary falls in
 * one under one key and in another under the next. Tommy under four spellings, his sister at the same address, and
 * a twin brother (his surname, birth date and home, another forename) are linked under many keys, as each
 * deployment has its own, each key's records alone (the model trained on them).
 */
const KEYS = 500;
const twin = { ...tommy[0], forename: 'Harvey' };
/** Other faces of one household: a twin with a like name, a twin's record with no forename, a brother with no birth date. */
const family = [
  { id: 'like-twin', q: { ...tommy[0], forename: 'Toby' } },
  { id: 'nameless-twin', q: { ...tommy[0], forename: null } },
  { id: 'brother-no-dob', q: { ...tommy[0], forename: 'Harvey', dob: null } },
];
/** His own record with a typo that changes the name's sound (no Soundex shared, Dice as low as a twin's like name): one edit. */
const soundTypo = { ...tommy[0], forename: 'Thotas' };

function underKeys() {
  const runs: { typoLinked: boolean; tommyOne: boolean; sisterApart: boolean; sisterQueued: boolean; twinApart: boolean; twinQueued: boolean; familyApart: string[] }[] = [];
  for (let k = 0; k < KEYS; k++) {
    const encoder = new LinkageEncoder('v1', createHash('sha256').update(`deployment ${k}`).digest());
    const record = (id: string, partner: string, q: QuasiIdentifiers): LinkRecord => {
      const { clk, blocks, edits } = encoder.encode(identityOf(q));
      return { id, partner, local: null, nhs: null, upn: null, nameDob: null, clk: decodeClk(clk), blocks: [...storedTokens(blocks), ...storedTokens(edits)] };
    };
    const records = [...tommy.map((q, i) => record(`tommy/${i}`, ['police', 'city', 'school', 'uhl'][i], q)), record('sister', 'city', sister), record('twin', 'uhl', twin)];
    const { personOf, review } = resolvePeople(records);
    // Each other face of the household on its own with Tommy's records (together they would link one another).
    const familyApart = family.filter(({ id, q }) => {
      const alone = resolvePeople([...records.slice(0, tommy.length), record(id, 'vrn', q as QuasiIdentifiers)]).personOf;
      return alone.get(id) !== alone.get('tommy/0');
    }).map((f) => f.id);
    const withTypo = resolvePeople([...records.slice(0, tommy.length), record('typo', 'vrn', soundTypo)]).personOf;
    const his = personOf.get('tommy/0');
    const twinIndex = records.findIndex((r) => r.id === 'twin');
    runs.push({
      typoLinked: withTypo.get('typo') === withTypo.get('tommy/0'),
      tommyOne: tommy.every((_, i) => personOf.get(`tommy/${i}`) === his),
      sisterApart: personOf.get('sister') !== his,
      sisterQueued: review.some((p) => records[p.a].id === 'sister' || records[p.b].id === 'sister'),
      twinApart: personOf.get('twin') !== his,
      twinQueued: review.some((p) => p.a === twinIndex || p.b === twinIndex),
      familyApart,
    });
  }
  return runs;
}

describe('a sister and a twin at the same address, under many keys', () => {
  const runs = underKeys();

  it('never links his twin (same surname, birth date and home, another forename) without review: the twin guard', () => {
    expect(runs).toHaveLength(KEYS);
    expect(runs.filter((r) => !r.twinApart)).toEqual([]);
    // The guard queues the twin for an analyst rather than dropping him.
    expect(runs.every((r) => r.twinQueued)).toBe(true);
  });

  it('never links a twin with a like name, a twin\'s record with no forename, nor a brother with no birth date: the guards', () => {
    expect(runs.filter((r) => r.familyApart.length < family.length).map((r) => family.map((f) => f.id).filter((id) => !r.familyApart.includes(id)))).toEqual([]);
  });

  it('never links his sister (same surname and address, another name and birth date), nor queues her: the family guard', () => {
    expect(runs.filter((r) => !r.sisterApart)).toEqual([]);
    expect(runs.filter((r) => r.sisterQueued)).toEqual([]);
  });

  it('while his own spellings (a nickname, a typo) become one person under every key', () => {
    expect(runs.filter((r) => !r.tommyOne)).toEqual([]);
  });

  it('links a typo that changes the sound of his forename (Thotas), the rest agreeing, under every key: the one-edit tokens', () => {
    expect(runs.filter((r) => !r.typoLinked)).toHaveLength(0);
  });
});
