import { afterEach, describe, expect, it } from 'vitest';
import { localAppOptions, startLocalServer } from '../../functions/api/local-server.ts';
import { ingestPendingUpload, requestUpload } from '../../functions/ingest/pending-upload.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv, ingestText, sql, testPlatform } from '../helpers.ts';

let cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.reverse()) await c(); cleanups = []; });
const setup = () => { const t = testPlatform(); cleanups.push(t.cleanup); return t; };

const APRIL_MAY = { periodFrom: '2024-04-01', periodTo: '2024-05-31' };
/** Extract A: 40 crimes in April and May. */
const extractA = csv(CRIME_HEADER, ...crimeRows('A', 40));
/** The corrected B for the same period: the same 40 crimes, 4 of them with a flag the schema refuses. */
const extractB = csv(CRIME_HEADER, ...crimeRows('A', 40).map((row, i) => (i % 10 === 3 ? row.replace(',N,N,', ',maybe,N,') : row)));

const counting = async (platform: Platform) =>
  (await sql(platform, 'SELECT upload_id, count(*)::INTEGER AS n FROM police_crime GROUP BY 1 ORDER BY 1'));

describe('an earlier extract uploaded again counts again', () => {
  it("A, then the corrected B, then A again to undo B: A's 40 rows count again, as a new upload", async () => {
    const { platform } = setup();
    const a = await ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    expect(await counting(platform)).toEqual([{ upload_id: a.upload_id, n: 40 }]);
    const b = await ingestText(platform, 'police_crime', POLICE, extractB, APRIL_MAY);
    expect([b.status, b.rows_rejected, b.supersedes]).toEqual(['accepted', 4, [a.upload_id]]);
    expect(await counting(platform)).toEqual([{ upload_id: b.upload_id, n: 36 }]);

    const again = await ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    expect(again).toMatchObject({ status: 'accepted', rows_accepted: 40, restores: a.upload_id, supersedes: [b.upload_id] });
    expect(again.duplicate_of).toBeUndefined();
    expect(again.upload_id).not.toBe(a.upload_id);
    expect(await counting(platform)).toEqual([{ upload_id: again.upload_id, n: 40 }]);
    expect((await platform.catalog.read()).extracts.map((e) => e.upload_id)).toEqual([a.upload_id, b.upload_id, again.upload_id]);

    // A a fourth time: now it is what counts, so nothing changes.
    const version = await platform.catalog.version();
    const fourth = await ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    expect(fourth).toMatchObject({ upload_id: again.upload_id, duplicate_of: again.upload_id });
    expect(fourth.restores).toBeUndefined();
    expect(await platform.catalog.version()).toBe(version);
    expect(await counting(platform)).toEqual([{ upload_id: again.upload_id, n: 40 }]);
  });

  it('an extract superseded only in part (one month resent) counts whole again when uploaded again', async () => {
    const { platform } = setup();
    const a = await ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('M', 3, '2024-05-01')), { periodFrom: '2024-05-01', periodTo: '2024-05-31' });
    expect(await sql(platform, 'SELECT count(*)::INTEGER AS n FROM police_crime')).toEqual([{ n: 30 + 3 }]);
    const again = await ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    expect(again.restores).toBe(a.upload_id);
    expect(await sql(platform, 'SELECT count(*)::INTEGER AS n FROM police_crime')).toEqual([{ n: 40 }]);
  });

  it("an extract of another period, or another partner's, does not stop an upload again from being a no-op", async () => {
    const { platform } = setup();
    const a = await ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('J', 5, '2024-06-01')), { periodFrom: '2024-06-01', periodTo: '2024-06-30' });
    const again = await ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    expect(again).toMatchObject({ upload_id: a.upload_id, duplicate_of: a.upload_id });
    expect((await platform.catalog.read()).extracts).toHaveLength(2);
  });

  it("a snapshot uploaded again replaces the partner's later snapshot; the latest uploaded again changes nothing", async () => {
    const { platform } = setup();
    const header = 'episode_id,service,start_date,end_date';
    const first = csv(header, 'E-1,vrn_intervention,2023-01-01,', 'E-2,vrn_intervention,2023-02-01,2023-06-01');
    const a = await ingestText(platform, 'support_episode', 'vrn', first);
    const b = await ingestText(platform, 'support_episode', 'vrn', csv(header, 'E-1,vrn_intervention,2023-01-01,2024-01-01'));
    const again = await ingestText(platform, 'support_episode', 'vrn', first);
    expect(again).toMatchObject({ restores: a.upload_id, supersedes: [b.upload_id] });
    expect(await sql(platform, 'SELECT upload_id, count(*)::INTEGER AS n FROM support_episode GROUP BY 1')).toEqual([{ upload_id: again.upload_id, n: 2 }]);
    expect((await ingestText(platform, 'support_episode', 'vrn', first)).duplicate_of).toBe(again.upload_id);
  });

  it('A and A again is still a no-op', async () => {
    const { platform } = setup();
    const a = await ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    const version = await platform.catalog.version();
    const files = await platform.storage.list('curated');
    const again = await ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    expect(again).toMatchObject({ upload_id: a.upload_id, duplicate_of: a.upload_id, supersedes: [] });
    expect(again.restores).toBeUndefined();
    expect(await platform.catalog.version()).toBe(version);
    expect(await platform.storage.list('curated')).toEqual(files);
  });

  it('identical uploads at once end with one entry, for a new file and for a restore alike', async () => {
    const { platform } = setup();
    const firsts = await Promise.all([1, 2, 3].map(() => ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY)));
    expect(new Set(firsts.map((r) => r.upload_id)).size).toBe(1);
    expect(firsts.filter((r) => r.duplicate_of === undefined)).toHaveLength(1);
    await ingestText(platform, 'police_crime', POLICE, extractB, APRIL_MAY);

    const restores = await Promise.all([1, 2, 3].map(() => ingestText(platform, 'police_crime', POLICE, extractA, APRIL_MAY)));
    const landed = restores.filter((r) => r.duplicate_of === undefined);
    expect(landed).toMatchObject([{ restores: firsts[0].upload_id }]);
    expect(restores.every((r) => r.upload_id === landed[0].upload_id)).toBe(true);
    expect((await platform.catalog.read()).extracts).toHaveLength(3);
    expect(await counting(platform)).toEqual([{ upload_id: landed[0].upload_id, n: 40 }]);
    // the surplus copies' files are gone: one Parquet file per entry
    expect((await platform.storage.list('curated/police_crime')).filter((k) => k.endsWith('.parquet'))).toHaveLength(3);
  });
});

