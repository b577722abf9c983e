import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand,
  PutObjectCommand, S3ServiceException, type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { PreconditionFailed, type ObjectWriter, type PutOptions, type Storage, type StoredObject } from './port.ts';

/**
 * The buckets behind one storage. A key keeps its whole path in whichever bucket holds it, so `raw/<upload id>`
 * is the same string in the raw bucket's S3 events as in the core:
 * - `raw/…`     → raw: the partners' files, deleted after a day;
 * - `outputs/…` → outputs: products written by the scheduled refresh;
 * - the rest    → curated: Parquet, the reference vault, the catalog, reports, pending uploads.
 */
export interface S3Buckets {
  raw: string;
  curated: string;
  outputs: string;
}

const ROUTES: [prefix: string, bucket: keyof S3Buckets][] = [['raw/', 'raw'], ['outputs/', 'outputs']];
/** Multipart parts of 5 MiB (the S3 minimum), two in flight: a writer holds about 10 MiB of upload buffer. */
const PART_SIZE = 5 * 1024 * 1024;

const statusOf = (error: unknown) => (error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined);
const isMissing = (error: unknown) => statusOf(error) === 404 || (error as Error)?.name === 'NoSuchKey' || (error as Error)?.name === 'NotFound';
/** 412: the condition failed; 409: another conditional write to the key was in progress (S3 asks for a retry). */
const isConditionLost = (error: unknown) => statusOf(error) === 412 || statusOf(error) === 409;

/** S3 storage: streamed reads, multipart writes that appear only when complete, conditional puts. */
export class S3Storage implements Storage {
  readonly description: string;

  /** `rawVersioned`: the raw bucket keeps versions, so deleting a raw file must remove every version of it. */
  constructor(private readonly client: S3Client, private readonly buckets: S3Buckets, private readonly options: { rawVersioned?: boolean } = {}) {
    this.description = `s3 ${buckets.curated} (raw ${buckets.raw}, outputs ${buckets.outputs})`;
  }

  private bucket(key: string): string {
    const route = ROUTES.find(([prefix]) => key.startsWith(prefix) || `${key}/` === prefix);
    return this.buckets[route ? route[1] : 'curated'];
  }

  private where(key: string) {
    if (key.startsWith('/') || key.split('/').some((part) => part === '..' || part === '.')) throw new Error(`not a storage key: ${key}`);
    return { Bucket: this.bucket(key), Key: key };
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(new GetObjectCommand(this.where(key)));
      return { body: await out.Body!.transformToByteArray(), etag: out.ETag! };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<{ etag: string }> {
    try {
      const out = await this.client.send(new PutObjectCommand({
        ...this.where(key), Body: body, IfMatch: options.ifMatch, IfNoneMatch: options.ifNoneMatch,
      }));
      return { etag: out.ETag! };
    } catch (error) {
      if (isConditionLost(error)) throw new PreconditionFailed(key);
      throw error;
    }
  }

  openWriter(key: string): ObjectWriter {
    const body = new PassThrough();
    const upload = new Upload({ client: this.client, params: { ...this.where(key), Body: body }, partSize: PART_SIZE, queueSize: 2 });
    const done = upload.done();
    done.catch(() => {}); // observed by write/close/abort
    return {
      async write(chunk) {
        if (!body.write(chunk)) await Promise.race([once(body, 'drain'), done]);
      },
      async close() {
        body.end();
        await done;
      },
      async abort() {
        // A failed body makes lib-storage finish the parts in flight, then abort the multipart upload, then reject.
        body.destroy(new Error('write aborted'));
        await done.catch(() => {});
      },
    };
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    const out = await this.client.send(new GetObjectCommand(this.where(key)));
    yield* out.Body as Readable;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.etag(key)) !== null;
  }

  async etag(key: string): Promise<string | null> {
    try {
      return (await this.client.send(new HeadObjectCommand(this.where(key)))).ETag!;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  /** Keys under a folder: `list('r')` and `list('r/')` both mean the folder r. */
  async list(prefix: string): Promise<string[]> {
    const folder = prefix.replace(/\/?$/, '/');
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket(folder), Prefix: folder, ContinuationToken: token }));
      for (const object of page.Contents ?? []) keys.push(object.Key!);
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    const where = this.where(key);
    await this.client.send(new DeleteObjectCommand(where));
    if (where.Bucket === this.buckets.raw && this.options.rawVersioned) await this.purgeVersions(where);
  }

  /**
   * A partner's raw file holds names and dates of birth: in the versioned raw bucket a plain delete only hides it
   * behind a delete marker until the lifecycle rule runs, so every version of the key is removed at once.
   */
  private async purgeVersions(where: { Bucket: string; Key: string }): Promise<void> {
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await this.client.send(new ListObjectVersionsCommand({ Bucket: where.Bucket, Prefix: where.Key, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
      for (const version of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        if (version.Key === where.Key && version.VersionId) await this.client.send(new DeleteObjectCommand({ ...where, VersionId: version.VersionId }));
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker);
  }

  locate(key: string): string {
    const { Bucket, Key } = this.where(key);
    return `s3://${Bucket}/${Key}`;
  }

  /** A URL the holder may PUT one file to, for a limited time (a partner's browser uploading a large extract). */
  uploadUrl(key: string, expiresInSeconds = 900): Promise<string> {
    return getSignedUrl(this.client, new PutObjectCommand(this.where(key)), { expiresIn: expiresInSeconds });
  }
}

