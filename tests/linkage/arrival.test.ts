import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine, type EngineName } from '../../analytics/engine.ts';
import { col } from '../../analytics/ir.ts';
import { linkAllPeople, productsVersion } from '../../functions/linkage/people.ts';
import { readLinksPointer } from '../../functions/linkage/links.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import type { Storage } from '../../functions/platform/storage/port.ts';
import { POLICE, csv, ingestText, testPlatform } from '../helpers.ts';
import { ASB_HEADER, ingestTommy } from '../analytics/fuzzy-child.ts';

/**
 * Uploads linked on arrival: after a full run, an extract's new person records take the stored person they match
 * (in the views of both engines) without another run; a twin's record is not given his twin; a link that fails
 * leaves the links as they were.
 */
const CITY = 'leicester-city-council';
const asb = (ref: string, day: string, forename: string, dob = '2011-03-15', nom = '') =>
  `${ref},case_management,${day}T20:00,personal,${nom},${forename},Bradshaw,${dob},LE2 1AB`;

/** Each ASB incident's linked perpetrator, as an engine's view shows it. */
async function perpetrators(platform: Platform, engine: EngineName): Promise<Record<string, string | null>> {
  const e = await openEngine(engine, platform);
  try {
    const rows = await e.rows({ from: 'asb_incident', select: { ref: col('record_key'), person: col('perpetrator_linked_person_id'), upload: col('upload_id') } }, {});
    return Object.fromEntries(rows.map((r) => [String(r.upload), r.person as string | null]));
  } finally {
    await e.close();
  }
}

const both = async (platform: Platform) => {
  const [sql, arquero] = [await perpetrators(platform, 'sql'), await perpetrators(platform, 'arquero')];
  expect(arquero).toEqual(sql);
  return sql;
};

let t: ReturnType<typeof testPlatform>;
let tommy: string;
beforeAll(async () => {
  t = testPlatform();
  await ingestTommy(t.platform);
  await linkAllPeople(t.platform);
  const before = await both(t.platform);
  const police = (await t.platform.catalog.read()).extracts.find((x) => x.dataset === 'asb_incident' && x.partner === POLICE)!;
  tommy = before[police.upload_id]!;
  expect(tommy).toMatch(/^P-/);
});
afterAll(() => t.cleanup());

describe('linking an upload on arrival', () => {
  it('gives a new record of a known person that person, in the views of both engines, with no full run', async () => {
    const pointer = await readLinksPointer(t.platform.storage);
    const version = await productsVersion(t.platform);
    const report = await ingestText(t.platform, 'asb_incident', CITY, csv(ASB_HEADER, asb('C3', '2025-08-01', 'Tom')));
    expect(report).toMatchObject({ status: 'accepted', linkage: { records: 1, joined: 1, new_people: 0 } });
    expect((await both(t.platform))[report.upload_id]).toBe(tommy);
    // The links grew by one part, in the same run; the products' version moved with them.
    const after = await readLinksPointer(t.platform.storage);
    expect(after!.value).toMatchObject({ run: pointer!.value.run, parts: [...pointer!.value.parts, expect.stringContaining(report.upload_id)], records: pointer!.value.records + 1 });
    expect(await productsVersion(t.platform)).not.toBe(version);
  });

  it('never gives a twin his twin: his record makes a new person, and his next record joins it', async () => {
    const first = await ingestText(t.platform, 'asb_incident', CITY, csv(ASB_HEADER, asb('C4', '2025-08-02', 'Harvey')));
    expect(first).toMatchObject({ status: 'accepted', linkage: { records: 1, joined: 0, new_people: 1 } });
    const harvey = (await both(t.platform))[first.upload_id];
    expect(harvey).toMatch(/^P-/);
    expect(harvey).not.toBe(tommy);
    const second = await ingestText(t.platform, 'asb_incident', POLICE, csv(ASB_HEADER, `P9,police_call,2025-08-03T21:00,nuisance,NOM-H,Harvey,Bradshaw,2011-03-15,LE2 1AB`));
    expect(second).toMatchObject({ linkage: { records: 1, joined: 1 } });
    expect((await both(t.platform))[second.upload_id]).toBe(harvey);
  });

  it('leaves the links as they were when linking fails: the extract counts, unlinked, and says so', async () => {
    const pointer = await readLinksPointer(t.platform.storage);
    const parts = await t.platform.storage.list('curated/person_links/');
    // The store refuses the links part's write: the pointer is never moved and no part is left behind.
    const failing = failingLinksWrites(t.platform.storage);
    const report = await ingestText({ ...t.platform, storage: failing }, 'asb_incident', CITY, csv(ASB_HEADER, asb('C5', '2025-08-04', 'Tom')));
    expect(report).toMatchObject({ status: 'accepted', linkage: { failed: 'linking failed' } });
    expect(JSON.stringify(report.linkage)).not.toMatch(/Bradshaw|Tom|LE2/);
    expect(await readLinksPointer(t.platform.storage)).toEqual(pointer);
    expect(await t.platform.storage.list('curated/person_links/')).toEqual(parts);
    expect((await both(t.platform))[report.upload_id]).toBeNull();
    // The next full run links it.
    await linkAllPeople(t.platform);
    expect((await both(t.platform))[report.upload_id]).toBe(tommy);
  });

  it('starts a run of its own before any full run', async () => {
    const fresh = testPlatform();
    try {
      const report = await ingestText(fresh.platform, 'asb_incident', CITY, csv(ASB_HEADER, asb('C1', '2025-06-01', 'Tom'), asb('C2', '2025-07-01', 'Grace', '2013-05-02')));
      expect(report).toMatchObject({ linkage: { records: 2, joined: 0, new_people: 2 } });
      expect((await readLinksPointer(fresh.platform.storage))!.value).toMatchObject({ run: `arrival-${report.upload_id}`, records: 2 });
      const again = await ingestText(fresh.platform, 'asb_incident', POLICE, csv(ASB_HEADER, `P1,police_call,2025-03-01T21:00,nuisance,NOM-T,Thomas,Bradshaw,2011-03-15,LE2 1AB`));
      expect(again).toMatchObject({ linkage: { records: 1, joined: 1, new_people: 0 } });
    } finally {
      fresh.cleanup();
    }
  });
});

/** The store with writes under the person links failing (a full disk would be a disk fault; this is any other failure). */
function failingLinksWrites(storage: Storage): Storage {
  const refuse = (key: string) => key.startsWith('curated/person_links/');
  return new Proxy(storage, {
    get(target, name, receiver) {
      if (name === 'openWriter') {
        return (key: string) => {
          const writer = target.openWriter(key);
          if (!refuse(key)) return writer;
          return { ...writer, write: writer.write.bind(writer), abort: writer.abort.bind(writer), close: async () => { await writer.abort(); throw new Error('planted: the links part could not be written'); } };
        };
      }
      if (name === 'put') return (key: string, ...rest: Parameters<Storage['put']> extends [string, ...infer R] ? R : never) => (refuse(key) ? Promise.reject(new Error('planted')) : target.put(key, ...rest));
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
