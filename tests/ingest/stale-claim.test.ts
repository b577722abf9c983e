import { afterEach, describe, expect, it } from 'vitest';
import { claimKey, CLAIM_LEASE_MS, ingestPendingUpload, rawKey, requestUpload } from '../../functions/ingest/pending-upload.ts';
import { csv, CRIME_HEADER, crimeRows, POLICE, testPlatform } from '../helpers.ts';

let t: ReturnType<typeof testPlatform>;
afterEach(() => t?.cleanup());

const NOW = new Date('2025-11-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('a claim left by a worker that died', () => {
  it('is respected while it may still be running, and taken over once its lease has run out', async () => {
    t = testPlatform(NOW);
    const pending = await requestUpload(t.platform, { dataset: 'police_crime', partner: POLICE });
    await t.platform.storage.put(rawKey(pending.upload_id), csv(CRIME_HEADER, ...crimeRows('C', 4)));

    await t.platform.storage.put(claimKey(pending.upload_id), ago(CLAIM_LEASE_MS - 60_000));
    expect(await ingestPendingUpload(t.platform, pending.upload_id)).toBeNull();
    expect((await t.platform.catalog.read()).extracts).toHaveLength(0);

    await t.platform.storage.put(claimKey(pending.upload_id), ago(CLAIM_LEASE_MS + 60_000));
    expect(await ingestPendingUpload(t.platform, pending.upload_id)).toMatchObject({ status: 'accepted', rows_accepted: 4 });
    expect((await t.platform.catalog.read()).extracts).toHaveLength(1);
  });

  it('lets only one of two workers take over a stale claim', async () => {
    t = testPlatform(NOW);
    const pending = await requestUpload(t.platform, { dataset: 'police_crime', partner: POLICE });
    await t.platform.storage.put(rawKey(pending.upload_id), csv(CRIME_HEADER, ...crimeRows('C', 4)));
    await t.platform.storage.put(claimKey(pending.upload_id), ago(CLAIM_LEASE_MS * 2));
    const both = await Promise.all([ingestPendingUpload(t.platform, pending.upload_id), ingestPendingUpload(t.platform, pending.upload_id)]);
    expect(both.filter((r) => r === null)).toHaveLength(1);
    expect((await t.platform.catalog.read()).extracts).toHaveLength(1);
  });
});
