import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { FAILED_REASON, IngestFailed, logFailure, recordFailure } from '../../ingest/failure.ts';
import { ingestExtract, newUploadId } from '../../ingest/ingest.ts';
import { ingestPendingUpload, pendingKey, PendingUpload, rawKey, requestUpload, uploadState, uploadStatus } from '../../ingest/pending-upload.ts';
import { rejectedRowsCsv, rejectedRowsFileName } from '../../ingest/rejected-rows.ts';
import { safeFileName, type IngestReport } from '../../ingest/report.ts';
import { datasetTemplate } from '../../ingest/template.ts';
import { datasetIds } from '../../../schemas/datasets/index.ts';
import { bytesSource } from '../../ingest/source.ts';
import { getJson } from '../../platform/storage/port.ts';
import { writeObject } from '../../platform/storage/write-object.ts';
import { BadRequest, errorBody, Forbidden, NotFound } from '../errors.ts';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { LOCAL_UPLOAD_PATH, LocalUploadUrls } from '../upload-urls.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { IngestReportBody, isoDate, json, slug, UploadListBody, UploadStatusBody, UploadUrlBody, uploadId } from './schemas.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const UploadFailedBody = z.object({ error: z.literal('internal'), message: z.string(), upload_id: z.string() }).openapi('UploadFailed');

const UploadQuery = z.object({
  dataset: z.string().regex(/^[a-z_]{1,40}$/, 'dataset must be a dataset id such as police_crime'),
  partner: slug('partner'),
  period_from: isoDate('period_from').optional(),
  period_to: isoDate('period_to').optional(),
  file_name: z.string().max(400).optional().openapi({ description: "the file's name as the partner knows it, for the uploads list (reduced to safe characters)" }),
});

const postUpload = createRoute({
  method: 'post', path: '/v1/uploads', security: bearer, middleware: [requireAction('upload.create')] as const,
  summary: 'Upload an extract: a small file in the body is ingested at once; with no body (or a large one) an upload URL is returned',
  request: { query: UploadQuery },
  responses: {
    200: json(IngestReportBody, 'The file is already the latest extract for its period: its earlier report, nothing changed'),
    201: json(IngestReportBody, 'Ingested and accepted: the validation report'),
    202: json(UploadUrlBody, 'Send the file to upload_url; follow GET /v1/uploads/{id}'),
    422: json(IngestReportBody, 'Ingested and rejected whole: the validation report says why'),
    ...errorResponses,
    500: json(UploadFailedBody, 'The service failed while ingesting: nothing was stored; GET /v1/uploads/{id} says failed'),
  },
});

const getUpload = createRoute({
  method: 'get', path: '/v1/uploads/{id}', security: bearer, middleware: [requireAction('upload.read')] as const,
  summary: "An upload's status and, once ingested, its validation report",
  request: { params: z.object({ id: uploadId }) },
  responses: {
    200: json(UploadStatusBody, 'waiting_for_file, ingesting, accepted or rejected (with the report), or failed (with the reason)'),
    404: { description: "No such upload, or another partner's (the same answer, so ids reveal nothing)" }, ...errorResponses,
  },
});

const getRejectedRows = createRoute({
  method: 'get', path: '/v1/uploads/{id}/rejected-rows', security: bearer, middleware: [requireAction('upload.read')] as const,
  summary: "An upload's rejected rows as CSV: line, column, code, reason and what was expected (never a value)",
  request: { params: z.object({ id: uploadId }) },
  responses: {
    200: { description: 'The CSV of the listed problems (the first 1,000 rejected rows)', content: { 'text/csv': { schema: z.string() } } },
    404: { description: "No report yet, no such upload, or another partner's" }, ...errorResponses,
  },
});

