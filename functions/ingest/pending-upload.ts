import { z } from 'zod';
import type { Platform } from '../platform/platform.ts';
import { getJson, PreconditionFailed, type PutOptions } from '../platform/storage/port.ts';
import { failureKey, FailedUpload, IngestFailed, recordFailure } from './failure.ts';
import { ingestExtract, newUploadId, type IngestRequest } from './ingest.ts';
import { reportKey, type IngestReport } from './report.ts';

/**
 * A large extract arrives in two steps. The API records who may upload what under a new upload id and hands out a
 * URL; the file lands at `raw/<upload id>`; then the ingest worker (a Lambda on the raw bucket's object-created
 * event in AWS, a background task locally) ingests it under that id. The raw file is deleted as soon as its ingest
 * ends, accepted, rejected or failed (and when it arrives again later).
 */
export const PendingUpload = z.object({
  upload_id: z.string().regex(/^up-[0-9]{14}-[0-9a-f]{8}$/),
  dataset: z.string(),
  partner: z.string(),
  period_from: z.string().nullable(),
  period_to: z.string().nullable(),
  requested_at: z.string(),
  file_name: z.string().optional(),
  uploaded_by: z.string().optional(),
});
export type PendingUpload = z.infer<typeof PendingUpload>;

export const rawKey = (uploadId: string) => `raw/${uploadId}`;
export const pendingKey = (uploadId: string) => `uploads/pending/${uploadId}.json`;
export const claimKey = (uploadId: string) => `uploads/claimed/${uploadId}`;
/** A claim older than this belongs to a worker that died without releasing it (a Lambda runs 15 minutes at most). */
export const CLAIM_LEASE_MS = 20 * 60_000;

/** The upload id a raw object belongs to, or null for a key that is not an upload's file. */
export function uploadIdOfRawKey(key: string): string | null {
  const id = key.startsWith('raw/') ? key.slice(4) : '';
  return PendingUpload.shape.upload_id.safeParse(id).success ? id : null;
}

export async function requestUpload(platform: Platform, request: { dataset: string; partner: string; periodFrom?: string; periodTo?: string; fileName?: string; uploadedBy?: string }): Promise<PendingUpload> {
  const now = platform.now();
  const pending: PendingUpload = {
    upload_id: newUploadId(now), dataset: request.dataset, partner: request.partner,
    period_from: request.periodFrom ?? null, period_to: request.periodTo ?? null, requested_at: now.toISOString(),
    ...(request.fileName ? { file_name: request.fileName } : {}), ...(request.uploadedBy ? { uploaded_by: request.uploadedBy } : {}),
  };
  await platform.storage.put(pendingKey(pending.upload_id), JSON.stringify(pending), { ifNoneMatch: '*' });
  return pending;
}

export type UploadStatus =
  | { upload_id: string; status: 'waiting_for_file' | 'ingesting' }
  | { upload_id: string; status: 'failed'; reason: string }
  | { upload_id: string; status: IngestReport['status']; report: IngestReport };

export async function uploadStatus(platform: Pick<Platform, 'storage'>, uploadId: string): Promise<UploadStatus | null> {
  return (await uploadState(platform, uploadId))?.status ?? null;
}

/** The upload's status and the partner it belongs to (for the caller's scope), or null if there is no such upload. */
export async function uploadState(platform: Pick<Platform, 'storage'>, uploadId: string): Promise<{ status: UploadStatus; partner: string } | null> {
  const report = await getJson<IngestReport>(platform.storage, reportKey(uploadId));
  if (report) return { status: { upload_id: uploadId, status: report.value.status, report: report.value }, partner: report.value.partner };
  const failed = await getJson<FailedUpload>(platform.storage, failureKey(uploadId));
  if (failed) return { status: { upload_id: uploadId, status: 'failed', reason: failed.value.reason }, partner: failed.value.partner };
  const pending = await getJson<PendingUpload>(platform.storage, pendingKey(uploadId));
  if (!pending) return null;
  const claimed = await platform.storage.exists(claimKey(uploadId));
  return { status: { upload_id: uploadId, status: claimed ? 'ingesting' : 'waiting_for_file' }, partner: pending.value.partner };
}

/** A raw object no pending upload asked for (its key has the shape of an upload id). */
export class UnknownUpload extends Error {
  constructor(uploadId: string) {
    super(`no pending upload ${uploadId}`);
    this.name = 'UnknownUpload';
  }
}

/**
 * Ingests the file of a pending upload. Events may be delivered more than once: a finished upload returns its
 * report, and a claim written with if-none-match lets one worker in when two arrive together (null for the other).
 * An ingest that fails records the upload as failed and throws IngestFailed, whose message holds ids only.
 */
export async function ingestPendingUpload(platform: Platform, uploadId: string, onProgress?: IngestRequest['onProgress']): Promise<IngestReport | null> {
  const raw = rawKey(uploadId);
  const done = await getJson<IngestReport>(platform.storage, reportKey(uploadId));
  if (done) {
    await platform.storage.delete(raw); // the same file sent again to a finished upload
    return done.value;
  }
  if (await platform.storage.exists(failureKey(uploadId))) {
    await platform.storage.delete(raw);
    throw new IngestFailed(uploadId, 'failed earlier');
  }
  const pending = await getJson<unknown>(platform.storage, pendingKey(uploadId));
  if (!pending) {
    await platform.storage.delete(raw);
    throw new UnknownUpload(uploadId);
  }
  const request = PendingUpload.parse(pending.value);
  if (!(await claim(platform, uploadId))) return null;
  let report: IngestReport;
  try {
    report = await ingestExtract(platform, {
      uploadId, dataset: request.dataset, partner: request.partner,
      periodFrom: request.period_from ?? undefined, periodTo: request.period_to ?? undefined,
      fileName: request.file_name, uploadedBy: request.uploaded_by,
      source: () => platform.storage.read(raw), onProgress,
    });
  } catch (error) {
    const failed = await recordFailure(platform.storage, request, error, platform.now());
    await platform.storage.delete(raw);
    await platform.storage.delete(claimKey(uploadId));
    throw failed;
  }
  if (report.duplicate_of) {
    // The same file came before under another id: this upload's status answers with that report.
    report = { ...report, upload_id: uploadId, file_name: request.file_name, uploaded_by: request.uploaded_by };
    await platform.storage.put(reportKey(uploadId), JSON.stringify(report, null, 1));
  }
  await platform.storage.delete(raw);
  return report;
}

/** Takes the upload's claim: a new one, or one whose worker died (replaced conditionally, so only one taker wins). */
async function claim(platform: Platform, uploadId: string): Promise<boolean> {
  const now = platform.now();
  const attempt = async (options: PutOptions) => {
    try {
      await platform.storage.put(claimKey(uploadId), now.toISOString(), options);
      return true;
    } catch (error) {
      if (error instanceof PreconditionFailed) return false;
      throw error;
    }
  };
  if (await attempt({ ifNoneMatch: '*' })) return true;
  const held = await platform.storage.get(claimKey(uploadId));
  const since = held ? Date.parse(new TextDecoder().decode(held.body)) : NaN;
  if (!held || now.getTime() - since < CLAIM_LEASE_MS) return false;
  return attempt({ ifMatch: held.etag });
}
