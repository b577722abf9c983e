import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../functions/platform/catalog/catalog.ts';
import { PreconditionFailed } from '../../functions/platform/storage/port.ts';
import { PresignedUploadUrls } from '../../functions/api/upload-urls.ts';
import { S3Storage } from '../../functions/platform/storage/s3.ts';
import { captureRequests, ConditionalWritesGate, startS3rver } from './s3rver.ts';
import { storageContract } from './storage-contract.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => { s3 = await startS3rver(); });
afterAll(() => s3?.close());

/** The S3 adapter over s3rver; with the gate, s3rver answers conditional writes as S3 does. */
async function s3Storage({ gate = false } = {}) {
  const buckets = await s3.buckets();
  const client = new S3Client({ ...s3.config, ...(gate ? { requestHandler: new ConditionalWritesGate(s3.admin) } : {}) });
  const sent = captureRequests(client);
  return { storage: new S3Storage(client, buckets), buckets, client, sent, cleanup: () => client.destroy() };
}

const entry = (i: number) => ({
  upload_id: `up-2025010100000${i}-0000000${i}`, dataset: 'police_crime', partner: 'leicestershire-police',
  period_from: '2024-04-01', period_to: '2024-04-30', content_key: `content-${i}`, file: `curated/police_crime/upload_id=${i}/part-00000.parquet`,
  rows: 5, accepted_at: '2025-01-01T00:00:00Z',
});

