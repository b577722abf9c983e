import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../analytics/engine.ts';
import { col } from '../../analytics/ir.ts';
import { tagOf } from '../../analytics/matching/training.ts';
import { linkageConfig } from '../../schemas/linkage.ts';
import { LATEST_KEY, linkAllPeople, oversizedBlocksKey, type LinkingRun } from '../../functions/linkage/people.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { getJson } from '../../functions/platform/storage/port.ts';
import { POLICE, csv, ingestText, testPlatform } from '../helpers.ts';
import { ASB_HEADER, ingestTommy, stored } from '../analytics/fuzzy-child.ts';

/**
 * Arrival in a store too large to compare all pairs (blocking applies): a new record whose year-of-birth-and-district
 * block is oversized (a crowd born the same year in his district) still finds its person through his other tokens,
 * without reading the crowd; and each new record gets the person a full run gives it.
 */
const CITY = 'leicester-city-council';
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'dus', 'vel', 'tor', 'bin', 'sa', 'quo', 'fen', 'lim', 'zar', 'pet', 'gu', 'hal'];
/** A made-up name from a number: distinct numbers, distinct names (a capital, then three syllables). */
const nameOf = (n: number, salt: number) => {
  const s = [0, 1, 2].map((k) => SYLLABLES[(Math.floor(n / 16 ** k) + salt * (k + 3)) % 16]).join('');
  return s[0].toUpperCase() + s.slice(1);
};
// Over the limits of the year-and-district block (100) and the district's (150); the store is over allPairsUpTo (2,000).
const CROWD = 2_300, SAME_YEAR_AND_DISTRICT = 170;
const person = (n: number) => ({
  forename: nameOf(n, 1), surname: nameOf(n * 7 + 3, 2),
  dob: n < SAME_YEAR_AND_DISTRICT ? `2011-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}` : `${2003 + (n % 10)}-0${1 + (n % 9)}-1${n % 10}`,
  postcode: n < SAME_YEAR_AND_DISTRICT ? `LE2 ${1 + (n % 9)}${'ABDEFGHJL'[n % 9]}${'NPQRSTUWX'[(n >> 3) % 9]}` : `LE${3 + (n % 7)} ${n % 10}${'ABDEFGHJL'[n % 9]}${'NPQRSTUWX'[(n >> 2) % 9]}`,
});
/** An incident on `day`: each upload its own day, so that none supersedes another (the same partner's same period). */
const row = (ref: string, p: { forename: string; surname: string; dob: string; postcode: string }, day: string) =>
  `${ref},case_management,${day}T20:00,personal,,${p.forename},${p.surname},${p.dob},${p.postcode}`;

/** The linked perpetrator of each ASB upload of one incident, by upload (references are stored only as keyed hashes). */
async function personsOf(platform: Platform): Promise<Record<string, string | null>> {
  const e = await openEngine('sql', platform);
  try {
    const rows = await e.rows({ from: 'asb_incident', select: { person: col('perpetrator_linked_person_id'), upload: col('upload_id') } }, {});
    const count = new Map<string, number>();
    for (const r of rows) count.set(String(r.upload), (count.get(String(r.upload)) ?? 0) + 1);
    return Object.fromEntries(rows.filter((r) => count.get(String(r.upload)) === 1).map((r) => [String(r.upload), r.person as string | null]));
  } finally {
    await e.close();
  }
}

/** Who is one person with whom, whatever the people are named: each upload → the first upload of its person. */
function grouping(personOf: Record<string, string | null>): Record<string, string> {
  const first = new Map<string, string>();
  const uploads = Object.keys(personOf).sort();
  for (const u of uploads) if (personOf[u] && !first.has(personOf[u]!)) first.set(personOf[u]!, u);
  return Object.fromEntries(uploads.map((u) => [u, personOf[u] ? first.get(personOf[u]!)! : 'unlinked']));
}

