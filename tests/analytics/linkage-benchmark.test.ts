import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tableOf } from '../../analytics/matching/candidates.ts';
import { resolvePeople } from '../../analytics/matching/resolve.ts';
import { trainModel, withTrainedModel } from '../../analytics/matching/training.ts';
import { LinkageEncoder } from '../../analytics/matching/encoding.ts';
import { childLinkageBenchmark } from '../../sample-data/generator/linkage-benchmark.ts';
import { clkFields, LinkageConfig, linkageConfig } from '../../schemas/linkage.ts';
import { childRecords, clearCompare, encodeRecords, sweep, type ClearRecord } from '../bench/linkage-eval.ts';

/**
 * A small seeded three-agency child benchmark (the full one is `npm run bench:linkage`): the keyed encodings at
 * the configured auto-link threshold must keep precision and recall floors and stay near the plaintext baseline.
 */
describe('linkage on the seeded child benchmark', () => {
  const records = childRecords(7, 350);

  it('is seeded, has a truth table, and carries the noise it promises', () => {
    expect(childLinkageBenchmark({ seed: 7, children: 350 })).toEqual(childLinkageBenchmark({ seed: 7, children: 350 }));
    expect(new Set(records.map((r) => r.side))).toEqual(new Set(['police', 'health', 'council']));
    const byChild = new Map<string, string[]>();
    for (const r of records) byChild.set(r.truth, [...(byChild.get(r.truth) ?? []), `${r.forename}|${r.surname}|${r.dob}|${r.postcode}`.toUpperCase()]);
    const variants = [...byChild.values()].filter((written) => new Set(written).size > 1);
    expect(variants.length).toBeGreaterThan(100);
    expect(records.some((r) => r.dob === null) && records.some((r) => r.postcode === null) && records.some((r) => r.nhs !== null) && records.some((r) => r.upn !== null)).toBe(true);
  });

  it('links with precision ≥ 0.98 and recall ≥ 0.97 at the auto-link threshold, F1 within 0.02 of the plaintext baseline', () => {
    const encoder = new LinkageEncoder('v1', createHash('sha256').update('linkage test key').digest());
    const auto = linkageConfig.thresholds.autoLink;
    // Through the blocking tokens, as at scale (all pairs would take the baseline longer than a test should).
    const blocked = LinkageConfig.parse({ ...linkageConfig, blocking: { ...linkageConfig.blocking, allPairsUpTo: 0 } });
    const [clk] = sweep(records, encodeRecords(records, encoder), [auto], undefined, blocked).rows;
    const clear = clearCompare(records);
    const baseline = sweep(records, clear.links, [0.9, 0.98, 0.99], clear.compare, blocked).rows;
    expect(clk.precision).toBeGreaterThanOrEqual(0.98);
    expect(clk.recall).toBeGreaterThanOrEqual(0.97);
    expect(clk.f1).toBeGreaterThanOrEqual(Math.max(...baseline.map((b) => b.f1)) - 0.02);
  });
});

const encoderOf = (k: number) => new LinkageEncoder('v1', createHash('sha256').update(`benchmark key ${k}`).digest());

describe('the model on a seeded population', () => {
  const records = childRecords(7, 350);

  it('EM recovers m and u within a tolerance, and the prior near the true share of matching pairs', () => {
    const table = tableOf(encodeRecords(records, encoderOf(0)));
    const model = trainModel(table);
    // The truth: levels of every pair of one child's records (m), of every pair of two children's (u).
    const levels = new Int8Array(clkFields.length);
    const counts = (match: boolean) => {
      const n = clkFields.map((c) => new Float64Array(model.comparisons[c].levels.length));
      let pairs = 0;
      for (let i = 0; i < records.length; i++) for (let j = i + 1; j < records.length; j++) {
        if ((records[i].truth === records[j].truth) !== match || !table.levels(table.unit[i], table.unit[j], levels)) continue;
        if (match) pairs++;
        levels.forEach((l, c) => { if (l >= 0) n[c][l]++; });
      }
      return { shares: n.map((xs) => { const total = xs.reduce((a, b) => a + b, 0); return Array.from(xs, (x) => x / total); }), pairs };
    };
    const m = counts(true), u = counts(false);
    clkFields.forEach((c, i) => {
      model.comparisons[c].m.forEach((x, l) => expect(Math.abs(x - m.shares[i][l]), `m of ${c} ${model.comparisons[c].levels[l]}`).toBeLessThan(0.05));
      model.comparisons[c].u.forEach((x, l) => expect(Math.abs(x - u.shares[i][l]), `u of ${c} ${model.comparisons[c].levels[l]}`).toBeLessThan(0.01));
    });
    const share = m.pairs / ((records.length * (records.length - 1)) / 2);
    expect(model.prior / share).toBeGreaterThan(0.67);
    expect(model.prior / share).toBeLessThan(1.5);
  });

  it('never links a namesake born in another year in the same postcode sector without review', () => {
    const namesakes: ClearRecord[] = [
      { id: 'n/1', side: 'police', truth: 'n1', local: 'NOM-1', nhs: null, upn: null, forename: 'Ava', surname: 'Mistry', dob: '2010-05-21', postcode: 'LE4 6RT', sex: 'female' },
      { id: 'n/2', side: 'health', truth: 'n2', local: null, nhs: null, upn: null, forename: 'Ava', surname: 'Mistry', dob: '2012-08-09', postcode: 'LE4 6AB', sex: 'female' },
    ];
    for (let k = 0; k < 4; k++) {
      const { personOf } = resolvePeople(encodeRecords([...records, ...namesakes], encoderOf(k)));
      expect(personOf.get('n/1'), `key ${k}`).not.toBe(personOf.get('n/2'));
    }
  });

  it('scores the same pair lower on a common surname than on a rare one', () => {
    // 150 more Patels make it the common surname of this population.
    const patels = records.slice(0, 150).map((r, i): ClearRecord => ({ ...r, id: `patel/${i}`, truth: `patel/${i}`, surname: 'Patel', nhs: null, upn: null, local: null }));
    const pair = (surname: string, id: string): ClearRecord[] => [
      { id: `${id}/1`, side: 'police', truth: id, local: null, nhs: null, upn: null, forename: 'Ravi', surname, dob: '2011-02-03', postcode: 'LE5 3CD', sex: 'male' },
      { id: `${id}/2`, side: 'council', truth: id, local: null, nhs: null, upn: null, forename: 'Ravi', surname, dob: '2011-02-03', postcode: 'LE2 7PQ', sex: 'male' },
    ];
    const all = [...records, ...patels, ...pair('Patel', 'common'), ...pair('Quennell', 'rare')];
    const table = withTrainedModel(tableOf(encodeRecords(all, encoderOf(0))));
    const at = (id: string) => table.unit[all.findIndex((r) => r.id === id)];
    const common = table.explain(at('common/1'), at('common/2'))!, rare = table.explain(at('rare/1'), at('rare/2'))!;
    const surname = (e: typeof common) => e.comparisons.find((c) => c.comparison === 'surname')!;
    expect([surname(common).level, surname(rare).level]).toEqual(['exact', 'exact']);
    expect(surname(common).weight).toBeLessThan(surname(rare).weight - 1);
    expect(table.score(at('common/1'), at('common/2'))!).toBeLessThan(table.score(at('rare/1'), at('rare/2'))!);
  });
});
