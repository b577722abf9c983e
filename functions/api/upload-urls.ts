import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { rawKey, type PendingUpload } from '../ingest/pending-upload.ts';

export interface UploadUrl { url: string; method: 'PUT'; expires_at: string }

/** Where a large file goes: a presigned S3 PUT in AWS, a signed URL on this server locally. */
export interface UploadUrls {
  create(pending: PendingUpload, origin: string): Promise<UploadUrl>;
}

export const LOCAL_UPLOAD_PATH = '/local-uploads';

/**
 * Local mode's stand-in for a presigned PUT: a URL on this server carrying an expiry and an HMAC over the upload
 * id and expiry, under a key derived from the local token key. Anyone holding the URL may send that one file.
 */
export class LocalUploadUrls implements UploadUrls {
  private key: Promise<Buffer> | null = null;
  constructor(private readonly secret: () => Promise<Uint8Array>, private readonly now: () => Date = () => new Date(), private readonly ttlSeconds = 3600) {}

  private hmacKey() {
    return (this.key ??= this.secret().then((s) => Buffer.from(hkdfSync('sha256', s, Buffer.alloc(0), 'vrn local upload urls', 32))));
  }

  private async signature(uploadId: string, expires: number) {
    return createHmac('sha256', await this.hmacKey()).update(`${uploadId}\n${expires}`).digest('base64url');
  }

  async create(pending: PendingUpload, origin: string): Promise<UploadUrl> {
    const expires = Math.floor(this.now().getTime() / 1000) + this.ttlSeconds;
    const signature = await this.signature(pending.upload_id, expires);
    return {
      url: `${origin}${LOCAL_UPLOAD_PATH}/${pending.upload_id}?expires=${expires}&signature=${signature}`,
      method: 'PUT',
      expires_at: new Date(expires * 1000).toISOString(),
    };
  }

  /** Why the URL is not valid, or null when it is. */
  async check(uploadId: string, expires: string | undefined, signature: string | undefined): Promise<string | null> {
    const at = Number(expires);
    if (!expires || !signature || !Number.isInteger(at)) return 'the upload URL is incomplete';
    const expected = Buffer.from(await this.signature(uploadId, at));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'the upload URL signature is not valid';
    if (at * 1000 < this.now().getTime()) return 'the upload URL has expired';
    return null;
  }
}

/** In AWS: a presigned PUT straight into the raw bucket, whose object-created event starts the ingest. */
export class PresignedUploadUrls implements UploadUrls {
  constructor(private readonly presign: (key: string, expiresInSeconds: number) => Promise<string>, private readonly now: () => Date = () => new Date(), private readonly ttlSeconds = 900) {}

  async create(pending: PendingUpload): Promise<UploadUrl> {
    const expiresAt = new Date(this.now().getTime() + this.ttlSeconds * 1000);
    return { url: await this.presign(rawKey(pending.upload_id), this.ttlSeconds), method: 'PUT', expires_at: expiresAt.toISOString() };
  }
}
