import { afterEach, describe, expect, it } from 'vitest';
import { ingestPendingUpload, rawKey, requestUpload, uploadIdOfRawKey, uploadStatus } from '../../functions/ingest/pending-upload.ts';
import { csv, CRIME_HEADER, crimeRows, POLICE, sql, testPlatform } from '../helpers.ts';

let t: ReturnType<typeof testPlatform>;
afterEach(() => t?.cleanup());

describe('a two-step upload', () => {
  it('waits for its file, is ingested under its own id, and a repeated event stores it once', async () => {
    t = testPlatform();
    const pending = await requestUpload(t.platform, { dataset: 'police_crime', partner: POLICE });
    expect(uploadIdOfRawKey(rawKey(pending.upload_id))).toBe(pending.upload_id);
    expect(await uploadStatus(t.platform, pending.upload_id)).toEqual({ upload_id: pending.upload_id, status: 'waiting_for_file' });

    await t.platform.storage.put(rawKey(pending.upload_id), csv(CRIME_HEADER, ...crimeRows('C', 5)));
    const first = await ingestPendingUpload(t.platform, pending.upload_id);
    expect(first).toMatchObject({ upload_id: pending.upload_id, status: 'accepted', rows_accepted: 5 });
    expect(await t.platform.storage.exists(rawKey(pending.upload_id))).toBe(false);

    const again = await ingestPendingUpload(t.platform, pending.upload_id);
    expect(again).toEqual(first);
    expect((await t.platform.catalog.read()).extracts).toHaveLength(1);
    expect(await sql(t.platform, 'SELECT count(*)::INT AS n FROM police_crime')).toEqual([{ n: 5 }]);
    expect(await uploadStatus(t.platform, pending.upload_id)).toMatchObject({ status: 'accepted', report: { rows_accepted: 5 } });
  });

  it('lets one of two simultaneous deliveries in', async () => {
    t = testPlatform();
    const pending = await requestUpload(t.platform, { dataset: 'police_crime', partner: POLICE });
    await t.platform.storage.put(rawKey(pending.upload_id), csv(CRIME_HEADER, ...crimeRows('C', 3)));
    const both = await Promise.all([ingestPendingUpload(t.platform, pending.upload_id), ingestPendingUpload(t.platform, pending.upload_id)]);
    expect(both.filter((r) => r === null)).toHaveLength(1);
    expect((await t.platform.catalog.read()).extracts).toHaveLength(1);
  });

  it('knows no upload it never handed out, and ignores raw keys that are not uploads', async () => {
    t = testPlatform();
    expect(await uploadStatus(t.platform, 'up-20250101000000-00000000')).toBeNull();
    await expect(ingestPendingUpload(t.platform, 'up-20250101000000-00000000')).rejects.toThrow(/no pending upload/);
    expect(uploadIdOfRawKey('raw/../catalog/extracts.json')).toBeNull();
  });
});
