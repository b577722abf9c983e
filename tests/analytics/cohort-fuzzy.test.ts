import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preventionPanelCohort, type CohortResult } from '../../analytics/products/cohort.ts';
import { sql, testPlatform } from '../helpers.ts';
import { ingestTommy } from './fuzzy-child.ts';
import { onBothEngines } from './engines.ts';
import { cohortRules, llr } from '../deployments.ts';

/** The cohort finds a child across three partners only through fuzzy linkage (see fuzzy-child.ts). */
let t: ReturnType<typeof testPlatform>;
let fuzzy: Record<'arquero' | 'sql', CohortResult>;
beforeAll(async () => {
  t = testPlatform();
  await ingestTommy(t.platform);
  fuzzy = await onBothEngines(t.platform, (e) => preventionPanelCohort(e, llr, cohortRules, 'city', '2025-09-30'));
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

  it('reads him from the people tables: each of his records shows his person id in the views analysts query', async () => {
    const [member] = fuzzy.sql.members;
    const shown = await sql(t.platform, `SELECT DISTINCT p FROM (SELECT perpetrator_linked_person_id AS p, record_key FROM asb_incident UNION ALL SELECT person_id, record_key FROM ae_attendance UNION ALL SELECT person_id, record_key FROM school_exclusion) r WHERE record_key IN (${member.records.map((r) => `'${r.record_key}'`).join(', ')})`);
    expect(shown).toEqual([{ p: member.person_id }]);
    const person = await sql(t.platform, `SELECT records, partners FROM people WHERE person_id = '${member.person_id}'`);
    expect(person).toEqual([{ records: member.records.length, partners: member.partners.join(';') }]);
  });

  it('keeps his sister apart', () => {
    expect(fuzzy.arquero.members[0].records.filter((r) => r.dataset === 'asb_incident')).toHaveLength(2);
  });
});
