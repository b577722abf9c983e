import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateBucketCommand, HeadObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import S3rver from 's3rver';
import type { S3Buckets } from '../../functions/platform/storage/s3.ts';

/**
 * s3rver on 127.0.0.1 at a free port, over real HTTP. The SDK needs path-style addressing, DNS-style bucket names,
 * and checksums only when an operation requires them (s3rver predates the SDK's default CRC32 checksums).
 */
export async function startS3rver() {
  const directory = mkdtempSync(join(tmpdir(), 'vrn-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  const config: S3ClientConfig = {
    region: 'eu-west-2',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  const admin = new S3Client(config);
  let made = 0;
  return {
    config,
    admin,
    /** A fresh raw/curated/outputs set of buckets. */
    async buckets(): Promise<S3Buckets> {
      made++;
      const buckets = { raw: `vrn-t${made}-raw`, curated: `vrn-t${made}-curated`, outputs: `vrn-t${made}-outputs` };
      for (const name of Object.values(buckets)) await admin.send(new CreateBucketCommand({ Bucket: name }));
      return buckets;
    },
    async close() {
      admin.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

type HttpRequest = Parameters<NodeHttpHandler['handle']>[0];

/** Records every HTTP request a client sends (after signing), for asserting what reached the wire. */
export function captureRequests(client: S3Client): HttpRequest[] {
  const sent: HttpRequest[] = [];
  client.middlewareStack.add((next) => async (args) => {
    sent.push(args.request as HttpRequest);
    return next(args);
  }, { step: 'finalizeRequest', name: 'captureRequests' });
  return sent;
}

/**
 * What s3rver lacks: S3's conditional writes. This HTTP handler checks If-Match / If-None-Match against the
 * object's current ETag and answers 412 as S3 does, one conditional write at a time, so that the catalog's retry
 * logic can be shown to lose no update through the real S3 adapter.
 */
export class ConditionalWritesGate extends NodeHttpHandler {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly probe: S3Client) {
    super();
  }

  override handle(request: HttpRequest, options?: Parameters<NodeHttpHandler['handle']>[1]) {
    const ifMatch = request.headers['if-match'];
    const ifNoneMatch = request.headers['if-none-match'];
    if (request.method !== 'PUT' || (ifMatch === undefined && ifNoneMatch === undefined)) return super.handle(request, options);
    const [, bucket, ...key] = decodeURIComponent(request.path).split('/');
    const run = this.queue.then(async () => {
      const etag = await this.probe.send(new HeadObjectCommand({ Bucket: bucket, Key: key.join('/') })).then((h) => h.ETag, () => undefined);
      const failed = (ifNoneMatch === '*' && etag !== undefined) || (ifMatch !== undefined && ifMatch !== etag);
      if (!failed) return super.handle(request, options);
      return {
        response: {
          statusCode: 412, headers: { 'content-type': 'application/xml' },
          body: Readable.from([Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>')]),
        },
      };
    });
    this.queue = run.catch(() => {});
    return run as ReturnType<NodeHttpHandler['handle']>;
  }
}
