import { createRoute, z } from '@hono/zod-openapi';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { AuditBody, json } from './schemas.ts';

const timestamp = (name: string) => z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, `${name} must be a date or an ISO time`);

const audit = createRoute({
  method: 'get', path: '/v1/audit', security: bearer, middleware: [requireAction('audit.read')] as const,
  summary: 'The audit trail, oldest first, filtered',
  request: {
    query: z.object({
      from: timestamp('from').optional(), to: timestamp('to').optional(),
      user: z.string().max(80).optional(), outcome: z.enum(['allowed', 'denied', 'error']).optional(),
      limit: z.coerce.number().int().min(1).max(5000).default(500),
    }),
  },
  responses: { 200: json(AuditBody, 'Entries, oldest first'), ...errorResponses },
});

export function registerAudit(app: ApiApp, deps: RouteDeps) {
  app.openapi(audit, async (c) => {
    const q = c.req.valid('query');
    checkScope(c, deps.platform.agreement, 'audit.read', {});
    // A bare date as `to` means the whole day.
    const to = q.to && q.to.length === 10 ? `${q.to}T23:59:59.999Z` : q.to;
    return c.json({ entries: await deps.platform.audit.read({ ...q, to }) }, 200);
  });
}
