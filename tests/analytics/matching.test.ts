import { describe, expect, it } from 'vitest';
import { tableOf, type LinkRecord } from '../../analytics/matching/candidates.ts';
import { withTrainedModel } from '../../analytics/matching/training.ts';
import { decodeClk } from '../../analytics/matching/clk.ts';
import { logistic, logit, scoreOfExplanation } from '../../analytics/matching/model.ts';
import { pairKey, resolvePeople } from '../../analytics/matching/resolve.ts';
import { reviewQueue } from '../../analytics/matching/review.ts';
import { LinkageEncoder, type QuasiIdentifiers } from '../../analytics/matching/encoding.ts';
import { clkFields, LinkageConfig, linkageConfig } from '../../schemas/linkage.ts';

const encoder = new LinkageEncoder('v1', Buffer.alloc(32, 9));
const ava: QuasiIdentifiers = { forename: 'Ava', surname: 'Mistry', dob: '2010-05-21', postcode: 'LE4 6RT', sex: 'female' };

function record(id: string, partner: string, q: QuasiIdentifiers, keys: Partial<Pick<LinkRecord, 'local' | 'nhs' | 'upn' | 'nameDob'>> = {}): LinkRecord {
  const blocks = encoder.blocks(q);
  return { id, partner, local: null, nhs: null, upn: null, nameDob: null, ...keys, clk: decodeClk(encoder.clk(q)), blocks: blocks ? blocks.slice(3).split(' ') : [] };
}
const together = (records: LinkRecord[], ids: string[], decisions = new Map(), config = linkageConfig) => {
  const { personOf } = resolvePeople(records, decisions, config);
  return new Set(ids.map((id) => personOf.get(id))).size === 1;
};
// The thresholds alone: no guard holds a pair whatever its score (they have tests of their own).
const config = (thresholds: { autoLink: number; review: number }) => LinkageConfig.parse({ ...linkageConfig, thresholds, guards: [] });
/** The score of two records as linking them together gives it (the model trained on just these records). */
const scoreOf = (records: LinkRecord[]) => withTrainedModel(tableOf(records)).score(0, 1)!;

