import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../functions/platform/audit/port.ts';
import { S3AuditSink } from '../../functions/platform/audit/s3.ts';
import { captureRequests, startS3rver } from './s3rver.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => { s3 = await startS3rver(); });
afterAll(() => s3?.close());

const entry = (time: string, user: string, outcome: AuditEntry['outcome'] = 'allowed'): AuditEntry => ({
  time, user, role: 'analyst', method: 'GET', route: '/v1/measures', scope: { period: '2024-25' }, outcome,
  status: outcome === 'allowed' ? 200 : 403, touched: { product: 'measures' },
});

describe('the audit trail on S3', () => {
  it('writes each entry as an object of its own, with the checksum Object Lock needs, and never overwrites', async () => {
    const bucket = 'vrn-t-audit-1';
    await s3.admin.send(new CreateBucketCommand({ Bucket: bucket }));
    const client = new S3Client(s3.config);
    const sent = captureRequests(client);
    const sink = new S3AuditSink(client, bucket);
    await sink.append(entry('2025-11-01T12:00:00.000Z', 'vrn-analyst'));
    await sink.append(entry('2025-11-01T12:00:00.000Z', 'vrn-analyst'));
    const puts = sent.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(2);
    expect(decodeURIComponent(puts[0]!.path)).toMatch(/^\/vrn-t-audit-1\/audit\/2025\/11\/01\/2025-11-01T12:00:00.000Z-[0-9a-f]{12}\.json$/);
    expect(puts[0]!.path).not.toBe(puts[1]!.path);
    for (const put of puts) {
      expect(put.headers['x-amz-checksum-sha256']).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(put.headers['if-none-match']).toBe('*');
    }
    expect(await sink.read()).toHaveLength(2);
  });

  it('reads entries back oldest first, filtered by time, user and outcome, with a limit', async () => {
    const bucket = 'vrn-t-audit-2';
    await s3.admin.send(new CreateBucketCommand({ Bucket: bucket }));
    const sink = new S3AuditSink(new S3Client(s3.config), bucket);
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
  });
});
