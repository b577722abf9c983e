import type { Context, MiddlewareHandler } from 'hono';
import { policy, type Action } from '../../../schemas/access.ts';
import type { Agreement } from '../../../schemas/agreement.ts';
import { authorise, type RequestScope } from '../authorise.ts';
import { Forbidden } from '../errors.ts';

const ID = /^[a-z0-9-]{1,64}$/;

/**
 * Before the request is parsed: a role that may never take this action is refused at once. The locality or panel
 * in the path is recorded for the audit trail when it has the shape of an id (anything else typed there is not).
 */
export const requireAction = (action: Action): MiddlewareHandler => async function requireAction(c, next) {
  const user = c.var.user;
  const { slug, panel } = c.req.param() as Record<string, string | undefined>;
  c.set('scope', { ...(slug && ID.test(slug) ? { locality: slug } : {}), ...(panel && ID.test(panel) ? { panel } : {}) });
  if (!user || !policy[user.role]?.[action]) throw new Forbidden(`role ${user?.role ?? 'none'} may not ${action}`);
  await next();
};

/** Records the scope the request asks for and lets the policy decide; throws Forbidden with the policy's reason. */
export function checkScope(c: Context, agreement: Agreement, action: Action, scope: RequestScope) {
  c.set('scope', { ...c.var.scope, ...scope });
  const decision = authorise(c.var.user!, { action, scope }, agreement);
  if (!decision.allowed) throw new Forbidden(decision.reason);
}
