import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { roles, User, type Role } from '../../../schemas/access.ts';
import { Unauthorised, unauthorisedFrom, type TokenVerifier } from './port.ts';

/** Cognito's ID and access tokens live a day at most (an hour by default): one without an expiry, or longer, is refused. */
export const MAX_COGNITO_TOKEN_SECONDS = 24 * 3600;

export interface CognitoConfig {
  region: string;
  userPoolId: string;
  /** The app client the tokens were issued to. */
  clientId: string;
  /** Defaults to the user pool's published JWKS; set for tests or a proxy. */
  jwksUrl?: string;
  /** Defaults to the user pool's issuer URL. */
  issuer?: string;
}

/**
 * Cognito tokens, checked against the user pool's JWKS (fetched once and cached by jose). The role is the user's
 * one group that names a role; organisation, locality and panel are custom attributes. The user id is the
 * Cognito `sub` (a UUID), never a username or email, so the audit trail holds no identity value.
 */
export class CognitoTokens implements TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly issuer: string;

  constructor(private readonly config: CognitoConfig) {
    this.issuer = config.issuer ?? `https://cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`;
    this.jwks = createRemoteJWKSet(new URL(config.jwksUrl ?? `${this.issuer}/.well-known/jwks.json`));
  }

  async verify(token: string): Promise<User> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, { issuer: this.issuer, algorithms: ['RS256'], requiredClaims: ['exp', 'iat'] }));
      if (payload.exp! - payload.iat! > MAX_COGNITO_TOKEN_SECONDS) throw new Unauthorised('the token lives longer than a day');
    } catch (error) {
      throw unauthorisedFrom(error);
    }
    // ID tokens carry the client in aud, access tokens in client_id.
    const use = payload.token_use;
    const client = use === 'id' ? payload.aud : use === 'access' ? payload.client_id : undefined;
    if (client !== this.config.clientId) throw new Unauthorised('the token was not issued for this service (client)');
    return userFromClaims(payload);
  }
}

export function userFromClaims(payload: JWTPayload): User {
  const groups = Array.isArray(payload['cognito:groups']) ? payload['cognito:groups'] as string[] : [];
  const held = groups.filter((g): g is Role => (roles as readonly string[]).includes(g));
  if (held.length !== 1) throw new Unauthorised(held.length ? 'the user is in more than one role group' : 'the user is in no role group');
  const claim = (name: string) => (typeof payload[`custom:${name}`] === 'string' ? payload[`custom:${name}`] as string : undefined);
  const parsed = User.safeParse({ id: payload.sub, role: held[0], organisation: claim('organisation'), locality: claim('locality'), panel: claim('panel'), programme: claim('programme') });
  if (!parsed.success) throw new Unauthorised('the token does not describe a valid user');
  return parsed.data;
}
