import { parquetReadObjects } from 'hyparquet';
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkAllPeople } from '../../functions/linkage/people.ts';
import { openReferenceVault } from '../../functions/ingest/reference-vault.ts';
import { upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import { decodeClk, fieldDice, type Clk } from '../../analytics/matching/clk.ts';
import { clkFields } from '../../schemas/linkage.ts';
import { allFiles, csv, ingestText, sql, testPlatform } from '../helpers.ts';

/**
 * Identity values go in; none may come out in any byte under the data dir (Parquet decoded as well as raw, the
 * catalog, the reports, the key file) nor in any SQL result. Rejected rows are included: their errors must not
 * quote the value either.
 */
const upn = (() => { const rest = '856202400123'; return upnCheckLetter(rest) + rest; })();
const identities = {
  forename: 'Philippa', surname: 'Quartermaine', dob: '2009-07-14', dobUk: '14/07/2009', nhs: '9434765919', upn,
  postcode: 'LE2 4PQ', postcodeTight: 'LE24PQ', police_id: 'NOM-8841-XQ', la_id: 'LCC-PERSON-55321',
  crime_ref: 'LP/24/998877', attendance: 'UHL-ATT-5566778', exclusion: 'EXCL-91827', episode: 'EPIS-46464', asb: 'ASB-20240601-77',
};

let t: ReturnType<typeof testPlatform>;
const reports: Awaited<ReturnType<typeof ingestText>>[] = [];

beforeAll(async () => {
  t = testPlatform();
  const i = identities;
  const put = async (dataset: string, partner: string, text: string) => reports.push(await ingestText(t.platform, dataset, partner, text));
  await put('police_crime', 'leicestershire-police', csv(
    'crime_ref,recorded_date,offence_date,offence_group,knife_flag,domestic_flag,postcode,victim_date_of_birth,victim_sex',
    `${i.crime_ref},2024-06-10,2024-06-09,robbery_personal,Y,N,${i.postcode},${i.dob},female`,
    ...Array.from({ length: 12 }, (_, n) => `F-${n},2024-06-10,2024-06-09,theft,N,N,,,`),
    `${i.crime_ref}X,2024-06-10,2024-06-09,robbery_personal,Y,N,${i.postcode},${i.dobUk.replace('2009', '2030')},female`)); // rejected: dob in the future
  await put('police_person', 'leicestershire-police', csv(
    'crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome',
    `${i.crime_ref},suspect,${i.police_id},${i.forename},${i.surname},${i.dob},female,${i.postcodeTight},charged`));
  await put('asb_incident', 'leicestershire-police', csv(
    'incident_ref,source,reported_at,pen_category,postcode,perpetrator_person_id,perpetrator_forename,perpetrator_surname,perpetrator_date_of_birth,perpetrator_home_postcode',
    `${i.asb},police_call,2024-06-01T22:00,personal,${i.postcode},${i.police_id},${i.forename},${i.surname},${i.dobUk},${i.postcode}`));
  await put('ae_attendance', 'uhl', csv(
    'attendance_id,arrival_at,means_of_assault,nhs_number,forename,surname,date_of_birth,home_postcode,incident_postcode',
    `${i.attendance},2024-06-02 01:30,knife_or_sharp,${i.nhs},${i.forename},${i.surname},${i.dob},${i.postcode},${i.postcode}`,
    ...Array.from({ length: 12 }, (_, n) => `G-${n},2024-06-02 01:30,other,,,,,,`),
    `${i.attendance}Z,2024-06-02 01:30,knife_or_sharp,${i.nhs.slice(0, 9)}0,${i.forename},${i.surname},${i.dob},${i.postcode},`)); // rejected: bad check digit
  await put('hospital_admission', 'mlcsu', csv(
    'admission_id,admission_date,admission_method,cause_codes,nhs_number,date_of_birth,home_postcode',
    `${i.attendance},2024-06-02,21,S21.1;X99.4,${i.nhs},${i.dob},${i.postcode}`));
  await put('school_exclusion', 'leicester-city-council', csv(
    'exclusion_id,upn,forename,surname,date_of_birth,home_postcode,category,reason_code,start_date',
    `${i.exclusion},${i.upn},${i.forename},${i.surname},${i.dobUk},${i.postcode},suspension,PA,2024-05-01`));
  await put('support_episode', 'leicester-city-council', csv(
    'episode_id,service,la_person_id,upn,nhs_number,forename,surname,date_of_birth,home_postcode,start_date',
    `${i.episode},early_help,${i.la_id},${i.upn},${i.nhs},${i.forename},${i.surname},${i.dob},${i.postcode},2024-03-01`));
  // The stored people (linked ahead of time) are in the scan too.
  await linkAllPeople(t.platform);
});
afterAll(() => t.cleanup());

/** Every spelling of each identity value a leak could take. */
const needles = Object.values(identities).flatMap((v) => [v, v.toUpperCase(), v.toLowerCase()]);
const expectNoIdentity = (where: string, text: string) => {
  for (const needle of needles) {
    if (text.includes(needle)) throw new Error(`${where} contains an identity value`);
  }
};

describe('no identity value is stored or returned', () => {
  it('all extracts were ingested (so the scan below is over real data)', () => {
    expect(reports.map((r) => r.status)).toEqual(Array(7).fill('accepted'));
    expect(reports.map((r) => r.rows_rejected)).toEqual([1, 0, 0, 1, 0, 0, 0]);
  });

  it('in any byte under the data dir, Parquet decoded or not', async () => {
    const files = allFiles(t.dir);
    // The seven extracts, and the person links: the full run's part and the six uploads with persons linked on arrival.
    expect(files.filter((f) => f.path.endsWith('.parquet') && f.path.includes('/upload_id='))).toHaveLength(7);
    const links = files.filter((f) => f.path.includes('person_links/'));
    expect(links.filter((f) => f.path.endsWith('.parquet')).map((f) => f.path.split('/').pop())).toEqual(expect.arrayContaining(['part-full.parquet']));
    expect(links.filter((f) => f.path.endsWith('.parquet')).length).toBeGreaterThanOrEqual(7);
    expect(links.filter((f) => f.path.endsWith('current.json'))).toHaveLength(1);
    // The people, and the run's oversized blocks (keyed tokens and their sizes), both scanned unzipped below.
    expect(files.filter((f) => f.path.includes('linkage/people/') && f.path.endsWith('.json.gz')).map((f) => f.path.endsWith('.oversized.json.gz')).sort()).toEqual([false, true]);
    for (const file of files) {
      expectNoIdentity(file.path, file.bytes.toString('latin1'));
      if (file.path.endsWith('.gz')) expectNoIdentity(`${file.path} (unzipped)`, gunzipSync(file.bytes).toString('latin1'));
      if (file.path.endsWith('.parquet')) {
        const buffer = readFileSync(file.path);
        const rows = await parquetReadObjects({ file: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer });
        expect(rows.length).toBeGreaterThan(0);
        expectNoIdentity(`${file.path} (decoded)`, JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
      }
    }
  });

  it('in the reports, including the errors of rejected rows', () => {
    expectNoIdentity('reports', JSON.stringify(reports));
  });

  it('in the person links: record ids (source and ref) and person ids only, pseudonymous', async () => {
    const pointer = JSON.parse((await t.platform.storage.get('curated/person_links/current.json'))!.body.toString());
    expectNoIdentity('the links pointer', JSON.stringify(pointer));
    expect(Object.keys(pointer).sort()).toEqual(['format', 'parts', 'records', 'run', 'updated_at']);
    for (const part of pointer.parts as string[]) {
      const body = (await t.platform.storage.get(part))!.body;
      const rows = await parquetReadObjects({ file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer });
      for (const row of rows) {
        expect(Object.keys(row).sort()).toEqual(['person_id', 'ref', 'source']);
        expect(row.person_id).toMatch(/^P-[A-Za-z0-9_-]{12}$/);
      }
      expectNoIdentity(`${part} (decoded)`, JSON.stringify(rows));
    }
  });

  it('in any SQL result over every table', async () => {
    for (const table of ['police_crime', 'police_person', 'asb_incident', 'ae_attendance', 'hospital_admission', 'school_exclusion', 'support_episode', 'people']) {
      const rows = await sql(t.platform, `SELECT * FROM ${table}`);
      expect(rows.length).toBeGreaterThan(0);
      expectNoIdentity(table, JSON.stringify(rows));
    }
  });

  it('keeps what the products need: ages, month of birth, sectors, localities and linking keys', async () => {
    const [person] = await sql(t.platform, 'SELECT * FROM police_person');
    expect(person).toMatchObject({ month_of_birth: '2009-07', home_sector: 'LE2 4', home_locality: 'oadby-and-wigston', role: 'suspect' });
    const [crime] = await sql(t.platform, "SELECT * FROM police_crime WHERE offence_group = 'robbery_personal'");
    expect(crime).toMatchObject({ victim_age: 14, victim_age_band: '10-17', sector: 'LE2 4', locality: 'oadby-and-wigston' });
    expect(crime.record_key).toBe(person.crime_key);
    const linked = await sql(t.platform, `
      SELECT count(DISTINCT k)::INTEGER AS n FROM (
        SELECT key_name_dob AS k FROM police_person UNION ALL SELECT perpetrator_key_name_dob FROM asb_incident
        UNION ALL SELECT key_name_dob FROM ae_attendance UNION ALL SELECT key_name_dob FROM school_exclusion
        UNION ALL SELECT key_name_dob FROM support_episode) WHERE k IS NOT NULL`);
    expect(linked).toEqual([{ n: 1 }]);
    const [ae] = await sql(t.platform, 'SELECT key_nhs FROM ae_attendance WHERE key_nhs IS NOT NULL');
    const [ha] = await sql(t.platform, 'SELECT key_nhs FROM hospital_admission');
    expect(ae.key_nhs).toBe(ha.key_nhs);
  });

  it('stores fuzzy-linkage encodings only as keyed bits and keyed tokens, one per person with identity fields', async () => {
    // A blocking token: what it was made of (`ss` a surname's Soundex, `by` a birth year, …), never the value, and a keyed hash.
    const BLOCK_TOKEN = '(fs|ss|by|pd|fs\\+ss|ns\\+by|ss\\+pd|by\\+pd)\\.[A-Za-z0-9_-]{16}';
    const tables = { police_person: '', asb_incident: 'perpetrator_', ae_attendance: '', hospital_admission: '', school_exclusion: '', support_episode: '' };
    const clks: Clk[] = [];
    for (const [table, p] of Object.entries(tables)) {
      const rows = await sql(t.platform, `SELECT ${p}clk AS clk, ${p}link_blocks AS blocks, ${p}link_edits AS edits FROM ${table} WHERE ${p}clk IS NOT NULL`);
      expect(rows, table).toHaveLength(1);
      expect(rows[0].clk).toMatch(/^v2:[A-Za-z0-9_-]{171}$/);
      expect(rows[0].blocks).toMatch(new RegExp(`^v2:${BLOCK_TOKEN}( ${BLOCK_TOKEN})*$`));
      // The forename's one-edit tokens: keyed hashes tagged `fe`, no letter of the name (hospital admissions carry no name).
      if (table === 'hospital_admission') expect(rows[0].edits).toBeNull();
      else expect(rows[0].edits).toMatch(/^v2:fe\.[A-Za-z0-9_-]{16}( fe\.[A-Za-z0-9_-]{16})*$/);
      clks.push(decodeClk(String(rows[0].clk))!);
    }
    // The victim in police_crime has only a date of birth: nothing to encode, no column.
    expect(Object.keys((await sql(t.platform, 'SELECT * FROM police_crime LIMIT 1'))[0]).filter((c) => c.includes('clk'))).toEqual([]);
    // The same child in every dataset: the encodings agree on the fields both carry.
    for (const c of clks) expect(fieldDice(clks[0], c)[clkFields.indexOf('dob')]).toBe(1);
  });

  it("keeps the partner's reference only in its sealed vault, readable with that partner's key alone", async () => {
    const [crime] = await sql(t.platform, "SELECT record_key, upload_id FROM police_crime WHERE offence_group = 'robbery_personal'");
    const open = (partner: string, dataset = 'police_crime') => openReferenceVault(t.platform.storage, t.platform.keys, partner, dataset, String(crime.upload_id));
    expect((await open('leicestershire-police')).get(String(crime.record_key))).toBe(identities.crime_ref);
    await expect(open('uhl')).rejects.toThrow();
    // a vault cannot be passed off as another dataset's (the dataset and upload are sealed in)
    await t.platform.storage.put(`vault/police_person/upload_id=${crime.upload_id}/references.bin`, (await t.platform.storage.get(`vault/police_crime/upload_id=${crime.upload_id}/references.bin`))!.body);
    await expect(open('leicestershire-police', 'police_person')).rejects.toThrow();
    const [person] = await sql(t.platform, 'SELECT crime_key, upload_id FROM police_person');
    const personVault = await openReferenceVault(t.platform.storage, t.platform.keys, 'leicestershire-police', 'police_person', String(person.upload_id));
    expect(personVault.get(String(person.crime_key))).toBe(identities.crime_ref);
  });

  it('creates the key file readable by its owner only', async () => {
    const keyFile = allFiles(t.dir).find((f) => f.path.includes('pseudonymisation-key'))!;
    expect(statSync(keyFile.path).mode & 0o777).toBe(0o600);
  });
});
