import { rawKey } from '../../ingest/pending-upload.ts';
import type { S3Storage } from './s3.ts';

/**
 * Upload URLs in AWS: a presigned PUT to the upload's raw key in the raw bucket, whose object-created event starts
 * the ingest Lambda. The same shape as the API's local signed URLs (functions/api UploadUrls).
 */
export class S3UploadUrls {
  constructor(private readonly storage: S3Storage, private readonly now: () => Date = () => new Date(), private readonly ttlSeconds = 3600) {}

  async create(pending: { upload_id: string }, _origin?: string): Promise<{ url: string; method: 'PUT'; expires_at: string }> {
    const url = await this.storage.uploadUrl(rawKey(pending.upload_id), this.ttlSeconds);
    return { url, method: 'PUT', expires_at: new Date(this.now().getTime() + this.ttlSeconds * 1000).toISOString() };
  }
}
