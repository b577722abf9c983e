import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3Storage } from '../../functions/platform/storage/s3.ts';

const buckets = { raw: 'vrn-t-raw', curated: 'vrn-t-curated', outputs: 'vrn-t-outputs' };

/**
 * A versioned raw bucket (s3rver has no versioning): the real client, and a request handler that answers
 * ListObjectVersions from a fixed listing and records every request.
 */
function versionedS3() {
  const requests: { method: string; path: string; query: Record<string, unknown> }[] = [];
  const listing = `<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>vrn-t-raw</Name><Prefix>raw/up-1</Prefix><IsTruncated>false</IsTruncated>
<DeleteMarker><Key>raw/up-1</Key><VersionId>marker-1</VersionId><IsLatest>true</IsLatest></DeleteMarker>
<Version><Key>raw/up-1</Key><VersionId>version-2</VersionId><IsLatest>false</IsLatest></Version>
<Version><Key>raw/up-1</Key><VersionId>version-1</VersionId><IsLatest>false</IsLatest></Version>
<Version><Key>raw/up-10</Key><VersionId>other</VersionId><IsLatest>true</IsLatest></Version>
</ListVersionsResult>`;
  const client = new S3Client({
    region: 'eu-west-2', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, forcePathStyle: true, endpoint: 'http://127.0.0.1:9',
    requestHandler: {
      async handle(request: { method: string; path: string; query?: Record<string, unknown> }) {
        requests.push({ method: request.method, path: request.path, query: request.query ?? {} });
        const listingAsked = request.method === 'GET' && 'versions' in (request.query ?? {});
        return { response: { statusCode: listingAsked ? 200 : 204, headers: { 'content-type': 'application/xml' }, body: Readable.from([Buffer.from(listingAsked ? listing : '')]) } };
      },
    } as never,
  });
  return { client, requests };
}

describe('deleting a raw file from a versioned raw bucket', () => {
  it('removes every version and delete marker of that key, and nothing of any other key', async () => {
    const { client, requests } = versionedS3();
    await new S3Storage(client, buckets, { rawVersioned: true }).delete('raw/up-1');
    expect(requests.filter((r) => r.method === 'DELETE').map((r) => [r.path, r.query.versionId])).toEqual([
      ['/vrn-t-raw/raw/up-1', undefined], ['/vrn-t-raw/raw/up-1', 'version-2'], ['/vrn-t-raw/raw/up-1', 'version-1'], ['/vrn-t-raw/raw/up-1', 'marker-1'],
    ]);
    expect(requests.find((r) => r.method === 'GET')!.query).toMatchObject({ prefix: 'raw/up-1' });
  });

  it('only hides curated objects, and does not list versions of an unversioned raw bucket', async () => {
    const versioned = versionedS3();
    await new S3Storage(versioned.client, buckets, { rawVersioned: true }).delete('curated/police_crime/x.parquet');
    expect(versioned.requests.map((r) => r.method)).toEqual(['DELETE']);
    const plain = versionedS3();
    await new S3Storage(plain.client, buckets).delete('raw/up-1');
    expect(plain.requests.map((r) => r.method)).toEqual(['DELETE']);
  });
});
