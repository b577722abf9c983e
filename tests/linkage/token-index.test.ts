import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPersonLinks } from '../../analytics/engines/person-links.ts';
import { linkOnArrival } from '../../functions/linkage/arrival.ts';
import { LATEST_KEY, linkAllPeople, tokenIndexKey, type LinkingRun } from '../../functions/linkage/people.ts';
import { localPlatform } from '../../functions/platform/local.ts';
import { getJson } from '../../functions/platform/storage/port.ts';
import { linkageConfig } from '../../schemas/linkage.ts';
import { POLICE, csv, ingestText, testPlatform } from '../helpers.ts';
import { ASB_HEADER, stored } from '../analytics/fuzzy-child.ts';

/**
 * Arrival through the full run's token index links exactly as arrival reading the whole store: the same stored
 * records compared, the same people. The upload supersedes some days of a stored extract, whose records on those
 * days no longer count and must not be read from the index either.
 */
const CITY = 'leicester-city-council';
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'dus', 'vel', 'tor', 'bin', 'sa', 'quo', 'fen', 'lim'];
const nameOf = (n: number, salt: number) => {
  const s = [0, 1, 2].map((k) => SYLLABLES[(Math.floor(n / 12 ** k) + salt * (k + 3)) % 12]).join('');
  return s[0].toUpperCase() + s.slice(1);
};
const person = (n: number) => ({
  forename: nameOf(n, 1), surname: nameOf(n % 97, 2), dob: `${2004 + (n % 9)}-0${1 + (n % 9)}-1${n % 10}`, postcode: `LE${2 + (n % 4)} ${n % 10}AB`,
});
const typo = (p: ReturnType<typeof person>) => ({ ...p, forename: p.forename.slice(0, -1) + 'e' });
const row = (ref: string, p: ReturnType<typeof person>, day: number) =>
  `${ref},case_management,2024-02-${String(day).padStart(2, '0')}T20:00,personal,,${p.forename},${p.surname},${p.dob},${p.postcode}`;
// Blocking applies on arrival (the store is over the all-pairs bound), as at scale.
const config = { ...linkageConfig, blocking: { ...linkageConfig.blocking, allPairsUpTo: 50 } };

let t: ReturnType<typeof testPlatform>;
let copy: string, upload: string;
beforeAll(async () => {
  t = testPlatform();
  await stored(ingestText(t.platform, 'asb_incident', CITY, csv(ASB_HEADER, ...Array.from({ length: 300 }, (_, n) => row(`C${n}`, person(n), 1 + (n % 28)))), { linkOnArrival: false }));
  await stored(ingestText(t.platform, 'asb_incident', POLICE, csv(ASB_HEADER, ...Array.from({ length: 150 }, (_, n) => row(`P${n}`, n % 3 ? person(n) : typo(person(n)), 1 + (n % 28)))), { linkOnArrival: false }));
  await linkAllPeople(t.platform);
  // The council again for 10-12 February: its earlier records of those days no longer count.
  const rows = [...Array.from({ length: 40 }, (_, n) => row(`N${n}`, n % 2 ? typo(person(n * 7)) : person(n * 7), 10 + (n % 3))), ...Array.from({ length: 10 }, (_, n) => row(`S${n}`, person(1000 + n), 11))];
  const report = await ingestText(t.platform, 'asb_incident', CITY, csv(ASB_HEADER, ...rows), { linkOnArrival: false, periodFrom: '2024-02-10', periodTo: '2024-02-12' });
  expect(report.status).toBe('accepted');
  upload = report.upload_id;
  copy = join(t.dir, '..', `${t.dir.split('/').pop()}-scan`);
  cpSync(t.dir, copy, { recursive: true });
}, 60_000);
afterAll(() => { t.cleanup(); rmSync(copy, { recursive: true, force: true }); });

describe("the full run's token index", () => {
  it('gives arrival the neighbours and the people that reading the whole store gives', async () => {
    const latest = (await getJson<LinkingRun>(t.platform.storage, LATEST_KEY))!.value;
    const scan = localPlatform(copy, { now: () => t.platform.now() });
    await scan.storage.delete(tokenIndexKey(latest.key));
    const arrive = async (platform: typeof scan) => {
      const heard: string[] = [];
      const linked = await linkOnArrival(platform, { dataset: 'asb_incident', upload_id: upload }, { config, progress: (m) => heard.push(m) });
      const links = await readPersonLinks(platform.storage);
      const ids = [...links.keys()].filter((id) => /\/[NS]\d/.test(id)).sort();
      return { linked: { ...linked, part: null }, people: ids.map((id) => [id, links.get(id)]), heard: heard.find((m) => m.startsWith('comparing'))! };
    };
    const [indexed, scanned] = [await arrive(t.platform), await arrive(scan)];
    expect(indexed.heard).toContain("from the run's token index");
    expect(scanned.heard).not.toContain('token index');
    expect(indexed.linked).toEqual(scanned.linked);
    expect(indexed.people).toEqual(scanned.people);
    expect(indexed.linked).toMatchObject({ records: 50 });
    expect(indexed.linked.joined).toBeGreaterThan(20);
    expect(indexed.linked.compared).toBeGreaterThan(0);
  });
});
