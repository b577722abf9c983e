import { z } from 'zod';
import type { Storage } from '../platform/storage/port.ts';

/**
 * What an ingest that failed inside the service leaves: a terminal `failed` status with a reason of our own words,
 * and one log line naming the upload and the error's kind. Never the error's message: a library's (csv-parse,
 * exceljs, fs, the AWS SDK…) may quote a cell of the file.
 */
export const FailedUpload = z.object({
  upload_id: z.string(),
  dataset: z.string(),
  partner: z.string(),
  status: z.literal('failed'),
  reason: z.string(),
  failed_at: z.string(),
});
export type FailedUpload = z.infer<typeof FailedUpload>;

export const failureKey = (uploadId: string) => `uploads/failed/${uploadId}.json`;

export const FAILED_REASON = 'the service failed while ingesting the file (an internal error, logged): nothing was stored and the file was deleted; send it again, and tell the VRN data team if it fails again';

const KIND = /^[A-Za-z0-9_.:-]{1,64}$/;

/** An error's class name and code (e.g. `Error EACCES`, `CsvError CSV_QUOTE_NOT_CLOSED`): what may be logged of it. */
export function errorKind(error: unknown): string {
  if (!(error instanceof Error)) return 'non-error value';
  const code = (error as { code?: unknown }).code;
  const name = KIND.test(error.name) ? error.name : 'Error';
  return typeof code === 'string' && KIND.test(code) ? `${name} ${code}` : name;
}

/** Thrown when an upload's ingest failed and its failure is recorded; the message holds only ids and the kind. */
export class IngestFailed extends Error {
  constructor(readonly uploadId: string, readonly kind: string) {
    super(`the ingest of upload ${uploadId} failed (${kind}); its status is failed`);
    this.name = 'IngestFailed';
  }
}

/** Logs the failure as one JSON line of ids only. */
export function logFailure(uploadId: string, error: unknown, message = 'ingest failed') {
  console.error(JSON.stringify({ message, upload_id: uploadId, error: error instanceof IngestFailed ? error.kind : errorKind(error) }));
}

/** Records the upload as failed (best effort: the log line is written whatever happens) and returns the error to throw. */
export async function recordFailure(storage: Storage, upload: { upload_id: string; dataset: string; partner: string }, error: unknown, now: Date): Promise<IngestFailed> {
  logFailure(upload.upload_id, error);
  const failed: FailedUpload = { upload_id: upload.upload_id, dataset: upload.dataset, partner: upload.partner, status: 'failed', reason: FAILED_REASON, failed_at: now.toISOString() };
  try {
    await storage.put(failureKey(upload.upload_id), JSON.stringify(failed, null, 1));
  } catch (second) {
    logFailure(upload.upload_id, second, 'could not record the failed status');
  }
  return new IngestFailed(upload.upload_id, errorKind(error));
}
