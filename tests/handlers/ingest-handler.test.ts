import type { S3Event } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ingestHandler } from '../../functions/handlers/ingest.ts';
import { rawKey, requestUpload, uploadStatus } from '../../functions/ingest/pending-upload.ts';
import { awsPlatform } from '../../functions/platform/aws.ts';
import { CRIME_HEADER, POLICE, crimeRow, crimeRows, csv } from '../helpers.ts';
import { awsTestEnvironment, fakeAwsServices } from '../platform/fake-aws.ts';
import { captureRequests, ConditionalWritesGate, startS3rver } from '../platform/s3rver.ts';
import { PLANTED, plantedFailureStorage } from '../planted-failure.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => { s3 = await startS3rver(); });
afterAll(() => s3?.close());
afterEach(() => { vi.restoreAllMocks(); });

/** An S3 object-created event as Lambda receives it (keys URL-encoded). */
const objectCreated = (bucket: string, key: string): S3Event => ({
  Records: [{
    eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'eu-west-2', eventTime: '2025-11-01T12:00:00.000Z', eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:partner' }, requestParameters: { sourceIPAddress: '192.0.2.1' }, responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'i' },
    s3: { s3SchemaVersion: '1.0', configurationId: 'ingest', bucket: { name: bucket, ownerIdentity: { principalId: 'owner' }, arn: `arn:aws:s3:::${bucket}` },
      object: { key: encodeURIComponent(key), size: 1, eTag: 'e', sequencer: '0' } },
  }],
});

