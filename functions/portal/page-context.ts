import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { User } from '../../schemas/access.ts';
import type { ApiApp, RouteDeps } from '../api/routes/deps.ts';

/** What the portal's page modules share with the portal that mounts them (functions/portal/portal.tsx). */

/** Where the portal's own browser requests reach the API: `/portal/api/…` is `/v1/…` with the session as the token. */
export const PORTAL_API = '/portal/api';
/** The portal's stylesheet and script, open to anyone (the sign-in page needs the style). */
export const PORTAL_ASSETS = '/portal/assets';

/** What each page module is given. */
export interface Portal {
  app: ApiApp;
  deps: RouteDeps;
  /** Calls the API in-process as the signed-in user: the same policy and the same audit trail as any client. */
  api: (c: Context, method: string, path: string, body?: unknown) => Promise<{ status: number; data: any; response: Response }>;
  page: (c: Context, title: string, body: Child, status?: number) => Response | Promise<Response>;
  problem: (c: Context, title: string, result: { status: number; data: any }) => Response | Promise<Response>;
  /** Defaults from the data: the latest date any extract covers, and the last whole financial year before it. */
  defaults: () => Promise<{ asOf: string; period: string }>;
}

/** The signed-in user of a portal request (set by the portal's session check). */
export const portalUser = (c: Context) => c.get('user') as User;
