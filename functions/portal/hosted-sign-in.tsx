import { decodeJwt } from 'jose';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { attemptCookie, CodeRefused, oauthError, sameValue, type HostedUi } from '../api/auth/hosted-ui.ts';
import { Unauthorised, type TokenVerifier } from '../api/auth/port.ts';
import { SESSION_COOKIE } from '../api/middleware/authenticate.ts';
import type { ApiApp, RouteDeps } from '../api/routes/deps.ts';
import { auditSignIn } from './sign-in-audit.ts';
import { Layout, Problem } from './layout.tsx';

const ATTEMPT_COOKIE = 'vrn_sign_in';
const CALLBACK = '/portal/callback';
/** Pages reached without a session: the way out to the hosted UI, the way back, and the page after signing out. */
export const hostedSignInPaths = ['/portal/sign-in', CALLBACK, '/portal/signed-out'];

/**
 * The portal's sign-in through the user pool's hosted UI: /portal/sign-in sends the browser there with a PKCE
 * challenge, a state and a nonce (kept meanwhile in a short-lived cookie for the callback only); /portal/callback
 * checks the state, exchanges the code, verifies the ID token as the API does (and its nonce) and starts the same
 * session cookie as a local sign-in. Each callback, signed in or refused, is audited with the user's `sub` only.
 */
export function registerHostedSignIn(app: ApiApp, deps: RouteDeps, hostedUi: HostedUi, verifier: TokenVerifier) {
  const service = deps.platform.deployment.names.portalTitle;
  app.get('/portal/sign-in', (c) => {
    const { attempt, url } = hostedUi.begin();
    // Lax, not Strict: the browser comes back to the callback by a navigation that starts at the identity provider.
    setCookie(c, ATTEMPT_COOKIE, attemptCookie.write(attempt), { httpOnly: true, secure: hostedUi.secure, sameSite: 'Lax', path: CALLBACK, maxAge: 600 });
    return c.redirect(url, 302);
  });

  app.get(CALLBACK, async (c) => {
    const attempt = attemptCookie.read(getCookie(c, ATTEMPT_COOKIE));
    deleteCookie(c, ATTEMPT_COOKIE, { path: CALLBACK, secure: hostedUi.secure });
    const { state, code, error } = c.req.query();
    const refuse = async (status: 400 | 401 | 502, reason: string) => {
      await auditSignIn(deps, { route: CALLBACK, method: 'GET', status, reason });
      return c.html(
        <Layout title="Sign in" service={service}>
          <Problem status={status} message={`${reason}.`} />
          <p><a href="/portal/sign-in">Sign in again</a></p>
        </Layout>, status);
    };
    if (error) return refuse(400, `the identity provider answered ${oauthError(error)}`);
    if (!attempt || !sameValue(state, attempt.state)) return refuse(400, 'the sign-in state does not match this browser\'s sign-in');
    if (!code) return refuse(400, 'the identity provider sent no authorisation code');

    let idToken: string;
    try {
      idToken = await hostedUi.exchange(code, attempt.verifier);
    } catch (failure) {
      if (failure instanceof CodeRefused) return refuse(401, failure.message);
      return refuse(502, 'the identity provider could not be reached');
    }
    let expires: number;
    try {
      const user = await verifier.verify(idToken);
      const claims = decodeJwt(idToken);
      if (claims.token_use !== 'id' || !sameValue(String(claims.nonce ?? ''), attempt.nonce)) throw new Unauthorised('the ID token was not issued for this sign-in (nonce)');
      expires = claims.exp!;
      await auditSignIn(deps, { route: CALLBACK, method: 'GET', status: 200, user });
    } catch (failure) {
      if (failure instanceof Unauthorised) return refuse(401, failure.message);
      throw failure;
    }
    const maxAge = Math.max(0, expires - Math.floor(deps.platform.now().getTime() / 1000));
    setCookie(c, SESSION_COOKIE, idToken, { httpOnly: true, secure: hostedUi.secure, sameSite: 'Strict', path: '/', maxAge });
    // Not a redirect: a redirect would continue the navigation that began at the identity provider, and a browser
    // withholds a SameSite=Strict cookie from it. A refresh from this page is the portal's own navigation.
    c.header('Refresh', '0; url=/portal');
    return c.html(<Layout title="Signed in" service={service}><p><a href="/portal">Continue to the portal</a></p></Layout>);
  });

  app.post('/portal/sign-out', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: hostedUi.secure });
    return c.redirect(hostedUi.logoutUrl(), 303);
  });

  app.get('/portal/signed-out', (c) => c.html(
    <Layout title="Signed out" service={service}>
      <section><p>You have signed out of the {service}.</p><p><a class="button" href="/portal/sign-in">Sign in again</a></p></section>
    </Layout>,
  ));
}
