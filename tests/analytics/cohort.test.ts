import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preventionPanelCohort, type CohortResult } from '../../analytics/products/cohort.ts';
import { upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';
import { cohortRules, llr } from '../deployments.ts';

/** As of 2025-09-30 the window is 2024-10-01 … 2025-09-30. Each child below tests one rule. */
const AS_OF = '2025-09-30';
const upn = (serial: string) => { const rest = `85620240${serial}`; return upnCheckLetter(rest) + rest; };
const PERSON_HEADER = 'crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome';

let t: ReturnType<typeof testPlatform>;
let city: Record<'arquero' | 'sql', CohortResult>;
let county: Record<'arquero' | 'sql', CohortResult>;
beforeAll(async () => {
  t = testPlatform();
  const crimes: [string, string, string][] = [
    ['A1', '2025-01-10', 'robbery_personal'], ['A2', '2025-06-01', 'assault_with_injury'], ['A3', '2025-03-03', 'assault_with_injury'],
    ['C1', '2025-02-01', 'theft'], ['C2', '2025-03-01', 'theft'],
    ['D1', '2025-02-01', 'theft'], ['D2', '2025-03-01', 'theft'],
    ['E1', '2024-08-01', 'theft'], ['E2', '2025-09-01', 'theft'],
    ['W1', '2024-09-30', 'theft'], ['W2', '2025-09-30', 'theft'],
    ['F1', '2024-11-01', 'theft'], ['F2', '2025-05-01', 'theft'],
    ['G1', '2025-02-01', 'theft'], ['G2', '2025-03-01', 'theft'], ['H1', '2025-02-01', 'theft'], ['H2', '2025-03-01', 'theft'],
    ['K1', '2025-02-01', 'theft'], ['K2', '2025-03-01', 'theft'], ['N1', '2025-02-01', 'theft'], ['N2', '2025-03-01', 'theft'],
  ];
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimes.map(([ref, day, group]) => crimeRow(ref, { recorded_date: day, offence_date: day, offence_group: group }))));
  await ingestText(t.platform, 'police_person', POLICE, csv(PERSON_HEADER,
    // A: Leicester, 15, suspect twice under two spellings, and a victim of serious violence
    "A1,suspect,,Zoë,O'Brien,2010-05-14,female,LE2 1AB,", 'A2,offender,,ZOE,OBRIEN,2010-05-14,female,LE2 1AB,', 'A3,victim,,zoe,obrien,2010-05-14,female,LE2 1AB,',
    // C: twice a suspect but in an open youth justice episode
    'C1,suspect,NOM-C,Cal,Reed,2011-02-02,male,LE1 1AA,', 'C2,suspect,NOM-C,Cal,Reed,2011-02-02,male,LE1 1AA,',
    // D: 18 on the as-of date
    'D1,suspect,NOM-D,Dan,Moss,2007-09-01,male,LE1 1AA,', 'D2,suspect,NOM-D,Dan,Moss,2007-09-01,male,LE1 1AA,',
    // E: two crimes thirteen months apart
    'E1,suspect,NOM-E,Eve,Hart,2011-01-01,female,LE1 1AA,', 'E2,suspect,NOM-E,Eve,Hart,2011-01-01,female,LE1 1AA,',
    // W: one crime on the day before the window opens, one on the as-of date
    'W1,suspect,NOM-W,Wes,Lane,2011-01-01,male,LE1 1AA,', 'W2,suspect,NOM-W,Wes,Lane,2011-01-01,male,LE1 1AA,',
    // F: lived in Charnwood, now in Leicester
    'F1,suspect,NOM-F,Fay,Cole,2012-03-03,female,LE11 3AB,', 'F2,suspect,NOM-F,Fay,Cole,2012-03-03,female,LE2 1AB,',
    // age edges on the as-of date (a person counts as born on the first of the birth month): G turns 10 in
    // September 2025, so is 10; H turns 18 in October 2025, so is still 17; K is 9 (10 in October); N 18 (in September)
    'G1,suspect,NOM-G,Gus,Ward,2015-09-28,male,LE1 1AA,', 'G2,suspect,NOM-G,Gus,Ward,2015-09-28,male,LE1 1AA,',
    'H1,suspect,NOM-H,Hal,Pike,2007-10-02,male,LE1 1AA,charged', 'H2,suspect,NOM-H,Hal,Pike,2007-10-02,male,LE1 1AA,no_further_action',
    'K1,suspect,NOM-K,Kit,Nye,2015-10-01,male,LE1 1AA,', 'K2,suspect,NOM-K,Kit,Nye,2015-10-01,male,LE1 1AA,',
    'N1,suspect,NOM-N,Ned,Orr,2007-09-30,male,LE1 1AA,', 'N2,suspect,NOM-N,Ned,Orr,2007-09-30,male,LE1 1AA,'));
  await ingestText(t.platform, 'asb_incident', POLICE, csv('incident_ref,source,reported_at,pen_category,perpetrator_person_id,perpetrator_forename,perpetrator_surname,perpetrator_date_of_birth,perpetrator_home_postcode',
    // B: Charnwood, 12, twice an ASB perpetrator (M2)
    'B1,police_call,2025-04-01T21:00,nuisance,NOM-B,Ben,Tate,2013-01-20,LE11 2CD', 'B2,police_call,2025-07-01T21:00,personal,NOM-B,Ben,Tate,2013-01-20,LE11 2CD'));
  await ingestText(t.platform, 'school_exclusion', 'leicester-city-council', csv('exclusion_id,upn,forename,surname,date_of_birth,category,reason_code,start_date,home_postcode',
    `X1,${upn('0001')},Zoe,O'Brien,14/05/2010,suspension,PA,2025-02-01,LE2 1AB`));
  await ingestText(t.platform, 'ae_attendance', 'uhl', csv('attendance_id,arrival_at,means_of_assault,nhs_number,forename,surname,date_of_birth,home_postcode',
    "E1,2025-03-01T23:00,knife_or_sharp,9434765919,Zoë,O'Brien,2010-05-14,LE2 1AB"));
  await ingestText(t.platform, 'support_episode', 'leicester-city-council', csv('episode_id,service,la_person_id,forename,surname,date_of_birth,start_date,end_date',
    'S1,youth_justice,LA-C,Cal,Reed,2011-02-02,2025-01-01,'));
  await ingestText(t.platform, 'support_episode', 'leicestershire-county-council', csv('episode_id,service,la_person_id,forename,surname,date_of_birth,start_date,end_date',
    'S2,early_help,LA-B,Ben,Tate,2013-01-20,2025-05-01,', 'S3,youth_justice,LA-B,Ben,Tate,2013-01-20,2024-01-01,2024-06-01'));
  city = await onBothEngines(t.platform, (e) => preventionPanelCohort(e, llr, cohortRules, 'city', AS_OF));
  county = await onBothEngines(t.platform, (e) => preventionPanelCohort(e, llr, cohortRules, 'county', AS_OF));
}, 60_000);
afterAll(() => t.cleanup());

