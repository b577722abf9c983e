import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../analytics/engine.ts';
import { readPersonLinks } from '../../analytics/engines/person-links.ts';
import { col } from '../../analytics/ir.ts';
import { linkAllPeople } from '../../functions/linkage/people.ts';
import { addLinksPart, readLinksPointer, storeRunLinks, writeLinksPart } from '../../functions/linkage/links.ts';
import { PERSON_LINKS_POINTER, type PersonLinksPointer } from '../../schemas/glue.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { ingestTommy } from '../analytics/fuzzy-child.ts';
import { sql, testPlatform } from '../helpers.ts';

/**
 * The person links' formats (schemas/glue.ts): a run writes each record once, by source and ref, and the views join
 * on the ref; the links of a run before format 2 (whole record ids, a record possibly twice) read the same, in the
 * views and in the reference engine, until the next full run.
 */
let t: ReturnType<typeof testPlatform>;
beforeAll(async () => {
  t = testPlatform();
  await ingestTommy(t.platform);
  await linkAllPeople(t.platform);
});
afterAll(() => t.cleanup());

const partRows = async (platform: Platform, key: string) => {
  const body = (await platform.storage.get(key))!.body;
  return parquetReadObjects({ file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer });
};
type Person = { d: string; record_key: unknown; person: unknown };
const sorted = (rows: Person[]) => rows.sort((a, b) => (a.d + a.record_key < b.d + b.record_key ? -1 : 1));
/** Every person column of the views, record by record, and the reference engine's. */
const viewPersons = async (platform: Platform) => sorted(await sql(platform, `SELECT 'asb' AS d, record_key, perpetrator_linked_person_id AS person FROM asb_incident
  UNION ALL SELECT 'ae', record_key, person_id FROM ae_attendance UNION ALL SELECT 'x', record_key, person_id FROM school_exclusion`) as Person[]);
const arqueroPersons = async (platform: Platform) => {
  const engine = await openEngine('arquero', platform);
  try {
    const of = async (d: string, from: string, person: string) =>
      (await engine.rows({ from, select: { record_key: col('record_key'), person: col(person) } }, {})).map((r) => ({ d, record_key: r.record_key, person: r.person }));
    return sorted([...await of('asb', 'asb_incident', 'perpetrator_linked_person_id'), ...await of('ae', 'ae_attendance', 'person_id'), ...await of('x', 'school_exclusion', 'person_id')]);
  } finally { await engine.close(); }
};

describe('the person links', () => {
  it('of a full run: format 2, each record once by its source and ref, every view person found', async () => {
    const pointer = (await readLinksPointer(t.platform.storage))!.value;
    expect(pointer.format).toBe(2);
    const rows = await partRows(t.platform, pointer.parts[0]);
    expect(rows).toHaveLength(pointer.records);
    expect(rows.map((r) => r.source).sort()).toEqual(['ae_attendance/patient', 'asb_incident/perpetrator', 'asb_incident/perpetrator', 'asb_incident/perpetrator', 'school_exclusion/pupil']);
    const persons = await viewPersons(t.platform);
    expect(persons.filter((r) => r.person !== null)).toHaveLength(5);
    expect(await arqueroPersons(t.platform)).toEqual(persons);
  });

  it('hold a record given twice once, with the smaller person', async () => {
    const p = testPlatform();
    try {
      const written = await storeRunLinks(p.platform.storage, 'r1', ['ae_attendance/patient/k1', 'ae_attendance/patient/k1', 'ae_attendance/patient/k2'], ['P-b', 'P-a', 'P-c'], new Date('2025-01-01T00:00:00Z'));
      expect(written.records).toBe(2);
      expect(await partRows(p.platform, written.parts[0])).toEqual([
        { source: 'ae_attendance/patient', ref: 'k1', person_id: 'P-a' }, { source: 'ae_attendance/patient', ref: 'k2', person_id: 'P-c' },
      ]);
      expect(await readPersonLinks(p.platform.storage)).toEqual(new Map([['ae_attendance/patient/k1', 'P-a'], ['ae_attendance/patient/k2', 'P-c']]));
    } finally { p.cleanup(); }
  });

  it('of a run before format 2 read the same in the views and the reference engine, and an arrival adds to them in their format', async () => {
    const before = await viewPersons(t.platform);
    const links = await readPersonLinks(t.platform.storage);
    // The earlier run's part: whole record ids.
    const part = await writeLinksPart(t.platform.storage, 'old-run', 'part-full', [...links.keys()], [...links.values()], 1);
    const [first] = links.keys();
    const pointer: PersonLinksPointer = { format: 1, run: 'old-run', parts: [part.key], records: part.records, updated_at: '2025-01-01T00:00:00.000Z' };
    await t.platform.storage.put(PERSON_LINKS_POINTER, JSON.stringify(pointer));
    const current = (await readLinksPointer(t.platform.storage))!;
    // A record in two parts of the run: the views and the reference engine take the smaller person alike.
    const grown = await addLinksPart(t.platform.storage, current, 'part-again', [first], ['P-zzzzzzzzzzzz'], new Date('2025-01-02T00:00:00Z'));
    expect(grown.format).toBe(1);
    expect(Object.keys((await partRows(t.platform, grown.parts[1]))[0]).sort()).toEqual(['person_id', 'record_id']);
    expect(await readPersonLinks(t.platform.storage)).toEqual(links);
    expect(await viewPersons(t.platform)).toEqual(before);
    expect(await arqueroPersons(t.platform)).toEqual(before);
  });
});
