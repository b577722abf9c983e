import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AuditEntry, AuditSink } from '../../platform/audit/port.ts';

const outcomeOf = (status: number): AuditEntry['outcome'] =>
  status === 401 || status === 403 ? 'denied' : status >= 500 ? 'error' : 'allowed';

/**
 * Appends one entry per request, after the answer is decided: who, which route (the pattern, not the path, so no
 * value from the URL is copied), the scope asked for, what was touched, and the outcome. Values are ids from
 * schemas/ and pseudonymous keys only; the handlers never put an identity value in scope or touched.
 */
export const auditTrail = (sink: AuditSink, now: () => Date): MiddlewareHandler => async function auditTrail(c, next) {
  c.set('scope', {});
  c.set('touched', {});
  await next();
  const user = c.var.user;
  const entry: AuditEntry = {
    time: now().toISOString(),
    user: user?.id ?? 'anonymous',
    role: user?.role ?? 'none',
    method: c.req.method,
    route: routePath(c, -1),
    scope: Object.fromEntries(Object.entries(c.var.scope).filter(([, v]) => v !== undefined)) as Record<string, string>,
    outcome: outcomeOf(c.res.status),
    status: c.res.status,
  };
  if (Object.keys(c.var.touched).length) entry.touched = c.var.touched;
  if (c.var.reason) entry.reason = c.var.reason;
  await sink.append(entry);
};
