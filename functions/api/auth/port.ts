import type { User } from '../../../schemas/access.ts';

/** Turns a bearer token into a user, or throws Unauthorised: local tokens here, Cognito's in AWS. */
export interface TokenVerifier {
  verify(token: string): Promise<User>;
}

/** Missing, expired, tampered or unknown: the API answers 401 and says which, never echoing the token. */
export class Unauthorised extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unauthorised';
  }
}

/** jose's errors name what failed without echoing the token; anything else stays generic. */
export function unauthorisedFrom(error: unknown): Unauthorised {
  if (error instanceof Unauthorised) return error;
  const code = (error as { code?: string }).code;
  if (code === 'ERR_JWT_EXPIRED') return new Unauthorised('the token has expired');
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' || code === 'ERR_JWKS_NO_MATCHING_KEY') return new Unauthorised('the token signature is not valid');
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (error as { reason?: string }).reason === 'missing') {
    const claim = (error as { claim?: string }).claim ?? 'claim';
    return new Unauthorised(`the token has no ${({ exp: 'expiry (exp)', iat: 'issue time (iat)' } as Record<string, string>)[claim] ?? claim}`);
  }
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return new Unauthorised(`the token was not issued for this service (${(error as { claim?: string }).claim ?? 'claim'})`);
  return new Unauthorised('the token is not a valid signed token');
}
