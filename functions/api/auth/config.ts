import { z } from 'zod';
import { CognitoTokens } from './cognito.ts';
import { LocalTokens, localTokenKeyFile } from './local.ts';
import type { TokenVerifier } from './port.ts';

/** Which tokens the API accepts: chosen by configuration, never by asking where the code runs. */
export const AuthConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), dataDir: z.string().min(1) }),
  z.object({ kind: z.literal('cognito'), region: z.string().min(1), userPoolId: z.string().min(1), clientId: z.string().min(1), jwksUrl: z.url().optional() }),
]);
export type AuthConfig = z.infer<typeof AuthConfig>;

export function tokenVerifier(config: AuthConfig): TokenVerifier {
  return config.kind === 'local' ? new LocalTokens(localTokenKeyFile(config.dataDir)) : new CognitoTokens(config);
}

/** From the environment: VRN_AUTH=cognito with VRN_COGNITO_REGION, _USER_POOL_ID, _CLIENT_ID; else local tokens. */
export function authConfigFromEnv(env: Record<string, string | undefined>): AuthConfig {
  const parsed = AuthConfig.safeParse(env.VRN_AUTH === 'cognito'
    ? { kind: 'cognito', region: env.VRN_COGNITO_REGION, userPoolId: env.VRN_COGNITO_USER_POOL_ID, clientId: env.VRN_COGNITO_CLIENT_ID, jwksUrl: env.VRN_COGNITO_JWKS_URL }
    : { kind: 'local', dataDir: env.VRN_DATA_DIR ?? '.data' });
  if (!parsed.success) throw new Error(`auth configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