const getTemplate = createRoute({
  method: 'get', path: '/v1/datasets/{dataset}/template', security: bearer, middleware: [requireAction('upload.read')] as const,
  summary: "A dataset's template: the header and an example row; as XLSX with the data dictionary's notes on a second sheet",
  request: {
    params: z.object({ dataset: z.enum(datasetIds as [string, ...string[]]) }),
    query: z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx') }),
  },
  responses: {
    200: { description: 'The template file', content: { 'text/csv': { schema: z.string() }, [XLSX]: { schema: z.string().openapi({ format: 'binary' }) } } },
    ...errorResponses,
  },
});

const listUploads = createRoute({
  method: 'get', path: '/v1/uploads', security: bearer, middleware: [requireAction('upload.read')] as const,
  summary: "Recent uploads' outcomes, newest first: a partner's own; an analyst's choice of partner",
  request: { query: z.object({ partner: slug('partner').optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
  responses: { 200: json(UploadListBody, 'The most recent finished uploads'), ...errorResponses },
});

async function* limited(body: ReadableStream<Uint8Array>, maxBytes: number): AsyncIterable<Uint8Array> {
  let bytes = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw new BadRequest(`the file is larger than ${maxBytes} bytes`);
    yield chunk;
  }
}

export function registerUploads(app: ApiApp, deps: RouteDeps) {
  const { platform, limits } = deps;

  app.openapi(postUpload, async (c) => {
    const query = c.req.valid('query');
    checkScope(c, platform.agreement, 'upload.create', { partner: query.partner, dataset: query.dataset });
    c.set('touched', { dataset: query.dataset, partner: query.partner });
    const declared = Number(c.req.header('content-length') ?? NaN);
    const request = {
      dataset: query.dataset, partner: query.partner, periodFrom: query.period_from, periodTo: query.period_to,
      fileName: safeFileName(query.file_name), uploadedBy: c.var.user!.id,
    };
    const body = declared > limits.directUploadBytes ? null : new Uint8Array(await c.req.arrayBuffer());
    if (body && body.length > limits.directUploadBytes) throw new BadRequest(`files over ${limits.directUploadBytes} bytes go through an upload URL: send the request with no body`);
    if (!body || body.length === 0) {
      const pending = await requestUpload(platform, request);
      c.set('touched', { ...c.var.touched, upload_id: pending.upload_id });
      const url = await deps.uploadUrls.create(pending, new URL(c.req.url).origin);
      return c.json({ upload_id: pending.upload_id, status: 'waiting_for_file', upload_url: url.url, method: url.method, expires_at: url.expires_at }, 202);
    }
    // The file is ingested from memory: a direct upload never writes its raw bytes to storage.
    const id = newUploadId(platform.now());
    c.set('touched', { ...c.var.touched, upload_id: id });
    let report;
    try {
      report = await ingestExtract(platform, { ...request, uploadId: id, source: bytesSource(body) });
    } catch (error) {
      await recordFailure(platform.storage, { upload_id: id, dataset: query.dataset, partner: query.partner }, error, platform.now());
      return c.json({ error: 'internal', message: FAILED_REASON, upload_id: id }, 500);
    }
    c.set('touched', { ...c.var.touched, upload_id: report.upload_id });
    return c.json(report, report.duplicate_of ? 200 : report.status === 'accepted' ? 201 : 422);
  });

  app.openapi(listUploads, async (c) => {
    const q = c.req.valid('query');
    // A partner's uploader lists their own organisation's uploads whether or not they name it.
    const partner = c.var.user!.role === 'partner_uploader' ? q.partner ?? c.var.user!.organisation : q.partner;
    checkScope(c, platform.agreement, 'upload.read', { partner });
    const keys = (await platform.storage.list('reports/')).sort().reverse(); // upload ids start with their time
    const uploads = [];
    for (const key of keys) {
      if (uploads.length >= q.limit) break;
      const report = (await getJson<IngestReport>(platform.storage, key))?.value;
      if (!report || (partner && report.partner !== partner)) continue;
      const { upload_id, dataset, status, rows_read, rows_accepted, rows_rejected, received_at, period_from, period_to, file_name, uploaded_by } = report;
      uploads.push({
        upload_id, dataset, partner: report.partner, status, rows_read, rows_accepted, rows_rejected, received_at, period_from, period_to,
        file_name, uploaded_by, duplicate_of: report.duplicate_of, restores: report.restores, warnings: report.warnings?.length ?? 0,
      });
    }
    return c.json({ uploads }, 200);
  });

  /** An upload the caller may read: missing and another partner's alike, so an id reveals nothing (the trail's reason says which). */
  const readableUpload = async (c: Context, id: string) => {
    c.set('touched', { upload_id: id });
    const state = await uploadState(platform, id);
    const notFound = (reason: string) => { c.set('reason', reason); return new NotFound(`no upload ${id}`); };
    if (!state) throw notFound('no such upload');
    try {
      checkScope(c, platform.agreement, 'upload.read', { partner: state.partner });
    } catch (error) {
      if (error instanceof Forbidden) throw notFound(error.message);
      throw error;
    }
    return state.status;
  };

  app.openapi(getUpload, async (c) => c.json(await readableUpload(c, c.req.valid('param').id), 200));

  app.openapi(getRejectedRows, async (c) => {
    const status = await readableUpload(c, c.req.valid('param').id);
    if (!('report' in status)) throw new NotFound(`upload ${status.upload_id} has no report yet`);
    c.header('content-disposition', `attachment; filename="${rejectedRowsFileName(status.report)}"`);
    return c.body(rejectedRowsCsv(status.report), 200, { 'content-type': 'text/csv; charset=utf-8' }) as never;
  });

  app.openapi(getTemplate, async (c) => {
    const { dataset } = c.req.valid('param');
    // The schema is no secret: whoever may read uploads may have it (an uploader as their own organisation).
    checkScope(c, platform.agreement, 'upload.read', { partner: c.var.user!.organisation });
    c.set('touched', { dataset });
    const { format } = c.req.valid('query');
    const file = await datasetTemplate(dataset, format);
    c.header('content-disposition', `attachment; filename="${file.filename}"`);
    c.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX);
    return c.body(typeof file.body === 'string' ? file.body : new Uint8Array(file.body), 200) as never;
  });
}

/** Local mode's upload URL: the file lands at raw/<id>, then is ingested in the background, as S3 would trigger. */
export function registerLocalUploadTarget(app: ApiApp, deps: RouteDeps, urls: LocalUploadUrls) {
  const { platform } = deps;
  app.put(`${LOCAL_UPLOAD_PATH}/:id`, async (c) => {
    const id = c.req.param('id');
    if (!uploadId.safeParse(id).success) return c.json(errorBody('not_found', 'no such upload'), 404);
    const problem = await urls.check(id, c.req.query('expires'), c.req.query('signature'));
    if (problem) throw new Forbidden(problem);
    const pending = await getJson<PendingUpload>(platform.storage, pendingKey(id));
    if (!pending) throw new NotFound(`no pending upload ${id}`);
    c.set('scope', { partner: pending.value.partner, dataset: pending.value.dataset });
    c.set('touched', { upload_id: id });
    if ((await uploadStatus(platform, id))?.status !== 'waiting_for_file' || await platform.storage.exists(rawKey(id))) {
      return c.json(errorBody('conflict', 'the file of this upload has already been received'), 409);
    }
    if (!c.req.raw.body) throw new BadRequest('send the file as the request body');
    await writeObject(platform.storage, rawKey(id), limited(c.req.raw.body, 4 * 1024 ** 3));
    deps.inBackground(() => ingestPendingUpload(platform, id).catch((error) => {
      if (!(error instanceof IngestFailed)) logFailure(id, error); // IngestFailed is logged where it is recorded
    }));
    return c.json({ upload_id: id, status: 'ingesting' }, 200);
  });
}
