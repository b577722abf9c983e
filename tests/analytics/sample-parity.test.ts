import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { preventionPanelCohort } from '../../analytics/products/cohort.ts';
import { deepDive } from '../../analytics/products/deep-dive.ts';
import { localityProfile } from '../../analytics/products/locality-profile.ts';
import { Pseudonymiser } from '../../functions/ingest/pseudonymise.ts';
import { committedSampleDir } from '../../functions/ingest/sample-loader.ts';
import { cohortRules } from '../../schemas/cohort.ts';
import { successMeasures } from '../../analytics/products/success-measures.ts';
import { agreement } from '../../schemas/agreement.ts';
import { llr } from '../../schemas/area/index.ts';
import { loadSampleExtracts } from '../../functions/ingest/sample-loader.ts';
import { testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';

/** The committed sample runs through every product on both engines, so neither the sample nor a product can rot. */
let t: ReturnType<typeof testPlatform>;
beforeAll(async () => {
  t = testPlatform();
  const reports = await loadSampleExtracts(t.platform);
  expect(reports.every((r) => r.status === 'accepted')).toBe(true);
}, 120_000);
afterAll(() => t.cleanup());

describe('committed sample, both engines', () => {
  it.each(['2024-25', '2023-24', '2019-20'])('success measures for %s are identical and not empty', async (period) => {
    const results = await onBothEngines(t.platform, (engine) => successMeasures(engine, period));
    expect(results.arquero).toEqual(results.sql);
    const knife = results.sql.measures.find((m) => m.id === 'knife_serious_violence' && m.split === 'all_ages')!;
    expect(knife.count).toBeGreaterThan(0);
    expect(knife.monthly.reduce((n, m) => n + m.count, 0)).toBe(knife.count);
  });

  it.each(llr.localities.map((l) => l.slug))('the %s profile is identical for both audiences', async (locality) => {
    for (const audience of ['csp', 'analyst'] as const) {
      const results = await onBothEngines(t.platform, (engine) => localityProfile(engine, llr, agreement, { locality, period: '2024-25', audience }));
      expect(results.arquero).toEqual(results.sql);
      // small districts can have no serious violence in the small committed sample; the city always has some
      if (audience === 'analyst' && locality === 'leicester') expect(results.sql.serious_violence.count).toBeGreaterThan(0);
    }
  });

  it.each(['city', 'county'])('the %s cohort is identical on both engines and holds exactly the planted children it should', async (panel) => {
    const results = await onBothEngines(t.platform, (engine) => preventionPanelCohort(engine, llr, cohortRules, panel, '2025-09-30'));
    expect(results.arquero).toEqual(results.sql);
    // The generator's truth names each planted child's records; their keyed references find them in the cohort.
    const lines = (file: string) => readFileSync(`${committedSampleDir}${file}`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const planted = lines('planted.csv').filter(([, , p]) => p === panel);
    const truth = lines('truth.csv');
    const keysOf = new Map<string, Set<string>>();
    for (const [dataset, partner, ref, person] of truth) {
      const pseudonyms = await Pseudonymiser.create(t.platform.keys, partner);
      const key = pseudonyms.recordKey(dataset === 'police_person' ? 'police_crime' : dataset, partner, ref);
      (keysOf.get(person) ?? keysOf.set(person, new Set()).get(person)!).add(key);
    }
    const memberOf = (person: string) => results.sql.members.find((m) => m.records.some((r) => keysOf.get(person)?.has(r.record_key)));
    expect(planted.length).toBeGreaterThan(5);
    for (const [name, person, , , , expected] of planted) {
      expect({ name, in_cohort: Boolean(memberOf(person)) }).toEqual({ name, in_cohort: expected === 'true' });
    }
  });

  it.each(['llr', 'leicester'])('a deep dive on robbery in %s is identical on both engines', async (area) => {
    const results = await onBothEngines(t.platform, (engine) => deepDive(engine, llr, { groups: ['robbery_personal', 'robbery_business'], area, period: '2024-25' }));
    expect(results.arquero).toEqual(results.sql);
    expect(results.sql.crimes).toBeGreaterThan(0);
  });
});
