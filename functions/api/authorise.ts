import { policy as defaultPolicy, type Action, type Policy, type User } from '../../schemas/access.ts';
import type { Agreement } from '../../schemas/agreement.ts';

/** What a request asks to touch, as ids from schemas/: the scope the policy checks and the audit trail records. */
export interface RequestScope {
  partner?: string;
  dataset?: string;
  locality?: string;
  panel?: string;
  programme?: string;
  audience?: 'csp' | 'analyst';
}

export interface AccessRequest {
  action: Action;
  scope: RequestScope;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

/** The one decision on every request: the role's rule for the action, checked against the request's scope. */
export function authorise(user: User, request: AccessRequest, agreement: Agreement, policy: Policy = defaultPolicy): Decision {
  const rule = policy[user.role]?.[request.action];
  if (!rule) return { allowed: false, reason: `role ${user.role} may not ${request.action}` };
  const { scope } = request;
  for (const [field, attribute] of Object.entries(rule.own) as [keyof RequestScope, 'organisation' | 'locality' | 'panel' | 'programme'][]) {
    const own = user[attribute];
    if (!own || scope[field] !== own) return { allowed: false, reason: `${field} ${scope[field] ?? '(none)'} is outside this user's ${attribute}` };
  }
  if (rule.datasetOfOrganisation) {
    const partner = agreement.partners.find((p) => p.id === user.organisation);
    if (!scope.dataset || !partner?.datasets.includes(scope.dataset)) {
      return { allowed: false, reason: `${user.organisation ?? 'this user'} does not share ${scope.dataset ?? 'that dataset'} under the agreement` };
    }
  }
  if (rule.audiences && !rule.audiences.includes(scope.audience ?? 'csp')) {
    return { allowed: false, reason: `a ${user.role} sees only ${rule.audiences.join(' or ')} figures` };
  }
  return { allowed: true };
}