describe('the ingest Lambda handler, against s3rver', () => {
  it('ingests an upload put through its presigned URL, once however often the event arrives, and logs no content', async () => {
    const buckets = await s3.buckets();
    const services = fakeAwsServices();
    const platform = awsPlatform(awsTestEnvironment(buckets), { s3: s3.config, glue: services.config, athena: services.config, secretsManager: services.config });
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(line); });
    vi.spyOn(console, 'warn').mockImplementation((line: string) => { logs.push(line); });

    const pending = await requestUpload(platform, { dataset: 'police_crime', partner: POLICE });
    const file = csv(CRIME_HEADER, ...crimeRows('LP-2024-', 12), crimeRow('LP-BAD-1', { offence_date: 'not a date' }));
    const put = await fetch(await platform.storage.uploadUrl(rawKey(pending.upload_id)), { method: 'PUT', body: file });
    expect(put.status).toBe(200);

    const handler = ingestHandler(platform);
    const event = objectCreated(buckets.raw, rawKey(pending.upload_id));
    await handler(event);
    await handler(event);

    const catalog = await platform.catalog.read();
    expect(catalog.extracts).toHaveLength(1);
    expect(catalog.extracts[0]).toMatchObject({ upload_id: pending.upload_id, rows: 12 });
    expect(await platform.storage.list('curated/police_crime')).toEqual([`curated/police_crime/upload_id=${pending.upload_id}/part-00000.parquet`]);
    expect(await platform.storage.exists(rawKey(pending.upload_id))).toBe(false);
    expect(await uploadStatus(platform, pending.upload_id)).toMatchObject({ status: 'accepted', report: { rows_read: 13, rows_accepted: 12, rows_rejected: 1 } });
    expect(services.calls.filter((c) => c.action === 'BatchCreatePartition').map((c) => c.body.PartitionInputList[0].Values)).toContainEqual([pending.upload_id]);

    await handler(objectCreated(buckets.raw, 'raw/not-an-upload.csv'));
    expect(logs.map((l) => JSON.parse(l).message)).toEqual(['ingested', 'ingested', 'ignored an object that is not an upload']);
    const text = logs.join('\n');
    for (const secret of ['LP-2024-', 'LP-BAD', '2001-03-04', 'LE1 5AB']) expect(text).not.toContain(secret);
  });

  it('stores the extract once when two deliveries of the event run at the same time, as S3\'s conditional writes allow', async () => {
    const buckets = await s3.buckets();
    const services = fakeAwsServices();
    const s3Config = { ...s3.config, requestHandler: new ConditionalWritesGate(s3.admin) };
    const platform = awsPlatform(awsTestEnvironment(buckets), { s3: s3Config, glue: services.config, athena: services.config, secretsManager: services.config });
    const logs: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => { logs.push(JSON.parse(line).message); });
    const pending = await requestUpload(platform, { dataset: 'police_crime', partner: POLICE });
    await platform.storage.put(rawKey(pending.upload_id), csv(CRIME_HEADER, ...crimeRows('LP-2024-', 20)));
    const event = objectCreated(buckets.raw, rawKey(pending.upload_id));
    const handler = ingestHandler(platform);
    await Promise.all([handler(event), handler(event)]);
    expect(logs.sort()).toEqual(['another delivery of this event is ingesting it', 'ingested']);
    expect((await platform.catalog.read()).extracts).toHaveLength(1);
    expect(await platform.storage.list('curated/police_crime')).toHaveLength(1);
    expect(await uploadStatus(platform, pending.upload_id)).toMatchObject({ status: 'accepted', report: { rows_accepted: 20 } });
  });

  it('fails the invocation for a file no upload asked for, so Lambda retries and then dead-letters it; the file is deleted', async () => {
    const buckets = await s3.buckets();
    const services = fakeAwsServices();
    const platform = awsPlatform(awsTestEnvironment(buckets), { s3: s3.config, glue: services.config, athena: services.config, secretsManager: services.config });
    const logs: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => { logs.push(line); });
    await platform.storage.put('raw/up-20250101000000-0000beef', csv(CRIME_HEADER, ...crimeRows('LP-2024-', 2)));
    await expect(ingestHandler(platform)(objectCreated(buckets.raw, 'raw/up-20250101000000-0000beef'))).rejects.toThrow('could not ingest upload up-20250101000000-0000beef (UnknownUpload)');
    expect(await platform.storage.exists('raw/up-20250101000000-0000beef')).toBe(false);
    expect(logs.map((l) => JSON.parse(l))).toEqual([{ message: 'could not ingest the upload', upload_id: 'up-20250101000000-0000beef', error: 'UnknownUpload' }]);
  });

  it('marks an upload whose ingest fails as failed, deletes its raw file and logs no word of the error\'s message', async () => {
    const buckets = await s3.buckets();
    const services = fakeAwsServices();
    const aws = awsPlatform(awsTestEnvironment(buckets), { s3: s3.config, glue: services.config, athena: services.config, secretsManager: services.config });
    const planted = plantedFailureStorage(aws.storage);
    const platform = { ...aws, storage: planted.storage };
    const logs: string[] = [];
    for (const level of ['log', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation((line: string) => { logs.push(line); });
    const pending = await requestUpload(platform, { dataset: 'police_crime', partner: POLICE });
    await platform.storage.put(rawKey(pending.upload_id), csv(CRIME_HEADER, ...crimeRows('LP-2024-', 5)));
    const requests = captureRequests((aws.storage as unknown as { client: Parameters<typeof captureRequests>[0] }).client);

    await ingestHandler(platform)(objectCreated(buckets.raw, rawKey(pending.upload_id)));
    const status = await uploadStatus(platform, pending.upload_id);
    expect(status).toMatchObject({ upload_id: pending.upload_id, status: 'failed', reason: expect.stringContaining('send it again') });
    expect(await platform.storage.exists(rawKey(pending.upload_id))).toBe(false);
    expect(requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toContain(`/${buckets.raw}/${rawKey(pending.upload_id)}`);
    expect(logs.map((l) => JSON.parse(l))).toEqual([{ message: 'ingest failed', upload_id: pending.upload_id, error: 'Error' }]);
    // A second delivery finds the upload finished and changes nothing.
    await ingestHandler(platform)(objectCreated(buckets.raw, rawKey(pending.upload_id)));
    expect(await uploadStatus(platform, pending.upload_id)).toEqual(status);
    const stored = await Promise.all((await platform.storage.list('')).map(async (key) => new TextDecoder().decode((await platform.storage.get(key))!.body)));
    for (const text of [...logs, JSON.stringify(status), ...stored]) expect(text).not.toContain(PLANTED);
  });
});
