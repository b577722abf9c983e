import { z } from '@hono/zod-openapi';
import { isPeriod, PERIOD_PATTERN, periodForms } from '../../../analytics/financial-year.ts';
import { reidentificationReasons } from '../../../schemas/access.ts';

/** Request fields shared by the routes, with the messages a caller sees when one is wrong. */
export const financialYear = (name: string) =>
  z.string().regex(/^\d{4}-\d{2}$/, `${name} must be a financial year like 2024-25`);
/** Any reporting period (analytics/financial-year.ts parses it; the message lists the forms). */
export const period = (name: string) =>
  z.string().regex(PERIOD_PATTERN, `${name} must be ${periodForms}`).refine(isPeriod, `${name} must be ${periodForms}`);
export const isoDate = (name: string) =>
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date YYYY-MM-DD`);
export const slug = (name: string) =>
  z.string().regex(/^[a-z0-9-]{1,64}$/, `${name} must be lower-case letters, digits and hyphens`);
export const uploadId = z.string().regex(/^up-[0-9]{14}-[0-9a-f]{8}$/, 'an upload id looks like up-20250101120000-0123abcd');
export const reidentificationReason = z.enum(Object.keys(reidentificationReasons) as [keyof typeof reidentificationReasons, ...(keyof typeof reidentificationReasons)[]]);

export const ErrorBody = z.object({ error: z.string(), message: z.string() }).openapi('Error');

/** Answer bodies, for the OpenAPI document (more fields may appear). */
const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });

export const IngestReportBody = z.object({
  upload_id: z.string(), dataset: z.string(), partner: z.string(), status: z.enum(['accepted', 'rejected']),
  period_from: z.string().nullable(), period_to: z.string().nullable(),
  rows_read: z.number().int(), rows_accepted: z.number().int(), rows_rejected: z.number().int(),
  columns_ignored: z.array(z.string()).describe('columns not in the schema, by position ("column 7"); never stored'),
  errors: z.array(z.object({ line: z.number().int().nullable(), column: z.string().nullable(), code: z.string(), message: z.string() }))
    .describe('extract problems, then the problems of the first 1,000 rejected rows'),
  rejections: z.array(z.object({ column: z.string().nullable(), code: z.string(), rows: z.number().int() }))
    .describe('every rejected row counted by column and code, listed or not'),
  rejected_rows_not_listed: z.number().int().describe('rejected rows past the first 1,000: counted in rejections, not listed in errors'),
  supersedes: z.array(z.string()), duplicate_of: z.string().optional(), restores: z.string().optional(),
  linkage: z.union([z.object({ records: z.number().int(), joined: z.number().int(), new_people: z.number().int() }), z.object({ failed: z.string() })]).optional()
    .describe('its new person records linked on arrival (joined a stored person, or new people); failed: they are linked by the next linking run'),
  warnings: z.array(z.object({ code: z.string(), column: z.string().nullable(), message: z.string(), rows: z.number().int().optional() })).optional()
    .describe('what looks like a mistake but rejected nothing: a column sent last time, postcodes outside the area, an unusual period'),
  file_name: z.string().optional(), uploaded_by: z.string().optional(),
}).openapi('IngestReport');

export const UploadUrlBody = z.object({
  upload_id: z.string(), status: z.literal('waiting_for_file'), upload_url: z.string(), method: z.literal('PUT'), expires_at: z.string(),
}).openapi('UploadUrl');

export const UploadStatusBody = z.object({
  upload_id: z.string(), status: z.enum(['waiting_for_file', 'ingesting', 'accepted', 'rejected', 'failed']), report: IngestReportBody.optional(),
  reason: z.string().optional().openapi({ description: 'failed: why, in the service\'s words (never the error\'s own text)' }),
}).openapi('UploadStatus');

export const UploadListBody = z.object({
  uploads: z.array(z.object({
    upload_id: z.string(), dataset: z.string(), partner: z.string(), status: z.enum(['accepted', 'rejected']),
    rows_read: z.number().int(), rows_accepted: z.number().int(), rows_rejected: z.number().int(), received_at: z.string(), duplicate_of: z.string().optional(), restores: z.string().optional(),
    period_from: z.string().nullable(), period_to: z.string().nullable(), file_name: z.string().optional(), uploaded_by: z.string().optional(), warnings: z.number().int(),
  })),
}).openapi('UploadList');

export const QueryResultBody = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string() })), rows: z.array(z.record(z.string(), z.unknown())),
  truncated: z.boolean(), max_rows: z.number().int(),
}).openapi('QueryResult');

export const AuditBody = z.object({
  entries: z.array(z.object({
    time: z.string(), user: z.string(), role: z.string(), method: z.string(), route: z.string(), scope: z.record(z.string(), z.string()),
    outcome: z.enum(['allowed', 'denied', 'error']), status: z.number().int(), touched: z.record(z.string(), z.string()).optional(), reason: z.string().optional(),
  })),
  total: z.number().int().describe('entries that match the filter, on every page'),
}).openapi('AuditEntries');

export const ReidentificationBody = z.object({
  panel: z.string(), as_of: z.string(), person_id: z.string(), organisation: z.string(), reason: z.string(),
  records: z.array(z.object({ dataset: z.string(), upload_id: z.string(), record_key: z.string(), reference: z.string().nullable() })),
  other_organisations_records: z.number().int(),
}).openapi('Reidentification');

export const productBody = (name: string, fields: Record<string, z.ZodType>) =>
  z.object(fields).catchall(z.unknown()).openapi(name);

export { json };
