import type { Context, MiddlewareHandler } from 'hono';
import { policy, type Action } from '../../../schemas/access.ts';
import type { Agreement } from '../../../schemas/agreement.ts';
import { authorise, type RequestScope } from '../authorise.ts';
import { Forbidden } from '../errors.ts';

/** Before the request is parsed: a role that may never take this action is refused at once. */
export const requireAction = (action: Action): MiddlewareHandler => async function requireAction(c, next) {
  const user = c.var.user;
  if (!user || !policy[user.role]?.[action]) throw new Forbidden(`role ${user?.role ?? 'none'} may not ${action}`);
  await next();
};

/** Records the scope the request asks for and lets the policy decide; throws Forbidden with the policy's reason. */
export function checkScope(c: Context, agreement: Agreement, action: Action, scope: RequestScope) {
  c.set('scope', { ...c.var.scope, ...scope });
  const decision = authorise(c.var.user!, { action, scope }, agreement);
  if (!decision.allowed) throw new Forbidden(decision.reason);
}
