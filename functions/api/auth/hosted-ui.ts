import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface HostedUiConfig {
  /** The user pool domain's base URL, e.g. https://vrn-dev-llr.auth.eu-west-2.amazoncognito.com. */
  domain: string;
  /** The portal's app client: public (no secret), authorization code grant only. */
  clientId: string;
  /** Where users reach the portal (the HTTP API's URL, or a custom domain): the callback and sign-out pages are under it. */
  portalUrl: string;
}

/** What the browser keeps between leaving for the hosted UI and coming back: never sent to the identity provider as is. */
export interface SignInAttempt {
  state: string;
  /** The PKCE code verifier: only its S256 challenge goes out with the authorize request. */
  verifier: string;
  /** Echoed in the ID token, so a token minted for another sign-in is refused. */
  nonce: string;
}

/** The token endpoint said no (a used, expired or foreign code): `error` is its OAuth error code. */
export class CodeRefused extends Error {
  constructor(readonly error: string) {
    super(`the identity provider refused the code (${error})`);
    this.name = 'CodeRefused';
  }
}

const random = () => randomBytes(32).toString('base64url');
const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
// An error code from the identity provider may be copied into the audit trail: only the OAuth shape passes.
export const oauthError = (value: unknown) => (typeof value === 'string' && /^[a-z_]{1,40}$/.test(value) ? value : 'unrecognised_error');

/**
 * The OAuth 2.0 authorization code flow with PKCE (S256) against a Cognito user pool's hosted UI, for a public
 * client: the authorize URL, the code exchange at /oauth2/token, and the /logout URL.
 */
export class HostedUi {
  readonly callbackUrl: string;
  readonly signedOutUrl: string;
  readonly secure: boolean;
  private readonly domain: string;

  constructor(private readonly config: HostedUiConfig, private readonly fetchFn: typeof fetch = fetch) {
    this.domain = config.domain.replace(/\/+$/, '');
    const portal = config.portalUrl.replace(/\/+$/, '');
    this.callbackUrl = `${portal}/portal/callback`;
    this.signedOutUrl = `${portal}/portal/signed-out`;
    this.secure = portal.startsWith('https:');
  }

  begin(): { attempt: SignInAttempt; url: string } {
    const attempt = { state: random(), verifier: random(), nonce: random() };
    const query = new URLSearchParams({
      response_type: 'code', client_id: this.config.clientId, redirect_uri: this.callbackUrl, scope: 'openid',
      state: attempt.state, nonce: attempt.nonce, code_challenge: challengeOf(attempt.verifier), code_challenge_method: 'S256',
    });
    return { attempt, url: `${this.domain}/oauth2/authorize?${query}` };
  }

  /** The code for the user pool's ID token; throws CodeRefused when the token endpoint refuses it. */
  async exchange(code: string, verifier: string): Promise<string> {
    const response = await this.fetchFn(`${this.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: this.config.clientId, code, redirect_uri: this.callbackUrl, code_verifier: verifier }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.json().catch(() => ({})) as { id_token?: unknown; error?: unknown };
    if (!response.ok) throw new CodeRefused(oauthError(body.error));
    if (typeof body.id_token !== 'string') throw new CodeRefused('no_id_token');
    return body.id_token;
  }

  logoutUrl(): string {
    return `${this.domain}/logout?${new URLSearchParams({ client_id: this.config.clientId, logout_uri: this.signedOutUrl })}`;
  }
}

/** The attempt as one cookie value, and back; anything malformed is no attempt at all. */
export const attemptCookie = {
  write: (a: SignInAttempt) => `${a.state}.${a.verifier}.${a.nonce}`,
  read(value: string | undefined): SignInAttempt | undefined {
    const parts = value?.split('.') ?? [];
    if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]{43}$/.test(p))) return undefined;
    return { state: parts[0], verifier: parts[1], nonce: parts[2] };
  },
};

/** Compares values an attacker may be guessing without leaking, through timing, how much of the guess was right. */
export function sameValue(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
