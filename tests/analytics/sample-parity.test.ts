import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preventionPanelCohort } from '../../analytics/products/cohort.ts';
import { deepDive } from '../../analytics/products/deep-dive.ts';
import { localityProfile } from '../../analytics/products/locality-profile.ts';
import { countProgrammeReport } from '../../analytics/products/programme-report.ts';
import { disclose } from '../../analytics/disclosure.ts';
import { committedSampleDir } from '../../functions/ingest/sample-loader.ts';
import { successMeasures } from '../../analytics/products/success-measures.ts';
import { loadSampleExtracts } from '../../functions/ingest/sample-loader.ts';
import { testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';
import { plantedMembership } from './planted.ts';
import { agreement, cohortRules, llr } from '../deployments.ts';

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
    const { planted, actual, expected } = await plantedMembership(t.platform, committedSampleDir, panel, results.sql.members);
    expect(planted).toBeGreaterThan(5);
    expect(actual).toEqual(expected);
  });

  it.each(['vip', 'phoenix', 'reach'])('the %s programme report, outcomes and all, is identical on both engines for both audiences', async (programme) => {
    for (const audience of ['analyst', 'csp'] as const) {
      const results = await onBothEngines(t.platform, async (engine) => disclose(await countProgrammeReport(engine, agreement, t.platform.deployment.programmes, { programme, period: '2024-25', audience }), agreement.disclosure.rounding));
      expect(results.arquero).toEqual(results.sql);
      if (audience === 'analyst') expect(results.sql.outcomes.windows.map((w) => w.eligible.count)).not.toEqual([0, 0]);
    }
  });

  it.each(['llr', 'leicester'])('a deep dive on robbery in %s is identical on both engines', async (area) => {
    const results = await onBothEngines(t.platform, (engine) => deepDive(engine, llr, { groups: ['robbery_personal', 'robbery_business'], area, period: '2024-25' }));
    expect(results.arquero).toEqual(results.sql);
    expect(results.sql.crimes).toBeGreaterThan(0);
  });
});