describe('candidate pairs and resolution', () => {
  it('links a typo, a nickname, swapped names and a day-month swap across partners; not a different child', () => {
    const records = [
      record('police/1', 'police', ava, { local: 'N1' }),
      record('school/1', 'city', { ...ava, forename: 'Mistry', surname: 'Ava' }),
      record('ae/1', 'uhl', { ...ava, surname: 'Mistri', dob: '2010-05-12' }),
      record('ae/2', 'uhl', { ...ava, forename: 'Eva', dob: '2011-02-03', postcode: 'LE5 1AA' }),
    ];
    const { personOf } = resolvePeople(records);
    expect(personOf.get('school/1')).toBe(personOf.get('police/1'));
    expect(personOf.get('ae/1')).toBe(personOf.get('police/1'));
    expect(personOf.get('ae/2')).not.toBe(personOf.get('police/1'));
    expect(personOf.get('police/1')).toMatch(/^P-[A-Za-z0-9_-]{12}$/);
  });

  it('links on an exact key whatever the names say', () => {
    const records = [record('a', 'uhl', ava, { nhs: 'K1' }), record('b', 'mlcsu', { forename: 'Zed', surname: 'Quinn', dob: '1970-01-01', postcode: null, sex: 'male' }, { nhs: 'K1' })];
    expect(together(records, ['a', 'b'])).toBe(true);
  });

  it('never links two records whose NHS numbers (or UPNs) are both present and differ, nor queues them', () => {
    for (const key of ['nhs', 'upn'] as const) {
      const records = [record('a', 'uhl', ava, { [key]: 'K1' }), record('b', 'city', ava, { [key]: 'K2' })];
      const r = resolvePeople(records);
      expect(r.personOf.get('a')).not.toBe(r.personOf.get('b'));
      expect(r.review).toEqual([]);
    }
    // Nor through a third record that matches both.
    const records = [record('a', 'uhl', ava, { nhs: 'K1' }), record('b', 'uhl', ava, { nhs: 'K2' }), record('c', 'city', ava)];
    const { personOf } = resolvePeople(records);
    expect(personOf.get('a')).not.toBe(personOf.get('b'));
    expect([personOf.get('a'), personOf.get('b')]).toContain(personOf.get('c'));
  });

  it('keeps two person ids of one partner apart unless an exact key joins them', () => {
    const twins = [record('p/1', 'police', ava, { local: 'N1' }), record('p/2', 'police', ava, { local: 'N2' })];
    expect(together(twins, ['p/1', 'p/2'])).toBe(false);
    const withNhs = [record('p/1', 'police', ava, { local: 'N1' }), record('p/2', 'police', ava, { local: 'N2' }), record('h/1', 'uhl', ava, { nhs: 'K' }), record('h/2', 'uhl', ava, { nhs: 'K' })];
    expect(together(withNhs, ['p/1', 'p/2'])).toBe(false);
    const joined = [record('c/1', 'city', ava, { local: 'L1', upn: 'U' }), record('c/2', 'city', { ...ava, surname: 'Patel' }, { local: 'L2', upn: 'U' })];
    expect(together(joined, ['c/1', 'c/2'])).toBe(true);
    // Records of one partner with no person id of that partner may join (two A&E attendances).
    expect(together([record('a/1', 'uhl', ava), record('a/2', 'uhl', ava)], ['a/1', 'a/2'])).toBe(true);
  });

  it('breaks ties by record id, whatever the order of the input', () => {
    // c scores the same with a and b, which are two people of one partner: c joins the smaller pair key's (a).
    const records = [record('b', 'police', ava, { local: 'N2' }), record('c', 'city', ava), record('a', 'police', ava, { local: 'N1' })];
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0]]) {
      const { personOf } = resolvePeople(order.map((i) => records[i]));
      expect(personOf.get('c')).toBe(personOf.get('a'));
      expect(personOf.get('c')).not.toBe(personOf.get('b'));
    }
  });

  it('takes both thresholds from configuration: link, queue for review, or leave', () => {
    const records = [record('a', 'uhl', ava), record('b', 'city', { ...ava, forename: 'Eva', dob: '2010-06-12', postcode: 'LE4 7XX' })];
    const s = scoreOf(records);
    // Thresholds just above or below the pair's score, in log-odds (the score is a probability).
    const near = (d: number) => logistic(logit(s) + d);
    expect(together(records, ['a', 'b'], new Map(), config({ autoLink: s, review: near(-1) }))).toBe(true);
    const queued = resolvePeople(records, new Map(), config({ autoLink: near(0.1), review: near(-0.1) }));
    expect(queued.review.map((p) => [p.a, p.b])).toEqual([[0, 1]]);
    expect(new Set(queued.personOf.values()).size).toBe(2);
    // The queue explains the pair: a level and a weight per comparison, no value, summing (the waterfall) to its score.
    const [item] = reviewQueue(queued);
    expect(item.evidence.comparisons.map((c) => c.comparison)).toEqual([...clkFields]);
    expect(item.evidence.comparisons.find((c) => c.comparison === 'forename')!.level).not.toBe('exact');
    expect(scoreOfExplanation(item.evidence)).toBeCloseTo(item.score, 3);
    expect(JSON.stringify(item)).not.toMatch(/Ava|Eva|Mistry|2010|LE4/);
    expect(resolvePeople(records, new Map(), config({ autoLink: near(0.2), review: near(0.1) })).review).toEqual([]);
    expect(() => config({ autoLink: 0.7, review: 0.8 })).toThrow(/review threshold/);
    // A guard may name only levels its comparisons have.
    expect(() => LinkageConfig.parse({ ...linkageConfig, guards: [{ name: 'odd', why: 'a test', when: { dob: ['nearly'] } }] })).toThrow(/no level nearly in dob/);
  });

  it('follows decisions: an accepted pair links, a rejected one stays apart even through a third record', () => {
    const records = [record('a', 'uhl', ava), record('b', 'city', { ...ava, forename: 'Eva', dob: '2010-06-12', postcode: 'LE4 7XX' })];
    const s = scoreOf(records);
    const c = config({ autoLink: logistic(logit(s) + 0.1), review: logistic(logit(s) - 0.1) });
    const accepted = resolvePeople(records, new Map([[pairKey('b', 'a'), 'accept']]), c);
    expect(accepted.review).toEqual([]);
    expect(accepted.personOf.get('a')).toBe(accepted.personOf.get('b'));
    const three = [record('a', 'uhl', ava), record('b', 'city', ava), record('c', 'vrn', ava)];
    const rejected = resolvePeople(three, new Map([[pairKey('a', 'b'), 'reject']]));
    expect(rejected.personOf.get('a')).not.toBe(rejected.personOf.get('b'));
    expect(rejected.review).toEqual([]);
  });

  it('finds the same pairs through blocking tokens as by comparing all pairs', () => {
    const people: QuasiIdentifiers[] = [ava, { forename: 'Jack', surname: 'Smith', dob: '2009-01-02', postcode: 'LE2 1AB', sex: 'male' }, { forename: 'Amira', surname: 'Khan', dob: '2012-11-30', postcode: 'LE5 3CD', sex: 'female' }];
    const records = people.flatMap((q, i) => [
      record(`x${i}`, 'police', q), record(`y${i}`, 'city', { ...q, forename: q.surname, surname: q.forename }), record(`z${i}`, 'uhl', { ...q, postcode: 'LE11 9ZZ' }),
    ]);
    const all = resolvePeople(records);
    const blocked = resolvePeople(records, new Map(), LinkageConfig.parse({ ...linkageConfig, blocking: { allPairsUpTo: 0, maxBlock: 100 } }));
    expect(all.stats.allPairs).toBe(true);
    expect(blocked.stats.allPairs).toBe(false);
    expect(blocked.stats.compared).toBeLessThan(all.stats.compared);
    expect([...blocked.personOf]).toEqual([...all.personOf]);
    expect(new Set(all.personOf.values()).size).toBe(3);
  });

  it('compares records with one encoding once, as a unit, and joins them as trying every pair would', () => {
    // Four records of Ava with the same encoding: two NHS numbers, and two person ids of the police.
    const records = [record('a', 'uhl', ava, { nhs: 'K1' }), record('b', 'uhl', ava, { nhs: 'K2' }), record('c', 'police', ava, { local: 'N1' }), record('d', 'police', ava, { local: 'N2' })];
    const { personOf, stats } = resolvePeople(records);
    expect(stats.units).toBe(1);
    // a joins c (b has another NHS number); then d may not join a's person (c's partner), but joins b's.
    expect(personOf.get('c')).toBe(personOf.get('a'));
    expect(personOf.get('d')).toBe(personOf.get('b'));
    expect(personOf.get('a')).not.toBe(personOf.get('b'));
  });

  it('stops comparing a pair once it cannot reach the threshold, and otherwise scores it as its waterfall sums', () => {
    const variants = [ava, { ...ava, surname: 'Mistri' }, { ...ava, forename: 'Eva', dob: '2011-02-03' }, { ...ava, postcode: null }, { ...ava, dob: null, sex: null },
      { forename: 'Zed', surname: 'Quinn', dob: '2010-05-21', postcode: 'LE4 6RT', sex: 'male' }];
    const records = variants.map((q, i) => record(`r${i}`, 'uhl', q));
    const table = withTrainedModel(tableOf(records));
    let cut = 0;
    for (let u = 0; u < table.units; u++) {
      for (let v = 0; v < table.units; v++) {
        const explained = table.explain(u, v);
        const exact = explained && scoreOfExplanation(explained);
        if (exact !== null) expect(table.score(u, v)).toBeCloseTo(exact, 12);
        for (const threshold of [0.5, 0.8, 0.98]) {
          const early = table.scoreAtLeast(u, v, threshold);
          if (exact !== null && exact >= threshold) expect(early).toBeCloseTo(exact, 12);
          else { expect(early === null || early < threshold).toBe(true); if (early === null && exact !== null) cut++; }
        }
      }
    }
    expect(cut).toBeGreaterThan(0);
  });
});