describe('Prevention Panel cohort', () => {
  it('is identical on both engines', () => {
    expect(city.arquero).toEqual(city.sql);
    expect(county.arquero).toEqual(county.sql);
  });

  it('links a child across partners by name and date of birth despite spelling, and scores the factors', () => {
    const a = city.sql.members.find((m) => m.partners.includes('uhl'))!;
    expect(a).toMatchObject({
      age: 15, sex: 'female', locality: 'leicester', criteria: ['M1'], factors: ['D1', 'D2', 'D3'],
      score: 3 + 2 + 2 + 1, events: { ae_attendance: 1, police_crime: 3, school_exclusion: 1 }, last_event_date: '2025-06-01',
      partners: ['leicester-city-council', 'leicestershire-police', 'uhl'],
    });
    expect(a.person_id).toMatch(/^P-[A-Za-z0-9_-]{12}$/);
  });

  it('takes residence from the latest record: the child who moved is in the city cohort only', () => {
    expect(city.sql.members.some((m) => m.age === 13 && m.events.police_crime === 2 && m.locality === 'leicester')).toBe(true);
    expect(county.sql.members.every((m) => m.age !== 13)).toBe(true);
  });

  it('applies the window, the age range on the as-of date and the open-episode exclusion', () => {
    // A, F, G (10) and H (17): not C (open youth justice), D and N (18), E and W (one crime in the window), K (9)
    expect(city.sql.count).toBe(4);
    expect(city.sql.members.map((m) => m.age).sort((a, b) => a - b)).toEqual([10, 13, 15, 17]);
  });

  it('counts a suspect whatever the outcome (charged or no further action)', () => {
    expect(city.sql.members.find((m) => m.age === 17)).toMatchObject({ criteria: ['M1'], events: { police_crime: 2 } });
  });

  it('finds the county child by ASB (M2), with open early help shown as D5 and a closed youth justice episode ignored', () => {
    expect(county.sql.members).toEqual([expect.objectContaining({ age: 12, locality: 'charnwood', criteria: ['M2'], factors: ['D5'], score: 3, events: { asb_incident: 2, support_episode: 1 } })]);
  });

  it('refuses an unknown panel and a malformed date', async () => {
    await expect(onBothEngines(t.platform, (e) => preventionPanelCohort(e, llr, cohortRules, 'rutland', AS_OF))).rejects.toThrow('unknown panel');
    await expect(onBothEngines(t.platform, (e) => preventionPanelCohort(e, llr, cohortRules, 'city', '30/09/2025'))).rejects.toThrow('YYYY-MM-DD');
  });
});
