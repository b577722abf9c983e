import { expect } from 'vitest';
import { upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText } from '../helpers.ts';

/**
 * A child known to three partners under a nickname and a typo, with no identifier in common: two ASB incidents
 * (one reported to the police as Thomas, one to the council as Tom), a suspension as Tomas, an A&E attendance as
 * Tommy; and his sister at the same address. Only fuzzy linkage makes the two incidents one child's.
 */
export const ASB_HEADER = 'incident_ref,source,reported_at,pen_category,perpetrator_person_id,perpetrator_forename,perpetrator_surname,perpetrator_date_of_birth,perpetrator_home_postcode';
const upn = (serial: string) => { const rest = `85620240${serial}`; return upnCheckLetter(rest) + rest; };

/** Every row of these crafted extracts is meant to be stored. */
export const stored = async (ingest: ReturnType<typeof ingestText>) => expect(await ingest).toMatchObject({ status: 'accepted', rows_rejected: 0 });

/** Tommy as each partner spelled him (police, council ASB, school, A&E), and his sister: what the extracts carry. */
export const tommy = ['Thomas', 'Tom', 'Tomas', 'Tommy'].map((forename) => ({ forename, surname: 'Bradshaw', dob: '2011-03-15', postcode: 'LE2 1AB', sex: null }));
export const sister = { forename: 'Grace', surname: 'Bradshaw', dob: '2013-05-02', postcode: 'LE2 1AB', sex: null };
const [police, council, school, ae] = tommy;

export async function ingestTommy(platform: Platform) {
  await stored(ingestText(platform, 'asb_incident', POLICE, csv(ASB_HEADER, `P1,police_call,2025-03-01T21:00,nuisance,NOM-T,${police.forename},${police.surname},${police.dob},${police.postcode}`)));
  await stored(ingestText(platform, 'asb_incident', 'leicester-city-council', csv(ASB_HEADER,
    `C1,case_management,2025-06-01T20:00,personal,,${council.forename},${council.surname},${council.dob},${council.postcode}`,
    // his sister: same surname and address, another name and birth date
    `C2,case_management,2025-07-01T20:00,personal,,${sister.forename},${sister.surname},${sister.dob},${sister.postcode}`)));
  const [y, m, d] = school.dob.split('-');
  await stored(ingestText(platform, 'school_exclusion', 'leicester-city-council', csv('exclusion_id,upn,forename,surname,date_of_birth,category,reason_code,start_date,home_postcode',
    `X1,${upn('0007')},${school.forename},${school.surname},${d}/${m}/${y},suspension,PA,2025-02-01,${school.postcode}`)));
  await stored(ingestText(platform, 'ae_attendance', 'uhl', csv('attendance_id,arrival_at,means_of_assault,nhs_number,forename,surname,date_of_birth,home_postcode',
    `E1,2025-05-01T23:00,other,9434765919,${ae.forename},${ae.surname},${ae.dob},${ae.postcode}`)));
  await stored(ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, crimeRow('R1', { recorded_date: '2025-04-01', offence_date: '2025-04-01' }))));
}
