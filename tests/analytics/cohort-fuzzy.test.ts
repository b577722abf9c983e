import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preventionPanelCohort, type CohortResult } from '../../analytics/products/cohort.ts';
import { upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import { llr } from '../../schemas/area/index.ts';
import { cohortRules } from '../../schemas/cohort.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';

/**
 * A child known to three partners under a nickname and a typo, with no identifier in common: two ASB incidents
 * (one reported to the police as Thomas, one to the council as Tom), a suspension as Tomas, an A&E attendance as
 * Tommy. Only fuzzy linkage makes the two incidents one child's (M2) and brings in the suspension and attendance.
 */
const ASB_HEADER = 'incident_ref,source,reported_at,pen_category,perpetrator_person_id,perpetrator_forename,perpetrator_surname,perpetrator_date_of_birth,perpetrator_home_postcode';
const upn = (serial: string) => { const rest = `85620240${serial}`; return upnCheckLetter(rest) + rest; };

let t: ReturnType<typeof testPlatform>;
/** Every row of these crafted extracts is meant to be stored. */
const stored = async (ingest: ReturnType<typeof ingestText>) => expect(await ingest).toMatchObject({ status: 'accepted', rows_rejected: 0 });
let fuzzy: Record<'arquero' | 'sql', CohortResult>;
let exact: Record<'arquero' | 'sql', CohortResult>;
beforeAll(async () => {
  t = testPlatform();
  await stored(ingestText(t.platform, 'asb_incident', POLICE, csv(ASB_HEADER, 'P1,police_call,2025-03-01T21:00,nuisance,NOM-T,Thomas,Bradshaw,2011-03-15,LE2 1AB')));
  await stored(ingestText(t.platform, 'asb_incident', 'leicester-city-council', csv(ASB_HEADER,
    'C1,case_management,2025-06-01T20:00,personal,,Tom,Bradshaw,2011-03-15,LE2 1AB',
    // his sister: same surname and address, another name and birth date
    'C2,case_management,2025-07-01T20:00,personal,,Grace,Bradshaw,2013-05-02,LE2 1AB')));
  await stored(ingestText(t.platform, 'school_exclusion', 'leicester-city-council', csv('exclusion_id,upn,forename,surname,date_of_birth,category,reason_code,start_date,home_postcode',
    `X1,${upn('0007')},Tomas,Bradshaw,15/03/2011,suspension,PA,2025-02-01,LE2 1AB`)));
  await stored(ingestText(t.platform, 'ae_attendance', 'uhl', csv('attendance_id,arrival_at,means_of_assault,nhs_number,forename,surname,date_of_birth,home_postcode',
    'E1,2025-05-01T23:00,other,9434765919,Tommy,Bradshaw,2011-03-15,LE2 1AB')));
  await stored(ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, crimeRow('R1', { recorded_date: '2025-04-01', offence_date: '2025-04-01' }))));
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
