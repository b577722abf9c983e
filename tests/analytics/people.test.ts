import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { col, eq, lit, type Engine } from '../../analytics/ir.ts';
import { linkedPeople } from '../../analytics/matching/people.ts';
import { upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';

const PERSON_HEADER = 'crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome';
const upn = (serial: string) => { const rest = `85620240${serial}`; return upnCheckLetter(rest) + rest; };
let t: ReturnType<typeof testPlatform>;

beforeAll(async () => {
  t = testPlatform();
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER,
    crimeRow('R1', { recorded_date: '2025-01-10', offence_date: '2025-01-10' }), crimeRow('R2', { recorded_date: '2025-08-10', offence_date: '2025-08-10' })));
  await ingestText(t.platform, 'police_person', POLICE, csv(PERSON_HEADER,
    'R1,suspect,NOM-1,Amy,Lee,2010-05-14,female,LE2 1AB,',
    // after the day: not a record of hers yet, and it links nobody
    'R2,suspect,NOM-1,Amy,Lee,2010-05-14,female,LE2 1AB,', 'R2,victim,NOM-9,Bea,Kay,2011-01-01,female,LE2 1AB,'));
  // A chain: the police record shares name and birth with the exclusion, which shares the UPN with the support
  // episode, which shares the NHS number with an A&E attendance under another name.
  await ingestText(t.platform, 'school_exclusion', 'leicester-city-council', csv('exclusion_id,upn,forename,surname,date_of_birth,category,reason_code,start_date,home_postcode',
    `X1,${upn('0001')},Amy,Lee,14/05/2010,suspension,PA,2025-02-01,LE2 1AB`));
  await ingestText(t.platform, 'support_episode', 'leicester-city-council', csv('episode_id,service,la_person_id,nhs_number,upn,forename,surname,date_of_birth,start_date,end_date',
    `S1,early_help,LA-1,9434765919,${upn('0001')},Amelia,Lee,2010-05-14,2025-03-01,`));
  await ingestText(t.platform, 'ae_attendance', 'uhl', csv('attendance_id,arrival_at,means_of_assault,nhs_number,forename,surname,date_of_birth,home_postcode',
    'E1,2025-04-01T23:00,other,9434765919,Millie,Lee-Smith,2010-05-14,LE2 1AB',
    'E2,2025-09-01T23:00,other,9434765919,Millie,Lee-Smith,2010-05-14,LE2 1AB',
    // Bea's only record before the day, sharing no key with Amy
    'E3,2025-04-01T23:00,other,9434765927,Bea,Kay,2011-01-01,LE2 1AB'));
});
afterAll(() => t.cleanup());

describe('people linked from seed rows', () => {
  it('follows a chain of shared keys to every record up to the day, and no further', async () => {
    const found = await onBothEngines(t.platform, async (engine) => {
      const { people, crimes } = await linkedPeople(engine, '2025-06-30', [{ dataset: 'police_person', where: eq(col('role'), lit('suspect')) }]);
      return { crimes: crimes.size, people: [...people.values()].map((records) => records.map((r) => `${r.dataset}:${r.partner}`).sort()) };
    });
    expect(found.arquero).toEqual({
      crimes: 1,
      people: [['ae_attendance:uhl', 'police_person:leicestershire-police', 'school_exclusion:leicester-city-council', 'support_episode:leicester-city-council']],
    });
    expect(found.sql).toEqual(found.arquero);
  });

  it('gives each person\'s records latest first, in the same order whatever order the engine returns rows in', async () => {
    const seeds = [{ dataset: 'police_person', where: eq(col('role'), lit('suspect')) }];
    const orders = await onBothEngines(t.platform, async (engine) => {
      // Engines promise rows in no order (DuckDB scans in parallel): the same engine with every answer reversed.
      const reversed: Engine = { name: engine.name, count: (q, p) => engine.count(q, p), rows: async (q, p) => (await engine.rows(q, p)).reverse(), close: () => engine.close() };
      const order = async (e: Engine) => [...(await linkedPeople(e, '2025-06-30', seeds)).people.values()].map((records) => records.map((r) => `${r.dataset}/${r.day}`));
      return [await order(engine), await order(reversed)];
    });
    const amy = ['ae_attendance', 'support_episode', 'school_exclusion', 'police_person'];
    for (const [asGiven, asReversed] of Object.values(orders)) {
      expect(asReversed).toEqual(asGiven);
      expect(asGiven[0].map((r) => r.split('/')[0])).toEqual(amy);
    }
  });

  it('finds nobody when no seed row is dated up to the day', async () => {
    const found = await onBothEngines(t.platform, async (engine) => (await linkedPeople(engine, '2024-12-31', [{ dataset: 'police_person', where: eq(col('role'), lit('suspect')) }])).people.size);
    expect(found).toEqual({ arquero: 0, sql: 0 });
  });
});
