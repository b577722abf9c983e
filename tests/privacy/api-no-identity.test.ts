import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localAppOptions, startLocalServer } from '../../functions/api/local-server.ts';
import { localAuditFile } from '../../functions/platform/local.ts';
import { allFiles, csv, testPlatform } from '../helpers.ts';

/** Identity values sent through the API, in accepted and rejected rows, must come back in no answer, log or audit line. */
const identities = {
  forename: 'Philippa', surname: 'Quartermaine', dob: '2009-07-14', nhs: '9434765919', postcode: 'LE2 4PQ',
  police_id: 'NOM-8841-XQ', crime_ref: 'LP/24/998877', attendance: 'UHL-ATT-5566778',
};

let t: ReturnType<typeof testPlatform>;
let server: Awaited<ReturnType<typeof startLocalServer>>;
let options: ReturnType<typeof localAppOptions>;
const answers: string[] = [];
const logged: string[] = [];
beforeAll(async () => {
  for (const level of ['log', 'error', 'warn'] as const) vi.spyOn(console, level).mockImplementation((...args: unknown[]) => { logged.push(args.map(String).join(' ')); });
  t = testPlatform();
  options = localAppOptions(t.dir, t.platform);
  server = await startLocalServer(t.platform, 0, options);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await new Promise((resolve) => server.server.close(resolve));
  t.cleanup();
});

async function upload(user: string, dataset: string, partner: string, body: string) {
  const response = await fetch(`${server.url}/v1/uploads?dataset=${dataset}&partner=${partner}`, { method: 'POST', body, headers: { authorization: `Bearer ${await options.tokens.sign(user)}` } });
  const text = await response.text();
  answers.push(text);
  return { status: response.status, report: JSON.parse(text) };
}

describe('identity values through the API', () => {
  it('are never echoed in reports, refusals, logs or the audit trail', async () => {
    const i = identities;
    const crimes = await upload('police-uploader', 'police_crime', 'leicestershire-police', csv(
      'crime_ref,recorded_date,offence_date,offence_group,knife_flag,domestic_flag,postcode,victim_date_of_birth,victim_sex',
      `${i.crime_ref},2024-06-10,2024-06-09,robbery_personal,Y,N,${i.postcode},${i.dob},female`,
      ...Array.from({ length: 12 }, (_, n) => `F-${n},2024-06-10,2024-06-09,theft,N,N,,,`),
      `${i.crime_ref}X,2024-06-10,2024-06-09,robbery_personal,Y,N,${i.postcode},2030-01-01,female`));
    expect(crimes.report).toMatchObject({ status: 'accepted', rows_rejected: 1 });
    const persons = await upload('police-uploader', 'police_person', 'leicestershire-police', csv(
      'crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome',
      `${i.crime_ref},suspect,${i.police_id},${i.forename},${i.surname},not-a-date,female,${i.postcode},charged`));
    expect(persons.report.status).toBe('rejected');
    // Refused: a partner that does not share A&E data sends an extract with identities anyway.
    const refused = await upload('police-uploader', 'ae_attendance', 'leicestershire-police', csv(
      'attendance_id,arrival_at,means_of_assault,nhs_number,forename,surname,date_of_birth,home_postcode',
      `${i.attendance},2024-06-02 01:30,knife_or_sharp,${i.nhs},${i.forename},${i.surname},${i.dob},${i.postcode}`));
    expect(refused.status).toBe(403);

    const audit = readFileSync(localAuditFile(t.dir), 'utf8');
    expect(audit.split('\n').filter(Boolean).length).toBe(3);
    const everything = [...answers, ...logged, audit, ...allFiles(t.dir).map((f) => f.bytes.toString('latin1'))].join('\n');
    for (const [name, value] of Object.entries(identities)) {
      expect({ name, found: everything.includes(value) }).toEqual({ name, found: false });
    }
  });
});
