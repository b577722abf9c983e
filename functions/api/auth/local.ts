import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import type { User } from '../../../schemas/access.ts';
import { deploymentFromEnv } from '../../platform/deployment.ts';
import { createKeyFile, damagedKeyFile, readKeyFile } from '../../platform/keys/key-file.ts';
import { Unauthorised, unauthorisedFrom, type TokenVerifier } from './port.ts';

export const localTokenKeyFile = (dataDir: string) => join(resolve(dataDir), 'keys', 'token-signing-key');

const ISSUER = 'vrn-local';
const AUDIENCE = 'vrn-api';
/** The longest a local token may live (`vrn token` issues 8 h): one without an expiry, or longer, is refused. */
export const MAX_TOKEN_SECONDS = 12 * 3600;

/** The local signing secret: created whole on first use with mode 0600, refused if others can read it. */
export async function signingSecret(path: string): Promise<Uint8Array> {
  await createKeyFile(path, randomBytes(32).toString('base64'));
  const text = await readKeyFile(path, 'token key');
  const secret = Buffer.from(text.trim(), 'base64');
  if (secret.length < 32) throw damagedKeyFile('the token signing key', path, text, 'delete it and run again (tokens signed before stop working)');
  return secret;
}

/**
 * Local mode's tokens: HS256, signed with a key in the data dir, for the deployment's local users only. The token
 * names the user; their role and scope come from the configuration when it is checked, not from the token.
 */
export class LocalTokens implements TokenVerifier {
  private secret: Promise<Uint8Array> | null = null;
  constructor(readonly keyFile: string, private readonly users: (User & { name?: string })[] = deploymentFromEnv().users, private readonly now: () => Date = () => new Date()) {}

  key(): Promise<Uint8Array> {
    return (this.secret ??= signingSecret(this.keyFile).catch((error) => { this.secret = null; throw error; }));
  }

  async sign(userId: string, ttlSeconds = 8 * 3600): Promise<string> {
    const user = this.users.find((u) => u.id === userId);
    if (!user) throw new Error(`no local user "${userId}"; local users: ${this.users.map((u) => u.id).join(', ')}`);
    if (!(ttlSeconds > 0 && ttlSeconds <= MAX_TOKEN_SECONDS)) throw new RangeError(`a token lives at most ${MAX_TOKEN_SECONDS / 3600} hours`);
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ role: user.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id).setIssuer(ISSUER).setAudience(AUDIENCE)
      .setIssuedAt(issuedAt).setExpirationTime(issuedAt + ttlSeconds)
      .sign(await this.key());
  }

  async verify(token: string): Promise<User> {
    let subject: string | undefined;
    try {
      const { payload } = await jwtVerify(token, await this.key(), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], currentDate: this.now(), requiredClaims: ['exp', 'iat'] });
      if (payload.exp! - payload.iat! > MAX_TOKEN_SECONDS) throw new Unauthorised(`the token lives longer than ${MAX_TOKEN_SECONDS / 3600} hours`);
      subject = payload.sub;
    } catch (error) {
      throw unauthorisedFrom(error);
    }
    const user = this.users.find((u) => u.id === subject);
    if (!user) throw new Unauthorised('the token names no configured user');
    const { name: _name, ...rest } = user;
    return rest;
  }
}
