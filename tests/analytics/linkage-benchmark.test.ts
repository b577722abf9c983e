import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LinkageEncoder } from '../../functions/ingest/bloom.ts';
import { childLinkageBenchmark } from '../../sample-data/generator/linkage-benchmark.ts';
import { LinkageConfig, linkageConfig } from '../../schemas/linkage.ts';
import { childRecords, clearCompare, encodeRecords, sweep } from '../bench/linkage-eval.ts';

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
