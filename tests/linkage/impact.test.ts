import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../analytics/engine.ts';
import type { Engine } from '../../analytics/ir.ts';
import { preventionPanelCohort } from '../../analytics/products/cohort.ts';
import { currentPeople, reviewQueueByImpact } from '../../functions/linkage/people.ts';
import { csv, ingestText, POLICE, testPlatform } from '../helpers.ts';
import { vrnInProcess } from '../cli/in-process.ts';
import { ASB_HEADER, stored } from '../analytics/fuzzy-child.ts';

/**
 * Tommy (two ASB incidents in 2025 under one police nominal: on the city panel's cohort) and, for the queue, a boy
 * of his name born a year later in another part of the city, known to the VRN's own service, and two records of an
 * adult's name a year apart (no cohort to touch).
 */
let t: ReturnType<typeof testPlatform>;
let engine: Engine;
beforeAll(async () => {
  t = testPlatform();
  await stored(ingestText(t.platform, 'asb_incident', POLICE, csv(ASB_HEADER,
    'P1,police_call,2025-03-01T21:00,nuisance,NOM-T,Thomas,Bradshaw,2011-03-15,LE2 1AB',
    'P2,police_call,2025-05-01T21:00,nuisance,NOM-T,Thomas,Bradshaw,2011-03-15,LE2 1AB')));
  await stored(ingestText(t.platform, 'support_episode', 'vrn', csv('episode_id,service,forename,surname,date_of_birth,sex,home_postcode,start_date',
    'EP-1,vrn_intervention,Thomas,Bradshaw,2012-03-15,,LE3 9QQ,2025-03-01',
    'EP-2,vrn_intervention,Marek,Kowalczyk,1980-11-02,male,LE5 1AA,2025-03-01')));
  await stored(ingestText(t.platform, 'asb_incident', 'leicester-city-council', csv(ASB_HEADER,
    'C1,case_management,2025-06-01T20:00,personal,,Marek,Kowalczyk,1981-11-02,LE5 1AA')));
  engine = await openEngine('sql', t.platform);
}, 60_000);
afterAll(async () => { await engine.close(); t.cleanup(); });

describe('the review queue by what it would change', () => {
  it('puts first, and filters to, the pairs touching a member of a panel cohort as it stands; says which guard held a pair', async () => {
    const queue = await reviewQueueByImpact(t.platform, engine);
    const namesake = queue.find((i) => i.records.some((r) => r.partner === 'vrn') && i.records.some((r) => r.partner !== 'vrn'));
    expect(namesake?.impact).toBe('cohort');
    // Held by a guard (another birth date), whatever its score.
    expect(namesake?.held).toBe('birth-date');
    const cohortFirst = queue.filter((i) => i.impact === 'cohort').length;
    expect(queue.slice(0, cohortFirst).every((i) => i.impact === 'cohort')).toBe(true);
    expect((await reviewQueueByImpact(t.platform, engine, { only: 'cohort' })).map((i) => i.pair)).toEqual(queue.slice(0, cohortFirst).map((i) => i.pair));
    // As of a day before any incident there is no cohort to touch: the same pairs, none marked.
    const before = await reviewQueueByImpact(t.platform, engine, { asOf: '2024-12-31' });
    expect(before.map((i) => i.pair).sort()).toEqual(queue.map((i) => i.pair).sort());
    expect(before.every((i) => i.impact === null)).toBe(true);
    expect(await reviewQueueByImpact(t.platform, engine, { asOf: '2024-12-31', only: 'cohort' })).toEqual([]);
  });

  it('names a person alike in the cohort and in linkage: one person-id scheme', async () => {
    const current = await currentPeople(t.platform, engine);
    if (!current) throw new Error('expected the people of a small store');
    const cohort = await preventionPanelCohort(engine, t.platform.area, t.platform.deployment.cohort, 'city', '2025-06-01');
    expect(cohort.members).toHaveLength(1);
    const [pair] = await reviewQueueByImpact(t.platform, engine, { only: 'cohort' });
    const his = pair.records.find((r) => r.partner === POLICE)!;
    expect(current.people.personOf(his.id)).toBe(cohort.members[0].person_id);
  });

  it('works from the CLI: vrn review list --impact cohort, and a clear error for another impact', async () => {
    const run = await vrnInProcess('review', 'list', '--impact', 'cohort', '--data-dir', t.dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ pairs? to review touching a panel cohort member/);
    expect(run.stdout).toContain('touches the cohort');
    const bad = await vrnInProcess('review', 'list', '--impact', 'everything', '--data-dir', t.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--impact takes cohort');
  });
});