describe('the portal says which happened', () => {
  it('"counts again from now" for a restore, "nothing changed" for what already counts, in the report and the list', async () => {
    const t = setup();
    const options = localAppOptions(t.dir, t.platform);
    const server = await startLocalServer(t.platform, 0, options);
    cleanups.push(() => new Promise((resolve) => server.server.close(resolve)));
    const cookie = `vrn_session=${await options.tokens.sign('police-uploader')}`;
    const page = async (path: string) => (await fetch(`${server.url}${path}`, { headers: { cookie } })).text();
    const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

    const a = await ingestText(t.platform, 'police_crime', POLICE, extractA, APRIL_MAY);
    await ingestText(t.platform, 'police_crime', POLICE, extractB, APRIL_MAY);
    // the restore and then the no-op go through the two-step upload, so each has its own report
    const upload = async () => {
      const pending = await requestUpload(t.platform, { dataset: 'police_crime', partner: POLICE, periodFrom: APRIL_MAY.periodFrom, periodTo: APRIL_MAY.periodTo });
      await t.platform.storage.put(`raw/${pending.upload_id}`, extractA);
      return (await ingestPendingUpload(t.platform, pending.upload_id))!;
    };
    const restore = await upload();
    const noop = await upload();
    expect([restore.restores, noop.duplicate_of]).toEqual([a.upload_id, restore.upload_id]);

    expect(text(await page(`/portal/uploads/${restore.upload_id}`))).toContain(`This file was uploaded before as ${a.upload_id} and counts again from now`);
    const nothing = text(await page(`/portal/uploads/${noop.upload_id}`));
    expect(nothing).toContain(`This file is already the latest extract for its period (upload ${restore.upload_id}): nothing changed.`);
    expect(nothing).not.toContain('counts again');
    const list = text(await page('/portal/upload'));
    expect(list).toContain(`accepted: restored ${a.upload_id}, which counts again`);
    expect(list).toContain(`accepted: a duplicate of ${restore.upload_id}, nothing changed`);
  });
});
