import { createServer, type Server } from 'node:http';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoTokens } from '../../functions/api/auth/cognito.ts';
import { LocalTokens } from '../../functions/api/auth/local.ts';
import { Unauthorised } from '../../functions/api/auth/port.ts';
import { tamper, tempDataDir } from '../helpers.ts';

describe('local tokens', () => {
  const { dir, cleanup } = tempDataDir();
  afterAll(cleanup);
  const keyFile = join(dir, 'keys', 'token-signing-key');
  const tokens = new LocalTokens(keyFile);

  it('signs a token for a configured user and verifies it to that user with their configured scope', async () => {
    const token = await tokens.sign('city-panel');
    expect(await tokens.verify(token)).toEqual({ id: 'city-panel', role: 'panel_coordinator', panel: 'city', organisation: 'leicester-city-council' });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('refuses an unknown user when signing', async () => {
    await expect(tokens.sign('someone')).rejects.toThrow(/no local user "someone"/);
  });

  it('rejects expired, tampered, foreign-key and garbage tokens as Unauthorised with a reason', async () => {
    const past = new LocalTokens(keyFile, undefined, () => new Date(Date.now() - 9 * 3600_000));
    await expect(tokens.verify(await past.sign('admin'))).rejects.toThrow(new Unauthorised('the token has expired'));
    await expect(tokens.verify(tamper(await tokens.sign('vrn-analyst'), { sub: 'admin' }))).rejects.toThrow(new Unauthorised('the token signature is not valid'));
    const other = tempDataDir();
    try {
      const foreign = await new LocalTokens(join(other.dir, 'k')).sign('admin');
      await expect(tokens.verify(foreign)).rejects.toThrow(new Unauthorised('the token signature is not valid'));
    } finally {
      other.cleanup();
    }
    await expect(tokens.verify('not.a.token')).rejects.toBeInstanceOf(Unauthorised);
  });

  it('refuses a token without an expiry or an issue time, or living longer than 12 hours, and will not sign one', async () => {
    const key = await tokens.key();
    const signed = (build: (jwt: SignJWT) => SignJWT) => build(new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin').setIssuer('vrn-local').setAudience('vrn-api')).sign(key);
    const now = Math.floor(Date.now() / 1000);
    await expect(tokens.verify(await signed((j) => j.setIssuedAt(now)))).rejects.toThrow(new Unauthorised('the token has no expiry (exp)'));
    await expect(tokens.verify(await signed((j) => j.setExpirationTime(now + 600)))).rejects.toThrow(new Unauthorised('the token has no issue time (iat)'));
    await expect(tokens.verify(await signed((j) => j.setIssuedAt(now).setExpirationTime(now + 12 * 3600 + 1)))).rejects.toThrow(new Unauthorised('the token lives longer than 12 hours'));
    expect((await tokens.verify(await signed((j) => j.setIssuedAt(now).setExpirationTime(now + 12 * 3600)))).id).toBe('admin');
    await expect(tokens.sign('admin', 12 * 3600 + 1)).rejects.toThrow(/at most 12 hours/);
  });

  it('rejects a validly signed token for a user no longer configured', async () => {
    const token = await new LocalTokens(keyFile, [{ id: 'gone', role: 'admin' }]).sign('gone');
    await expect(tokens.verify(token)).rejects.toThrow('the token names no configured user');
  });
});

describe('Cognito tokens against a user pool JWKS served over HTTP', () => {
  let server: Server;
  let privateKey: CryptoKey;
  let jwksUrl: string;
  let fetches = 0;
  const issuer = 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_TESTPOOL';
  const clientId = 'client-123';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    jwksUrl = `http://127.0.0.1:${address.port}/eu-west-2_TESTPOOL/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const verifier = () => new CognitoTokens({ region: 'eu-west-2', userPoolId: 'eu-west-2_TESTPOOL', clientId, jwksUrl });
  const idToken = (claims: Record<string, unknown>, options: { kid?: string; iss?: string; aud?: string; exp?: number } = {}) =>
    new SignJWT({ token_use: 'id', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1' })
      .setSubject('0b7c9f5e-1111-4aaa-9bbb-123456789abc').setIssuer(options.iss ?? issuer).setAudience(options.aud ?? clientId)
      .setIssuedAt().setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600).sign(privateKey);

  it('takes the role from cognito:groups and the scope from custom claims; the id is the sub', async () => {
    const user = await verifier().verify(await idToken({ 'cognito:groups': ['staff', 'csp_officer'], 'custom:locality': 'charnwood', email: 'someone@example.org' }));
    expect(user).toEqual({ id: '0b7c9f5e-1111-4aaa-9bbb-123456789abc', role: 'csp_officer', locality: 'charnwood' });
    expect(fetches).toBeGreaterThan(0);
  });

  it('accepts an access token whose client_id is the app client', async () => {
    const token = await new SignJWT({ token_use: 'access', client_id: clientId, 'cognito:groups': ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' }).setSubject('0b7c9f5e-2222-4aaa-9bbb-123456789abc')
      .setIssuer(issuer).setIssuedAt().setExpirationTime('5m').sign(privateKey);
    expect((await verifier().verify(token)).role).toBe('admin');
  });

  it('rejects other clients, other issuers, unknown keys, expired and tampered tokens, and users in no role group', async () => {
    const v = verifier();
    await expect(v.verify(await idToken({ 'cognito:groups': ['admin'] }, { aud: 'other-client' }))).rejects.toThrow(/not issued for this service/);
    await expect(v.verify(await idToken({ 'cognito:groups': ['admin'] }, { iss: 'https://cognito-idp.eu-west-2.amazonaws.com/other' }))).rejects.toThrow(/not issued for this service/);
    await expect(v.verify(await idToken({ 'cognito:groups': ['admin'] }, { kid: 'key-2' }))).rejects.toBeInstanceOf(Unauthorised);
    await expect(v.verify(await idToken({ 'cognito:groups': ['admin'] }, { exp: Math.floor(Date.now() / 1000) - 60 }))).rejects.toThrow('the token has expired');
    const good = await idToken({ 'cognito:groups': ['vrn-analyst'] });
    await expect(v.verify(tamper(good, { 'cognito:groups': ['admin'] }))).rejects.toThrow('the token signature is not valid');
    await expect(v.verify(good)).rejects.toThrow('the user is in no role group');
    await expect(v.verify(await idToken({ 'cognito:groups': ['admin', 'analyst'] }))).rejects.toThrow('more than one role group');
  });

  it('refuses a token without an expiry, or living longer than a day', async () => {
    const v = verifier();
    const build = () => new SignJWT({ token_use: 'id', 'cognito:groups': ['admin'] }).setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setSubject('0b7c9f5e-1111-4aaa-9bbb-123456789abc').setIssuer(issuer).setAudience(clientId).setIssuedAt();
    await expect(v.verify(await build().sign(privateKey))).rejects.toThrow(new Unauthorised('the token has no expiry (exp)'));
    await expect(v.verify(await build().setExpirationTime('25h').sign(privateKey))).rejects.toThrow(new Unauthorised('the token lives longer than a day'));
    expect((await v.verify(await build().setExpirationTime('1h').sign(privateKey))).role).toBe('admin');
  });
});

describe('the verifier is chosen by configuration', () => {
  it('reads Cognito settings from the environment and names what is missing', async () => {
    const { authConfigFromEnv, tokenVerifier } = await import('../../functions/api/auth/config.ts');
    const config = authConfigFromEnv({ VRN_AUTH: 'cognito', VRN_COGNITO_REGION: 'eu-west-2', VRN_COGNITO_USER_POOL_ID: 'eu-west-2_abc', VRN_COGNITO_CLIENT_ID: 'client' });
    expect(config).toEqual({ kind: 'cognito', region: 'eu-west-2', userPoolId: 'eu-west-2_abc', clientId: 'client' });
    expect(tokenVerifier(config)).toBeInstanceOf(CognitoTokens);
    expect(() => authConfigFromEnv({ VRN_AUTH: 'cognito', VRN_COGNITO_REGION: 'eu-west-2' })).toThrow(/userPoolId: .*clientId: /);
    expect(tokenVerifier(authConfigFromEnv({ VRN_DATA_DIR: '/tmp/x' }))).toBeInstanceOf(LocalTokens);
  });
});
