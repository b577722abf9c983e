import { createRoute, z } from '@hono/zod-openapi';
import { toCsv } from '../../../analytics/render/csv.ts';
import type { AuditEntry } from '../../platform/audit/port.ts';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { AuditBody, json } from './schemas.ts';

const timestamp = (name: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, `${name} must be a date or an ISO time`);

const audit = createRoute({
  method: 'get', path: '/v1/audit', security: bearer, middleware: [requireAction('audit.read')] as const,
  summary: 'The audit trail, oldest first, filtered: the newest `limit` entries after skipping the newest `offset`; as CSV to export',
  request: {
    query: z.object({
      from: timestamp('from').optional(), to: timestamp('to').optional(),
      user: z.string().max(80).optional(), outcome: z.enum(['allowed', 'denied', 'error']).optional(),
      limit: z.coerce.number().int().min(1).max(5000).default(500),
      offset: z.coerce.number().int().min(0).default(0),
      format: z.enum(['json', 'csv']).default('json'),
    }),
  },
  responses: {
    200: { description: 'Entries, oldest first, and how many match the filter', content: { 'application/json': { schema: AuditBody }, 'text/csv': { schema: z.string() } } },
    ...errorResponses,
  },
});

/** The trail as a spreadsheet reads it: one row per entry, scope and touched as key=value. */
export function auditCsv(entries: AuditEntry[]): string {
  const pairs = (o: Record<string, string> | undefined) => Object.entries(o ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
  return toCsv({
    columns: ['time', 'user', 'role', 'method', 'route', 'scope', 'touched', 'outcome', 'status', 'reason'],
    rows: entries.map((e) => [e.time, e.user, e.role, e.method, e.route, pairs(e.scope), pairs(e.touched), e.outcome, e.status, e.reason ?? null]),
  });
}

export function registerAudit(app: ApiApp, deps: RouteDeps) {
  app.openapi(audit, async (c) => {
    const q = c.req.valid('query');
    checkScope(c, deps.platform.agreement, 'audit.read', {});
    // A bare date as `to` means the whole day.
    const to = q.to && q.to.length === 10 ? `${q.to}T23:59:59.999Z` : q.to;
    const matching = await deps.platform.audit.read({ from: q.from, to, user: q.user, outcome: q.outcome });
    const end = matching.length - q.offset;
    const entries = end <= 0 ? [] : matching.slice(Math.max(0, end - q.limit), end);
    if (q.format === 'csv') {
      c.header('content-disposition', `attachment; filename="audit-trail-${deps.platform.now().toISOString().slice(0, 10)}.csv"`);
      return c.body(auditCsv(entries), 200, { 'content-type': 'text/csv; charset=utf-8' }) as never;
    }
    return c.json({ entries, total: matching.length }, 200);
  });
}
