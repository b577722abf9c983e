import type { RouteDeps } from '../api/routes/deps.ts';

/**
 * A portal sign-in, made or refused, is audited like an API request: the user's id (a local user's name, or the
 * Cognito `sub`) and role when signed in, 'anonymous' otherwise, never what was typed or what the provider sent.
 */
export function auditSignIn(deps: RouteDeps, sign: { route: string; method: string; status: number; user?: { id: string; role: string }; reason?: string }) {
  return deps.platform.audit.append({
    time: deps.platform.now().toISOString(), user: sign.user?.id ?? 'anonymous', role: sign.user?.role ?? 'none', method: sign.method, route: sign.route,
    scope: {}, outcome: sign.user ? 'allowed' : sign.status >= 500 ? 'error' : 'denied', status: sign.status, ...(sign.reason ? { reason: sign.reason } : {}),
  });
}
