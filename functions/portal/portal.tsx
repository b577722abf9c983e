import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { yearStarting } from '../../analytics/financial-year.ts';
import type { HostedUi } from '../api/auth/hosted-ui.ts';
import type { TokenVerifier } from '../api/auth/port.ts';
import { errorBody, noRoute } from '../api/errors.ts';
import { PORTAL_HEADER, SESSION_COOKIE } from '../api/middleware/authenticate.ts';
import type { ApiApp, RouteDeps } from '../api/routes/deps.ts';
import { hostedSignInPaths, registerHostedSignIn } from './hosted-sign-in.tsx';
import { Layout, pagesFor, portalStyle, Problem } from './layout.tsx';
import { registerAdminPages } from './pages/admin.tsx';
import { registerCohortPages } from './pages/cohort.tsx';
import { registerLinkageReviewPages } from './pages/linkage-review.tsx';
import { registerPanelPages } from './pages/panel.tsx';
import { registerProductPage } from './pages/product.tsx';
import { registerIndicatorPages } from './pages/indicators.tsx';
import { registerProductPages } from './pages/products.tsx';
import { registerUploadPages, uploadScript } from './pages/upload.tsx';
import { PORTAL_API, PORTAL_ASSETS, portalUser as user, type Portal } from './page-context.ts';
import { auditSignIn } from './sign-in-audit.ts';
import { dataTo } from '../products/about.ts';

export interface PortalOptions {
  verifier: TokenVerifier;
  /** Local mode: the users the sign-in page lists, and how a token is made for one. In AWS, Cognito signs in. */
  localSignIn?: { users: { id: string; name: string; role: string }[]; sign: (userId: string) => Promise<string> };
  /** In AWS: sign-in through the user pool's hosted UI (functions/portal/hosted-sign-in.tsx). */
  hostedSignIn?: HostedUi;
}