let t: ReturnType<typeof testPlatform>;
let tommyUpload: string, fifthUpload: string;
beforeAll(async () => {
  t = testPlatform();
  await ingestTommy(t.platform);
  tommyUpload = (await t.platform.catalog.read()).extracts.find((x) => x.dataset === 'asb_incident' && x.partner === POLICE)!.upload_id;
  await stored(ingestText(t.platform, 'asb_incident', CITY, csv(ASB_HEADER, ...Array.from({ length: CROWD }, (_, n) => row(`K${n}`, person(n), '2024-02-01')).filter((_, n) => n !== 5)), { linkOnArrival: false }));
  fifthUpload = (await ingestText(t.platform, 'asb_incident', CITY, csv(ASB_HEADER, row('K5', person(5), '2024-03-01')), { linkOnArrival: false })).upload_id;
  await linkAllPeople(t.platform);
}, 120_000);
afterAll(() => t.cleanup());

describe('linking on arrival with blocking', () => {
  it('links a record whose block is oversized through his other tokens, as the full run does, and reads little of the store', async () => {
    const latest = (await getJson<LinkingRun>(t.platform.storage, LATEST_KEY))!.value;
    expect(latest.units).toBeGreaterThan(linkageConfig.blocking.allPairsUpTo);
    // The fixture holds: the full run found a year-and-district block over its limit (the crowd's and Tommy's).
    const oversized: Record<string, number> = JSON.parse(gunzipSync((await t.platform.storage.get(oversizedBlocksKey(latest.key)))!.body).toString('utf8'));
    expect(Object.entries(oversized).some(([token, records]) => tagOf(token) === 'by+pd' && records > SAME_YEAR_AND_DISTRICT)).toBe(true);
    const before = await personsOf(t.platform);
    const tommy = before[tommyUpload]!;
    expect(tommy).toMatch(/^P-/);

    const crowdTypo = { ...person(5), forename: person(5).forename.slice(0, -1) + 'e' }; // one of the crowd, a letter changed
    const stranger = { forename: 'Zebedee', surname: 'Quartermaine', dob: '2011-07-07', postcode: 'LE2 9ZZ' }; // born the same year in the same district
    const heard: string[] = [];
    const arrive = async (ref: string, p: Parameters<typeof row>[1]) => {
      const report = await ingestText(t.platform, 'asb_incident', CITY, csv(ASB_HEADER, row(ref, p, `2025-08-0${ref.slice(1)}`)), { onLinking: (message) => heard.push(message) });
      expect(report).toMatchObject({ status: 'accepted', linkage: { records: 1 } });
      return { upload: report.upload_id, linkage: report.linkage };
    };
    const [tom, fifth, other] = [await arrive('N1', { forename: 'Tom', surname: 'Bradshaw', dob: '2011-03-15', postcode: 'LE2 1AB' }), await arrive('N2', crowdTypo), await arrive('N3', stranger)];
    expect([tom.linkage, fifth.linkage, other.linkage]).toMatchObject([{ joined: 1 }, { joined: 1 }, { joined: 0, new_people: 1 }]);
    // The crowd's block was not read: each arrival compared fewer stored records than it holds.
    const compared = heard.filter((m) => m.startsWith('comparing them with')).map((m) => Number(m.match(/with ([\d,]+) stored/)![1].replace(/,/g, '')));
    expect(compared).toHaveLength(3);
    for (const n of compared) expect(n).toBeLessThan(SAME_YEAR_AND_DISTRICT);
    const onArrival = await personsOf(t.platform);
    expect(onArrival[tom.upload]).toBe(tommy);
    expect(onArrival[fifth.upload]).toBe(before[fifthUpload]);
    expect(Object.values(before)).not.toContain(onArrival[other.upload]);
    expect(onArrival[other.upload]).toMatch(/^P-/);

    // A full run over the same records makes the same people (it may name one anew: a person's id comes from its
    // smallest record id, which may be a new record's, and arrival keeps the stored person's).
    await linkAllPeople(t.platform);
    expect(grouping(await personsOf(t.platform))).toEqual(grouping(onArrival));
  });
});
