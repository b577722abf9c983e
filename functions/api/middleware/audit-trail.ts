import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AuditEntry, AuditSink } from '../../platform/audit/port.ts';
import { errorBody } from '../errors.ts';

const outcomeOf = (status: number): AuditEntry['outcome'] =>
  status === 401 || status === 403 ? 'denied' : status >= 500 ? 'error' : 'allowed';

/**
 * Appends one entry per request, after the answer is decided and before it is sent: who, which route (the pattern,
 * not the path, so no value from the URL is copied), the scope asked for, what was touched, and the outcome. Values
 * are ids from schemas/ and pseudonymous keys only; the handlers never put an identity value in scope or touched.
 * The trail records the status the client gets: if the entry cannot be written, the answer is withheld and replaced
 * by a 503, and one more append records that 503 (if that fails too, a line with no content is logged).
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
  try {
    await sink.append(entry);
  } catch {
    await c.res.body?.cancel().catch(() => {});
    c.res = undefined; // so that no header of the withheld answer (a cookie, a download's name) survives
    c.res = Response.json(errorBody('audit_unavailable', 'the request could not be recorded in the audit trail, so it was not answered; try again later'), { status: 503 });
    const withheld = `the audit trail could not record the answer (status ${entry.status}), so it was withheld`;
    await sink.append({ ...entry, outcome: 'error', status: 503, reason: withheld }).catch(() => console.error('audit trail: an entry could not be written'));
  }
};
