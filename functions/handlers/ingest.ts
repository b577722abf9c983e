import type { S3Event } from 'aws-lambda';
import { errorKind, IngestFailed, logFailure } from '../ingest/failure.ts';
import { ingestPendingUpload, uploadIdOfRawKey } from '../ingest/pending-upload.ts';
import { awsPlatform, type AwsPlatform } from '../platform/aws.ts';

/** S3 event keys are URL-encoded, with '+' for a space. */
const keyOf = (record: S3Event['Records'][number]) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));

/**
 * The ingest worker: a raw-bucket object-created event ingests that upload's file, then brings the Glue views up
 * to the catalog. S3 may deliver an event twice; ingestPendingUpload stores the extract once. An ingest that fails
 * leaves the upload `failed` and its file deleted; any other error fails the invocation, so Lambda retries it and
 * then hands it to the dead-letter queue. Logs name uploads and error kinds, never content or error messages.
 */
export function ingestHandler(platform: Pick<AwsPlatform, 'storage' | 'catalog' | 'countingViews'> & Parameters<typeof ingestPendingUpload>[0]) {
  return async (event: S3Event) => {
    for (const record of event.Records) {
      const key = keyOf(record);
      const uploadId = uploadIdOfRawKey(key);
      if (!uploadId) {
        console.warn(JSON.stringify({ message: 'ignored an object that is not an upload', bucket: record.s3.bucket.name }));
        continue;
      }
      let report;
      try {
        report = await ingestPendingUpload(platform, uploadId);
      } catch (error) {
        // A failed ingest is recorded and its file deleted: a retry could do nothing more. Anything else fails the
        // invocation with a message of ids only (Lambda logs a thrown error's message).
        if (error instanceof IngestFailed) continue;
        logFailure(uploadId, error, 'could not ingest the upload');
        throw new Error(`could not ingest upload ${uploadId} (${errorKind(error)})`);
      }
      console.log(JSON.stringify(report
        ? { message: 'ingested', upload_id: uploadId, dataset: report.dataset, partner: report.partner, status: report.status, rows_read: report.rows_read, rows_accepted: report.rows_accepted, rows_rejected: report.rows_rejected }
        : { message: 'another delivery of this event is ingesting it', upload_id: uploadId }));
    }
    await platform.countingViews.sync(await platform.catalog.read());
  };
}

let cached: ReturnType<typeof ingestHandler> | undefined;
export const handler = (event: S3Event) => (cached ??= ingestHandler(awsPlatform(process.env)))(event);