describe('S3 storage against s3rver over HTTP', () => {
  describe('plain s3rver (it ignores conditional headers)', () => {
    storageContract(() => s3Storage(), { enforcesConditionalWrites: false });
  });

  describe('s3rver behind a gate that enforces conditional writes as S3 does', () => {
    storageContract(() => s3Storage({ gate: true }));
  });

  it('sends If-None-Match and If-Match on the wire, and neither on a plain put', async () => {
    const { storage, buckets, sent, cleanup } = await s3Storage();
    try {
      const { etag } = await storage.put('catalog/extracts.json', '{}', { ifNoneMatch: '*' });
      await storage.put('catalog/extracts.json', '{"seq":1}', { ifMatch: etag });
      await storage.put('reports/x.json', '{}');
      const puts = sent.filter((r) => r.method === 'PUT');
      expect(puts.map((r) => [r.path, r.headers['if-none-match'], r.headers['if-match']])).toEqual([
        [`/${buckets.curated}/catalog/extracts.json`, '*', undefined],
        [`/${buckets.curated}/catalog/extracts.json`, undefined, etag],
        [`/${buckets.curated}/reports/x.json`, undefined, undefined],
      ]);
    } finally {
      cleanup();
    }
  });

  it('writes a large object as a multipart upload, completed only on close', async () => {
    const { storage, sent, cleanup } = await s3Storage();
    try {
      const writer = storage.openWriter('curated/police_crime/upload_id=u/part-00000.parquet');
      for (let i = 0; i < 12; i++) await writer.write(new Uint8Array(1024 * 1024).fill(i));
      expect(await storage.exists('curated/police_crime/upload_id=u/part-00000.parquet')).toBe(false);
      await writer.close();
      const parts = sent.filter((r) => r.method === 'PUT' && r.query?.partNumber).map((r) => Number(r.query?.partNumber));
      expect(parts.sort()).toEqual([1, 2, 3]);
      expect(sent.filter((r) => r.method === 'POST' && 'uploadId' in (r.query ?? {}))).toHaveLength(1);
      let bytes = 0;
      for await (const chunk of storage.read('curated/police_crime/upload_id=u/part-00000.parquet')) bytes += chunk.length;
      expect(bytes).toBe(12 * 1024 * 1024);

      const aborted = storage.openWriter('curated/police_crime/upload_id=v/part-00000.parquet');
      for (let i = 0; i < 7; i++) await aborted.write(new Uint8Array(1024 * 1024));
      await aborted.abort();
      expect(sent.some((r) => r.method === 'DELETE' && 'uploadId' in (r.query ?? {}))).toBe(true);
      expect(await storage.list('curated/police_crime')).toEqual(['curated/police_crime/upload_id=u/part-00000.parquet']);
    } finally {
      cleanup();
    }
  });

  it('turns S3\'s 412 into PreconditionFailed', async () => {
    const { storage, cleanup } = await s3Storage({ gate: true });
    try {
      await storage.put('catalog/extracts.json', 'one', { ifNoneMatch: '*' });
      await expect(storage.put('catalog/extracts.json', 'two', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailed);
    } finally {
      cleanup();
    }
  });

  it('the catalog loses no update when six ingests add at once, because S3 refuses the stale writes', async () => {
    const { storage, cleanup } = await s3Storage({ gate: true });
    try {
      // one catalog object per ingest, as six Lambdas would have
      await Promise.all([1, 2, 3, 4, 5, 6].map((i) => new Catalog(storage).add(entry(i))));
      const doc = await new Catalog(storage).read();
      expect(doc.extracts.map((e) => e.seq).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(doc.extracts.map((e) => e.content_key).sort()).toEqual([1, 2, 3, 4, 5, 6].map((i) => `content-${i}`));
    } finally {
      cleanup();
    }
  });

  it('without enforcement the same six adds lose updates (what the conditional headers prevent)', async () => {
    const { storage, cleanup } = await s3Storage();
    try {
      await Promise.all([1, 2, 3, 4, 5, 6].map((i) => new Catalog(storage).add(entry(i))));
      expect((await new Catalog(storage).read()).extracts.length).toBeLessThan(6);
    } finally {
      cleanup();
    }
  });

  it('routes raw/ and outputs/ keys to their buckets, keeping the whole key, and locates them as s3:// URLs', async () => {
    const { storage, buckets, cleanup } = await s3Storage();
    try {
      await storage.put('raw/up-20250101000000-0000abcd', 'file');
      await storage.put('outputs/measures/2024-25.json', '{}');
      await storage.put('curated/police_crime/upload_id=u/part-00000.parquet', 'pq');
      const keysIn = async (bucket: string) =>
        ((await s3.admin.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
      expect(await keysIn(buckets.raw)).toEqual(['raw/up-20250101000000-0000abcd']);
      expect(await keysIn(buckets.outputs)).toEqual(['outputs/measures/2024-25.json']);
      expect(await keysIn(buckets.curated)).toEqual(['curated/police_crime/upload_id=u/part-00000.parquet']);
      expect(storage.locate('curated/police_crime/x.parquet')).toBe(`s3://${buckets.curated}/curated/police_crime/x.parquet`);
      expect(storage.locate('raw/up-1')).toBe(`s3://${buckets.raw}/raw/up-1`);
      expect(await storage.list('raw')).toEqual(['raw/up-20250101000000-0000abcd']);
      await expect(storage.put('curated/../catalog/extracts.json', 'x')).rejects.toThrow('not a storage key');
    } finally {
      cleanup();
    }
  });

  it('hands out a presigned PUT URL for an upload that a browser-like client can send its file to, into the raw bucket', async () => {
    const { storage, buckets, cleanup } = await s3Storage();
    try {
      const now = new Date('2025-11-01T12:00:00Z');
      const urls = new PresignedUploadUrls((key, seconds) => storage.uploadUrl(key, seconds), () => now, 300);
      const { url, method, expires_at } = await urls.create({
        upload_id: 'up-20250101000000-00001234', dataset: 'police_crime', partner: 'leicestershire-police', period_from: null, period_to: null, requested_at: now.toISOString(),
      });
      expect([method, expires_at]).toEqual(['PUT', '2025-11-01T12:05:00.000Z']);
      expect(url).toContain(`/${buckets.raw}/raw/up-20250101000000-00001234?`);
      expect(url).toContain('X-Amz-Expires=300');
      const response = await fetch(url, { method, body: 'crime_ref,recorded_date\n' });
      expect(response.status).toBe(200);
      const got = await storage.get('raw/up-20250101000000-00001234');
      expect(new TextDecoder().decode(got!.body)).toBe('crime_ref,recorded_date\n');
    } finally {
      cleanup();
    }
  });
});

