import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deepDive, type DeepDiveResult } from '../../analytics/products/deep-dive.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';
import { llr } from '../deployments.ts';

const robbery = (ref: string, day: string, group: string, postcode: string, time = '21:00') =>
  crimeRow(ref, { recorded_date: day, offence_date: day, offence_group: group, postcode, offence_time: time, victim_date_of_birth: '', victim_age: '16', victim_sex: 'male' });

let t: ReturnType<typeof testPlatform>;
let leicester: Record<'arquero' | 'sql', DeepDiveResult>;
let whole: Record<'arquero' | 'sql', DeepDiveResult>;
beforeAll(async () => {
  t = testPlatform();
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER,
    robbery('R1', '2024-05-04', 'robbery_personal', 'LE1 5AB'), robbery('R2', '2024-06-10', 'robbery_personal', 'LE1 5AB'),
    robbery('R3', '2024-07-01', 'robbery_business', 'LE1 6CD', '09:30'), robbery('R4', '2024-07-02', 'robbery_personal', 'LE11 3AB'),
    robbery('T1', '2024-07-03', 'theft', 'LE1 5AB')));
  await ingestText(t.platform, 'police_person', POLICE, csv('crime_ref,role,police_person_id,forename,surname,date_of_birth,sex',
    'R1,suspect,NOM-S,Sam,Knight,2007-03-01,male', 'R2,offender,NOM-S,Sam,Knight,2007-03-01,male',
    'R3,suspect,NOM-Q,Quinn,Ashe,1990-01-01,female',
    'R1,victim,NOM-V,Vic,Lowe,2008-01-01,male', 'R3,victim,NOM-V,Vic,Lowe,2008-01-01,male'));
  // Sam was known to other agencies before his first robbery (4 May 2024); the September attendance is after it.
  await ingestText(t.platform, 'ae_attendance', 'uhl', csv('attendance_id,arrival_at,means_of_assault,forename,surname,date_of_birth',
    'A1,2024-01-01T22:00,body_part,Sam,Knight,2007-03-01', 'A2,2024-09-01T22:00,body_part,Quinn,Ashe,1990-01-01'));
  await ingestText(t.platform, 'asb_incident', POLICE, csv('incident_ref,source,reported_at,pen_category,perpetrator_person_id',
    'B1,police_call,2023-12-01T20:00,nuisance,NOM-S'));
  await ingestText(t.platform, 'school_exclusion', 'leicester-city-council', csv('exclusion_id,forename,surname,date_of_birth,category,reason_code,start_date',
    'X1,Sam,Knight,2007-03-01,suspension,PD,2024-03-01'));
  const request = { groups: ['robbery_personal', 'robbery_business'], period: '2024-25' };
  leicester = await onBothEngines(t.platform, (e) => deepDive(e, llr, { ...request, area: 'leicester' }));
  whole = await onBothEngines(t.platform, (e) => deepDive(e, llr, { ...request, area: 'llr' }));
}, 60_000);
afterAll(() => t.cleanup());

describe('deep dive', () => {
  it('is identical on both engines', () => {
    expect(leicester.arquero).toEqual(leicester.sql);
    expect(whole.arquero).toEqual(whole.sql);
  });

  it('counts the crimes of the groups in the area, by month, place and time', () => {
    const d = leicester.sql;
    expect([d.crimes, whole.sql.crimes]).toEqual([3, 4]);
    expect(d.monthly.filter((m) => m.count).map((m) => [m.month, m.count])).toEqual([['2024-05', 1], ['2024-06', 1], ['2024-07', 1]]);
    expect(d.hotspots).toEqual([{ sector: 'LE1 5', count: 2, share_pct: 66.7 }, { sector: 'LE1 6', count: 1, share_pct: 33.3 }]);
    expect(d.hour_by_weekday.counts[5][21]).toBe(1); // 4 May 2024 was a Saturday
    expect(d.hour_by_weekday.counts[0][9]).toBe(1); // 1 July 2024 was a Monday
    expect(d.victims.age_band.find((b) => b.key === '10-17')!.count).toBe(3);
  });

  it('finds suspects by linked person, their ages at the first offence, and repeats', () => {
    const d = leicester.sql;
    expect(d.suspects.people).toBe(2);
    expect(d.suspects.age_band.filter((b) => b.count).map((b) => [b.key, b.count])).toEqual([['10-17', 1], ['25-34', 1]]);
    expect(d.repeat).toEqual({ victims: { people: 1, crimes: 2 }, suspects: { people: 1, crimes: 2 } });
  });

  it('counts suspects under 25 known earlier to A&E, schools and ASB teams', () => {
    expect(leicester.sql.linked_agency_contact).toEqual({ suspects_under_25: 1, earlier_ae_attendance: 1, earlier_suspension: 1, earlier_asb: 1, any: 1 });
  });

  it('refuses unknown groups and areas', async () => {
    await expect(onBothEngines(t.platform, (e) => deepDive(e, llr, { groups: ['mugging'], area: 'llr', period: '2024-25' }))).rejects.toThrow('unknown offence group');
    await expect(onBothEngines(t.platform, (e) => deepDive(e, llr, { groups: ['theft'], area: 'narnia', period: '2024-25' }))).rejects.toThrow('unknown area');
  });
});
