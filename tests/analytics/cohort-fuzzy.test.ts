import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preventionPanelCohort, type CohortResult } from '../../analytics/products/cohort.ts';
import { testPlatform } from '../helpers.ts';
import { ingestTommy } from './fuzzy-child.ts';
import { onBothEngines } from './engines.ts';
import { cohortRules, llr } from '../deployments.ts';

/** The cohort finds a child across three partners only through fuzzy linkage (see fuzzy-child.ts). */
let t: ReturnType<typeof testPlatform>;
let fuzzy: Record<'arquero' | 'sql', CohortResult>;
let exact: Record<'arquero' | 'sql', CohortResult>;
beforeAll(async () => {
  t = testPlatform();
  await ingestTommy(t.platform);
  fuzzy = await onBothEngines(t.platform, (e) => preventionPanelCohort(e, llr, cohortRules, 'city', '2025-09-30'));
  exact = await onBothEngines(t.platform, (e) => preventionPanelCohort(e, llr, cohortRules, 'city', '2025-09-30', { kind: 'exact' }));
});
afterAll(() => t.cleanup());

describe('the cohort with fuzzy linkage', () => {
  it('finds the child across three partners, with the factors their records bring, on both engines', () => {
    expect(fuzzy.sql).toEqual(fuzzy.arquero);
    expect(fuzzy.arquero.linkage).toBe('fuzzy');
    expect(fuzzy.arquero.members).toHaveLength(1);
    expect(fuzzy.arquero.members[0]).toMatchObject({
      age: 14, locality: 'leicester', criteria: ['M2'], factors: ['D1', 'D2'],
      events: { ae_attendance: 1, asb_incident: 2, school_exclusion: 1 },
      partners: ['leicester-city-council', 'leicestershire-police', 'uhl'],
    });
  });

  it('misses him on exact keys alone: each partner saw one incident', () => {
    expect(exact.sql).toEqual(exact.arquero);
    expect(exact.arquero).toMatchObject({ linkage: 'exact', members: [] });
  });

  it('keeps his sister apart', () => {
    expect(fuzzy.arquero.members[0].records.filter((r) => r.dataset === 'asb_incident')).toHaveLength(2);
  });
});
