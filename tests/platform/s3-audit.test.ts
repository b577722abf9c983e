import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../functions/platform/audit/port.ts';
import { S3AuditSink } from '../../functions/platform/audit/s3.ts';
import { FileKeyStore } from '../../functions/platform/keys/file.ts';
import { tempDataDir } from '../helpers.ts';
import { captureRequests, ConditionalWritesGate, startS3rver } from './s3rver.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
let keyDir: ReturnType<typeof tempDataDir>;
let keys: FileKeyStore;
beforeAll(async () => {
  s3 = await startS3rver();
  keyDir = tempDataDir();
  keys = new FileKeyStore(join(keyDir.dir, 'key.json'));
});
afterAll(async () => {
  await s3?.close();
  keyDir?.cleanup();
});

const entry = (time: string, user: string, outcome: AuditEntry['outcome'] = 'allowed'): AuditEntry => ({
  time, user, role: 'analyst', method: 'GET', route: '/v1/measures', scope: { period: '2024-25' }, outcome,
  status: outcome === 'allowed' ? 200 : 403, touched: { product: 'measures' },
});

let buckets = 0;
/** A fresh audit bucket, and a client that enforces If-None-Match as S3 does (s3rver does not). */
async function auditBucket() {
  const bucket = `vrn-t-audit-${++buckets}`;
  await s3.admin.send(new CreateBucketCommand({ Bucket: bucket }));
  const client = () => new S3Client({ ...s3.config, requestHandler: new ConditionalWritesGate(s3.admin) });
  const keysIn = async () => ((await s3.admin.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!).sort();
  return { bucket, client, keysIn, sink: (c = client()) => new S3AuditSink(c, bucket, keys) };
}
/** What someone with a governance bypass can do: delete a locked object. */
const bypassDelete = (bucket: string, key: string) => s3.admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

describe('the audit trail on S3', () => {
  it('writes each entry as an object of its own, with the checksum Object Lock needs, and never overwrites', async () => {
    const b = await auditBucket();
    const client = b.client();
    const sent = captureRequests(client);
    const sink = b.sink(client);
    await sink.append(entry('2025-11-01T12:00:00.000Z', 'vrn-analyst'));
    await sink.append(entry('2025-11-01T12:00:00.000Z', 'vrn-analyst'));
    const puts = sent.filter((r) => r.method === 'PUT');
    expect(puts.map((p) => decodeURIComponent(p.path))).toEqual([`/${b.bucket}/audit/2025/11/01/999999998.json`, `/${b.bucket}/audit/2025/11/01/999999997.json`]);
    for (const put of puts) {
      expect(put.headers['x-amz-checksum-sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(put.headers['if-none-match']).toBe('*');
    }
    expect(await sink.read()).toHaveLength(2);
  });

  it('reads entries back oldest first, filtered by time, user and outcome, with a limit', async () => {
    const sink = (await auditBucket()).sink();
    const entries = [
      entry('2025-10-31T23:59:59.000Z', 'admin'),
      entry('2025-11-01T08:00:00.000Z', 'charnwood-csp', 'denied'),
      entry('2025-11-01T09:00:00.000Z', 'vrn-analyst'),
      entry('2025-11-03T10:00:00.000Z', 'vrn-analyst'),
    ];
    for (const e of [...entries].reverse()) await sink.append(e);
    expect(await sink.read()).toEqual(entries);
    expect(await sink.read({ from: '2025-11-01T00:00:00Z', to: '2025-11-02T00:00:00Z' })).toEqual(entries.slice(1, 3));
    expect(await sink.read({ user: 'vrn-analyst' })).toEqual(entries.slice(2));
    expect(await sink.read({ outcome: 'denied' })).toEqual([entries[1]]);
    expect(await sink.read({ from: '2025-11-01T00:00:00Z', limit: 1 })).toEqual([entries[1]]);
    expect(await sink.verify()).toEqual({ entries: 4, unkeyed: 0, problems: [] });
  });

  it('chains each day\'s entries under the audit key, two Lambdas writing at once taking turns for each place', async () => {
    const b = await auditBucket();
    const first = b.client();
    const sent = captureRequests(first);
    const [one, two] = [b.sink(first), b.sink()];
    await one.append(entry('2025-11-01T09:00:00.000Z', 'vrn-analyst'));
    await two.append(entry('2025-11-01T09:00:01.000Z', 'city-panel'));
    await one.append(entry('2025-11-01T09:00:02.000Z', 'vrn-analyst')); // its end of the chain is out of date
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).append(entry(`2025-11-01T10:00:${String(i).padStart(2, '0')}.000Z`, 'vrn-analyst'))));
    expect(sent.filter((r) => r.method === 'PUT').length).toBeGreaterThan(7); // 7 entries, and at least one place lost
    expect(await b.keysIn()).toEqual(Array.from({ length: 13 }, (_, i) => `audit/2025/11/01/${999_999_999 - 13 + i}.json`));
    const { key } = await keys.auditKey();
    const out = await s3.admin.send(new GetObjectCommand({ Bucket: b.bucket, Key: 'audit/2025/11/01/999999998.json' }));
    const link = JSON.parse(await out.Body!.transformToString());
    expect(link).toMatchObject({ seq: 1, prev: '0'.repeat(64), key: 'v1', entry: entry('2025-11-01T09:00:00.000Z', 'vrn-analyst') });
    expect(link.hash).toBe(createHmac('sha256', key).update(`${link.prev}\n1\n${JSON.stringify(link.entry)}`).digest('hex'));
    expect(await b.sink().verify()).toEqual({ entries: 13, unkeyed: 0, problems: [] });
  });

  it('shows an entry deleted under a governance bypass, a whole day deleted, and an entry forged without the key', async () => {
    const b = await auditBucket();
    const sink = b.sink();
    for (const [day, n] of [['2025-11-01', 3], ['2025-11-02', 2], ['2025-11-04', 3]] as const) {
      for (let i = 0; i < n; i++) await sink.append(entry(`${day}T12:00:0${i}.000Z`, i === 1 ? 'city-panel' : 'vrn-analyst'));
    }
    expect(await sink.verify()).toEqual({ entries: 8, unkeyed: 0, problems: [] });

    await bypassDelete(b.bucket, 'audit/2025/11/04/999999997.json'); // the coordinator's entry of the 4th
    expect((await sink.verify()).problems).toEqual([
      'audit/2025/11/04/999999996.json: entry 3 of 2025-11-04 follows entry 1 (entries deleted)',
      'audit/2025/11/04/999999996.json: does not chain onto entry 1 (entries deleted)',
    ]);

    // Mended by rewriting the place, but without the key: a hash of another key.
    const forged = { seq: 2, prev: 'x', key: 'v1', hash: createHmac('sha256', randomBytes(32)).update('x').digest('hex'), entry: entry('2025-11-04T12:00:01.000Z', 'vrn-analyst') };
    await s3.admin.send(new PutObjectCommand({ Bucket: b.bucket, Key: 'audit/2025/11/04/999999997.json', Body: JSON.stringify(forged) }));
    expect((await sink.verify()).problems).toContain('audit/2025/11/04/999999997.json: its HMAC does not match its content (edited, or written without the key)');

    for (const key of ['audit/2025/11/02/999999998.json', 'audit/2025/11/02/999999997.json']) await bypassDelete(b.bucket, key);
    expect((await sink.verify()).problems).toContain('audit/2025/11/04/999999998.json: the first entry of 2025-11-04 continues an entry that is not there (entries or a day deleted)');
  });

  it('reads and counts entries written before the chain, one bare entry per object', async () => {
    const b = await auditBucket();
    const old = entry('2025-10-30T12:00:00.000Z', 'admin');
    await s3.admin.send(new PutObjectCommand({ Bucket: b.bucket, Key: 'audit/2025/10/30/2025-10-30T12:00:00.000Z-0123456789ab.json', Body: JSON.stringify(old) }));
    const sink = b.sink();
    await sink.append(entry('2025-11-01T12:00:00.000Z', 'vrn-analyst'));
    expect(await sink.read()).toEqual([old, entry('2025-11-01T12:00:00.000Z', 'vrn-analyst')]);
    expect(await sink.verify()).toEqual({ entries: 2, unkeyed: 1, problems: [] });
  });
});
