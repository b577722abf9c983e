import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { Unauthorised, type TokenVerifier } from '../auth/port.ts';

export const SESSION_COOKIE = 'vrn_session';
/** Sent by the portal's scripts: a cross-site page cannot add it without a CORS preflight, which is never granted. */
export const PORTAL_HEADER = 'x-vrn-portal';

/**
 * The bearer token, or the portal's session cookie (HttpOnly, SameSite=Strict) on reads and on the portal's own
 * script requests, becomes c.var.user; anything else is 401.
 */
export const authenticate = (verifier: TokenVerifier): MiddlewareHandler => async function authenticate(c, next) {
  const header = c.req.header('authorization');
  let token: string | undefined;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new Unauthorised('the Authorization header must be "Bearer <token>"');
    token = match[1];
  } else if (['GET', 'HEAD'].includes(c.req.method) || c.req.header(PORTAL_HEADER) === '1') {
    token = getCookie(c, SESSION_COOKIE);
  }
  if (!token) throw new Unauthorised('a bearer token is required');
  c.set('user', await verifier.verify(token));
  await next();
};
