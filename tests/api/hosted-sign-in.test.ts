import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authConfigFromEnv, hostedUi } from '../../functions/api/auth/config.ts';
import { HostedUi } from '../../functions/api/auth/hosted-ui.ts';
import { CLIENT_ID } from './fake-cognito.ts';
import { startHostedPortal } from './hosted-portal.ts';

let s: Awaited<ReturnType<typeof startHostedPortal>>;
beforeAll(async () => { s = await startHostedPortal(); });
afterAll(() => s?.stop());

const SUB = '3f0c2a7e-5d1b-4c8e-9a61-2b7d4e0f9c13';
const charnwoodOfficer = {
  sub: SUB, 'cognito:groups': ['csp_officer'], 'custom:locality': 'charnwood',
  // Cognito may put these in an ID token; the service must never keep them.
  email: 'pat.officer@charnwood.example.gov.uk', name: 'Pat Officer', 'cognito:username': SUB,
};
beforeEach(() => {
  s.cognito.state.signedIn = charnwoodOfficer;
  s.cognito.state.wrongNonce = false;
});

/** One browser's cookies, kept by name as a browser keeps them for this one site. */
class Browser {
  cookies = new Map<string, { value: string; attributes: string }>();
  async get(url: string, init: RequestInit = {}) {
    const target = new URL(url, s.url);
    const sameSite = target.origin === s.url;
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v.value}`).join('; ');
    const response = await fetch(target, { ...init, redirect: 'manual', headers: { ...(sameSite && cookie ? { cookie } : {}), ...init.headers } });
    if (sameSite) {
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split('; ');
        const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
        if (value === '' || /Max-Age=0/.test(line)) this.cookies.delete(name);
        else this.cookies.set(name, { value, attributes: attributes.join('; ') });
      }
    }
    return response;
  }
  /** GET /portal/sign-in and the hosted UI: where the identity provider sends the browser back to. */
  async toHostedUi() {
    const signIn = await this.get('/portal/sign-in');
    expect(signIn.status).toBe(302);
    const authorize = new URL(signIn.headers.get('location')!);
    const back = await this.get(String(authorize));
    expect(back.status).toBe(302);
    return { authorize, callback: new URL(back.headers.get('location')!) };
  }
}

const audit = async () => (await s.platform.audit.read()).filter((e) => e.route === '/portal/callback');

describe('the portal signs in through the user pool\'s hosted UI', () => {
  it('sends the browser to /oauth2/authorize with a PKCE S256 challenge, a state and a nonce, keeping the verifier at home', async () => {
    const browser = new Browser();
    const unsigned = await browser.get('/portal');
    expect([unsigned.status, unsigned.headers.get('location')]).toEqual([303, '/portal/sign-in']);
    const response = await browser.get('/portal/sign-in');
    expect(response.status).toBe(302);
    const authorize = new URL(response.headers.get('location')!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${s.cognito.url}/oauth2/authorize`);
    const q = Object.fromEntries(authorize.searchParams);
    expect(q).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: `${s.url}/portal/callback`, scope: 'openid', code_challenge_method: 'S256' });
    const kept = browser.cookies.get('vrn_sign_in')!;
    expect(kept.attributes).toMatch(/Max-Age=600.*Path=\/portal\/callback.*HttpOnly.*SameSite=Lax/);
    const [state, verifier, nonce] = kept.value.split('.');
    expect([q.state, q.nonce]).toEqual([state, nonce]);
    expect(q.code_challenge).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(String(authorize)).not.toContain(verifier);
    // Each sign-in has its own values.
    const again = new URL((await new Browser().get('/portal/sign-in')).headers.get('location')!);
    expect(again.searchParams.get('state')).not.toBe(q.state);
    expect(again.searchParams.get('code_challenge')).not.toBe(q.code_challenge);
  });

  it('a good callback starts a session whose pages show the role\'s menu; the user is the sub, nothing identifying is kept', async () => {
    const browser = new Browser();
    const { callback } = await browser.toHostedUi();
    expect(`${callback.origin}${callback.pathname}`).toBe(`${s.url}/portal/callback`);
    const signedIn = await browser.get(String(callback));
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('refresh')).toBe('0; url=/portal');
    expect(browser.cookies.has('vrn_sign_in')).toBe(false);
    const session = browser.cookies.get('vrn_session')!;
    expect(session.attributes).toMatch(/Max-Age=3[56]\d\d.*Path=\/.*HttpOnly.*SameSite=Strict/);

    const home = await browser.get('/portal');
    expect(home.status).toBe(200);
    const html = await home.text();
    const menu = [...html.matchAll(/<nav aria-label="Pages"><ul>(.*?)<\/ul>/g)][0]![1]!.match(/>[^<]+<\/a>/g);
    expect(menu).toEqual(['>Success measures</a>', '>Locality profile</a>', '>Performance indicators</a>']);
    expect(html).toContain(`Signed in as <strong>${SUB}</strong> (csp officer)`);
    expect(html).not.toContain('Pat Officer');
    // The pages call the API in-process with the session's ID token: the same policy applies.
    const profile = await browser.get('/portal/profile?locality=charnwood&period=2024-25');
    expect(profile.status).toBe(200);
    expect(await profile.text()).toContain('charnwood');
    // The session cookie reads the API too, within the officer's own locality only.
    expect((await browser.get('/v1/localities/charnwood/profile?period=2024-25')).status).toBe(200);
    expect((await browser.get('/v1/localities/melton/profile?period=2024-25')).status).toBe(403);
    expect((await browser.get('/portal/cohort')).status).toBe(403);

    expect((await audit()).at(-1)).toMatchObject({ user: SUB, role: 'csp_officer', method: 'GET', outcome: 'allowed', status: 200 });
    const trail = readFileSync(join(s.dir, 'audit', 'trail.jsonl'), 'utf8');
    for (const identifying of ['pat.officer', 'Pat Officer', 'charnwood.example']) expect(trail).not.toContain(identifying);
  });

  it('refuses a callback whose state is not this browser\'s, before any code is exchanged, and audits it', async () => {
    const browser = new Browser();
    const { callback } = await browser.toHostedUi();
    const exchanges = s.cognito.calls.filter((c) => c.path === '/oauth2/token').length;
    const state = callback.searchParams.get('state')!;
    callback.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`); // one character changed
    const forged = await browser.get(String(callback));
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('the sign-in state does not match');
    expect(browser.cookies.has('vrn_session')).toBe(false);
    // Another browser (no sign-in of its own) cannot use the callback either.
    expect((await new Browser().get(String(callback))).status).toBe(400);
    expect(s.cognito.calls.filter((c) => c.path === '/oauth2/token').length).toBe(exchanges);
    expect((await audit()).slice(-2)).toEqual([
      expect.objectContaining({ user: 'anonymous', role: 'none', outcome: 'denied', status: 400, reason: 'the sign-in state does not match this browser\'s sign-in' }),
      expect.objectContaining({ outcome: 'denied', status: 400 }),
    ]);
  });

  it('refuses a replayed code, and a code redeemed with another sign-in\'s verifier', async () => {
    const browser = new Browser();
    const first = await browser.toHostedUi();
    expect((await browser.get(String(first.callback))).status).toBe(200);
    // Replay: a new sign-in in the same browser (its own state and verifier) comes back with the spent code.
    const second = await browser.toHostedUi();
    const replay = new URL(second.callback);
    replay.searchParams.set('code', first.callback.searchParams.get('code')!);
    const replayed = await browser.get(String(replay));
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain('the identity provider refused the code (invalid_grant)');
    // An injected code: issued for one sign-in, brought back to a browser whose verifier does not match its challenge.
    const victim = new Browser();
    const own = await victim.toHostedUi();
    const injected = new URL(own.callback);
    injected.searchParams.set('code', second.callback.searchParams.get('code')!);
    expect((await victim.get(String(injected))).status).toBe(401);
    expect(victim.cookies.has('vrn_session')).toBe(false);
    expect(s.cognito.calls.filter((c) => c.error === 'invalid_grant')).toHaveLength(2);
    expect((await audit()).slice(-2)).toEqual([
      expect.objectContaining({ user: 'anonymous', outcome: 'denied', status: 401, reason: 'the identity provider refused the code (invalid_grant)' }),
      expect.objectContaining({ user: 'anonymous', outcome: 'denied', status: 401, reason: 'the identity provider refused the code (invalid_grant)' }),
    ]);
  });

  it('refuses an ID token minted for another sign-in (nonce), a user in no role group, and an error from the provider', async () => {
    s.cognito.state.wrongNonce = true;
    const browser = new Browser();
    const wrongNonce = await browser.get(String((await browser.toHostedUi()).callback));
    expect(wrongNonce.status).toBe(401);
    s.cognito.state.wrongNonce = false;
    s.cognito.state.signedIn = { sub: SUB, 'cognito:groups': ['staff'] };
    const noRole = await browser.get(String((await browser.toHostedUi()).callback));
    expect(noRole.status).toBe(401);
    expect(browser.cookies.has('vrn_session')).toBe(false);
    await browser.get('/portal/sign-in');
    const state = browser.cookies.get('vrn_sign_in')!.value.split('.')[0];
    const refused = await browser.get(`/portal/callback?error=access_denied&error_description=${encodeURIComponent('Pat Officer said no')}&state=${state}`);
    expect(refused.status).toBe(400);
    await browser.get('/portal/sign-in');
    expect((await browser.get('/portal/callback?error=%3Cscript%3E')).status).toBe(400);
    expect((await audit()).slice(-4).map((e) => [e.status, e.reason])).toEqual([
      [401, 'the ID token was not issued for this sign-in (nonce)'],
      [401, 'the user is in no role group'],
      [400, 'the identity provider answered access_denied'],
      [400, 'the identity provider answered unrecognised_error'],
    ]);
  });

  it('signs out: the session is cleared and the browser goes to the hosted UI\'s /logout, then to the signed-out page', async () => {
    const browser = new Browser();
    await browser.get(String((await browser.toHostedUi()).callback));
    expect(browser.cookies.has('vrn_session')).toBe(true);
    const out = await browser.get('/portal/sign-out', { method: 'POST', headers: { origin: s.url } });
    expect(out.status).toBe(303);
    expect(browser.cookies.has('vrn_session')).toBe(false);
    const logout = new URL(out.headers.get('location')!);
    expect(`${logout.origin}${logout.pathname}`).toBe(`${s.cognito.url}/logout`);
    expect(Object.fromEntries(logout.searchParams)).toEqual({ client_id: CLIENT_ID, logout_uri: `${s.url}/portal/signed-out` });
    const back = await browser.get(String(logout));
    expect(back.headers.get('location')).toBe(`${s.url}/portal/signed-out`);
    const page = await browser.get(back.headers.get('location')!);
    expect([page.status, await page.text()]).toEqual([200, expect.stringContaining('You have signed out')]);
    expect((await browser.get('/portal')).headers.get('location')).toBe('/portal/sign-in');
  });
});

describe('the hosted-UI sign-in is chosen by configuration', () => {
  const cognito = { VRN_AUTH: 'cognito', VRN_COGNITO_REGION: 'eu-west-2', VRN_COGNITO_USER_POOL_ID: 'eu-west-2_abc', VRN_COGNITO_CLIENT_ID: 'client' };

  it('is there when the user pool domain and the portal URL are set, and names what is missing', () => {
    const signIn = hostedUi(authConfigFromEnv({ ...cognito, VRN_COGNITO_DOMAIN: 'https://vrn-dev.auth.eu-west-2.amazoncognito.com', VRN_PORTAL_URL: 'https://abc.execute-api.eu-west-2.amazonaws.com/' }));
    expect(signIn).toBeInstanceOf(HostedUi);
    expect([signIn!.callbackUrl, signIn!.signedOutUrl, signIn!.secure]).toEqual([
      'https://abc.execute-api.eu-west-2.amazonaws.com/portal/callback', 'https://abc.execute-api.eu-west-2.amazonaws.com/portal/signed-out', true]);
    expect(hostedUi(authConfigFromEnv(cognito))).toBeUndefined();
    expect(hostedUi(authConfigFromEnv({ VRN_DATA_DIR: '/tmp/x' }))).toBeUndefined();
    expect(() => authConfigFromEnv({ ...cognito, VRN_COGNITO_DOMAIN: 'https://vrn-dev.auth.eu-west-2.amazoncognito.com' }))
      .toThrow('auth configuration: portalUrl: VRN_COGNITO_DOMAIN and VRN_PORTAL_URL go together');
    expect(() => authConfigFromEnv({ ...cognito, VRN_COGNITO_DOMAIN: 'vrn-dev', VRN_PORTAL_URL: 'https://x.example' })).toThrow(/domain: /);
  });
});