export const mountPortal = (options: PortalOptions) => (app: ApiApp, deps: RouteDeps) => {
  const signedIn: MiddlewareHandler = async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    try {
      if (!token) throw new Error('no session');
      c.set('user', await options.verifier.verify(token));
    } catch {
      if (token) deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/portal/sign-in', 303);
    }
    await next();
  };
  app.use('/portal/*', csrf());
  app.get('/', (c) => c.redirect('/portal', 302));
  if (options.hostedSignIn) registerHostedSignIn(app, deps, options.hostedSignIn, options.verifier);
  const open = options.hostedSignIn ? hostedSignInPaths : ['/portal/sign-in'];

  const service = deps.platform.deployment.names.portalTitle;
  app.get('/portal/sign-in', (c) => c.html(
    <Layout title="Sign in" service={service}>
      {options.localSignIn ? (
        <section>
          <p>Local mode: choose a user of the sample configuration. Each sees only what their role allows.</p>
          <form method="post" action="/portal/sign-in">
            <fieldset>
              <legend>Local users</legend>
              <ul>{options.localSignIn.users.map((u) => (
                <li><button type="submit" name="user" value={u.id}>{u.id}</button> <span class="muted">{u.name} · {u.role.replace('_', ' ')}</span></li>
              ))}</ul>
            </fieldset>
          </form>
        </section>
      ) : <Problem status={401} message="Sign in through the partnership's identity provider." />}
    </Layout>,
  ));

  app.post('/portal/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const id = typeof form.user === 'string' ? form.user : '';
    const known = options.localSignIn?.users.find((u) => u.id === id);
    // Sign-ins are audited like API requests; an unknown name is not recorded (it could be anything typed).
    await auditSignIn(deps, { route: '/portal/sign-in', method: 'POST', status: known ? 303 : 400, user: known, reason: known ? undefined : 'not a configured local user' });
    if (!known || !options.localSignIn) return c.html(<Layout title="Sign in" service={service}><Problem status={400} message="Choose one of the listed users." /></Layout>, 400);
    setCookie(c, SESSION_COOKIE, await options.localSignIn.sign(id), { httpOnly: true, secure: new URL(c.req.url).protocol === 'https:', sameSite: 'Strict', path: '/', maxAge: 8 * 3600 });
    return c.redirect('/portal', 303);
  });

  app.post('/portal/sign-out', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/portal/sign-in', 303);
  });

  const assets: Record<string, { type: string; body: string }> = {
    [`${PORTAL_ASSETS}/portal.css`]: { type: 'text/css; charset=utf-8', body: portalStyle },
    [`${PORTAL_ASSETS}/upload.js`]: { type: 'text/javascript; charset=utf-8', body: uploadScript() },
  };
  app.get(`${PORTAL_ASSETS}/:file`, (c) => {
    const asset = assets[c.req.path];
    if (!asset) return c.json(errorBody('not_found', 'no such file'), 404);
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=300' });
  });

  app.use('/portal/*', async (c, next) => (open.includes(c.req.path) || c.req.path in assets ? next() : signedIn(c, next)));

  // Downloads and the upload page's script reach the API through here, with the session as the bearer token: in AWS
  // the gateway lets only bearer tokens through to /v1. Writes need the portal's header, as with the cookie itself.
  app.all(`${PORTAL_API}/*`, async (c) => {
    const method = c.req.method;
    if (!['GET', 'HEAD'].includes(method) && c.req.header(PORTAL_HEADER) !== '1') {
      return c.json(errorBody('forbidden', `${method} through the portal needs the ${PORTAL_HEADER} header`), 403);
    }
    const url = new URL(c.req.url);
    const headers: Record<string, string> = { authorization: `Bearer ${getCookie(c, SESSION_COOKIE)}` };
    for (const name of ['content-type', PORTAL_HEADER]) { const v = c.req.header(name); if (v !== undefined) headers[name] = v; }
    const sent = ['GET', 'HEAD'].includes(method) ? null : await c.req.arrayBuffer();
    const body = sent && sent.byteLength > 0 ? sent : undefined; // no body asks for an upload URL
    return app.request(`${url.origin}/v1${url.pathname.slice(PORTAL_API.length)}${url.search}`, { method, headers, body });
  });

  const portal: Portal = {
    app, deps,
    async api(c, method, path, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${getCookie(c, SESSION_COOKIE)}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const data = (response.headers.get('content-type') ?? '').includes('json') ? await response.json() : await response.text();
      return { status: response.status, data, response };
    },
    page: (c, title, body, status = 200) => c.html(<Layout title={title} service={service} user={user(c)} path={c.req.path} registry={deps.products.registry}>{body}</Layout>, status as 200),
    // A session that has run out sends the user back to sign in; other refusals are shown with their reason.
    problem: (c, title, result) => (result.status === 401 ? c.redirect('/portal/sign-in', 303)
      : portal.page(c, title, <Problem status={result.status} message={result.data?.message ?? 'the request failed'} />, result.status)),
    async defaults() {
      const latest = (await dataTo(deps.platform)) ?? deps.platform.now().toISOString().slice(0, 10);
      const [y, m] = latest.split('-').map(Number);
      // The last financial year that ends on or before the latest date covered.
      const endsBy = latest.endsWith('-03-31') ? y - 1 : m >= 4 ? y - 1 : y - 2;
      return { asOf: latest, period: yearStarting(endsBy).label };
    },
  };

  app.get('/portal', (c) => portal.page(c, 'Welcome', (
    <section>
      <p>You are signed in as <strong>{user(c).id}</strong>, a {user(c).role.replace('_', ' ')}
        {user(c).organisation && <> of {deps.platform.agreement.partners.find((p) => p.id === user(c).organisation)?.name}</>}
        {user(c).locality && <> for {user(c).locality}</>}{user(c).panel && <> on the {user(c).panel} panel</>}.</p>
      <p>{deps.platform.agreement.roles[user(c).role]}.</p>
      <ul>{pagesFor(user(c), deps.products.registry).map((p) => <li><a href={p.href}>{p.label}</a></li>)}</ul>
    </section>
  )));

  registerUploadPages(portal);
  registerProductPages(portal);
  registerIndicatorPages(portal);
  registerCohortPages(portal);
  registerPanelPages(portal);
  registerLinkageReviewPages(portal);
  registerAdminPages(portal);
  for (const product of deps.products.registry) registerProductPage(portal, product);

  // An unknown portal address is a page of the portal that says so (signed in: the check above has run); the
  // API's addresses stay JSON.
  app.notFound((c) => (c.req.path === '/portal' || c.req.path.startsWith('/portal/')) && c.get('user')
    ? portal.page(c, 'Page not found', (
      <section role="alert">
        <p class="error"><strong>There is no page at this address.</strong> Check the address, or choose a page from the menu.</p>
        <p><a href="/portal">Back to the start page</a></p>
      </section>
    ), 404)
    : noRoute(c));
};
