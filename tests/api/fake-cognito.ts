import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export const REGION = 'eu-west-2';
export const USER_POOL_ID = 'eu-west-2_FAKEPOOL';
export const CLIENT_ID = 'portal-client';
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;

interface Grant { challenge: string; nonce: string; redirectUri: string; claims: Record<string, unknown>; used: boolean }

const body = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let text = '';
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => resolve(text));
});

/**
 * A user pool's hosted UI and token endpoint over real local HTTP, as strict as Cognito about what matters here:
 * only the registered client and callback and sign-out URLs, S256 challenges only, a code redeemed once and only
 * with the verifier whose challenge it was issued for; ID tokens signed with a key served at the pool's JWKS URL.
 * `signedIn` is the user the hosted UI signs in next (its claims, as Cognito would put them in the ID token).
 */
export async function startFakeCognito(registered: () => { callbackUrls: string[]; logoutUrls: string[] }) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'fake-key', alg: 'RS256', use: 'sig' };
  const grants = new Map<string, Grant>();
  const calls: { path: string; error?: string }[] = [];
  const state = {
    signedIn: {} as Record<string, unknown>,
    /** Misbehaviour on demand: the next ID token carries another nonce (a token minted for another sign-in). */
    wrongNonce: false,
    /** Show a sign-in form first, as the hosted UI does: the way back then starts on the identity provider's page. */
    loginForm: false,
  };

  const idToken = (grant: Grant, key: CryptoKey) => new SignJWT({ token_use: 'id', nonce: state.wrongNonce ? 'another-sign-in' : grant.nonce, ...grant.claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'fake-key' }).setIssuer(ISSUER).setAudience(CLIENT_ID)
    .setSubject(String(grant.claims.sub)).setIssuedAt().setExpirationTime('1h').sign(key);

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://fake');
    const answer = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    };
    const refuse = (path: string, error: string) => {
      calls.push({ path, error });
      answer(400, { error });
    };
    if (req.method === 'GET' && url.pathname === `/${USER_POOL_ID}/.well-known/jwks.json`) return answer(200, { keys: [jwk] });
    if (url.pathname === '/oauth2/authorize' && (req.method === 'GET' || state.loginForm)) {
      const q = url.searchParams;
      if (q.get('client_id') !== CLIENT_ID) return refuse(url.pathname, 'invalid_client');
      if (!registered().callbackUrls.includes(q.get('redirect_uri') ?? '')) return refuse(url.pathname, 'redirect_mismatch');
      if (q.get('response_type') !== 'code' || q.get('scope') !== 'openid') return refuse(url.pathname, 'invalid_request');
      if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '')) return refuse(url.pathname, 'invalid_request');
      if (state.loginForm && req.method === 'GET') {
        return res.writeHead(200, { 'content-type': 'text/html' })
          .end(`<!doctype html><title>Sign in</title><form method="post" action="/oauth2/authorize?${q}"><button>Sign in</button></form>`);
      }
      const code = randomBytes(16).toString('hex');
      grants.set(code, { challenge: q.get('code_challenge')!, nonce: q.get('nonce') ?? '', redirectUri: q.get('redirect_uri')!, claims: state.signedIn, used: false });
      calls.push({ path: url.pathname });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return res.writeHead(302, { location: String(back) }).end();
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      const form = new URLSearchParams(await body(req));
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return refuse(url.pathname, 'invalid_request');
      if (form.get('grant_type') !== 'authorization_code') return refuse(url.pathname, 'unsupported_grant_type');
      if (form.get('client_id') !== CLIENT_ID) return refuse(url.pathname, 'invalid_client');
      const grant = grants.get(form.get('code') ?? '');
      if (!grant || grant.used || grant.redirectUri !== form.get('redirect_uri')) return refuse(url.pathname, 'invalid_grant');
      // Cognito, like RFC 6749, spends the code on any attempt to redeem it.
      grant.used = true;
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (challenge !== grant.challenge) return refuse(url.pathname, 'invalid_grant');
      calls.push({ path: url.pathname });
      return answer(200, { id_token: await idToken(grant, privateKey), access_token: 'not-used-by-the-portal', token_type: 'Bearer', expires_in: 3600 });
    }
    if (req.method === 'GET' && url.pathname === '/logout') {
      if (url.searchParams.get('client_id') !== CLIENT_ID || !registered().logoutUrls.includes(url.searchParams.get('logout_uri') ?? '')) return refuse(url.pathname, 'invalid_request');
      calls.push({ path: url.pathname });
      return res.writeHead(302, { location: url.searchParams.get('logout_uri')! }).end();
    }
    answer(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    jwksUrl: `${url}/${USER_POOL_ID}/.well-known/jwks.json`,
    state,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
