import { z } from 'zod';
import { CognitoTokens } from './cognito.ts';
import { HostedUi } from './hosted-ui.ts';
import { LocalTokens, localTokenKeyFile } from './local.ts';
import type { TokenVerifier } from './port.ts';

/** Which tokens the API accepts: chosen by configuration, never by asking where the code runs. */
export const AuthConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), dataDir: z.string().min(1) }),
  z.object({
    kind: z.literal('cognito'), region: z.string().min(1), userPoolId: z.string().min(1), clientId: z.string().min(1), jwksUrl: z.url().optional(),
    /** The portal's sign-in through the user pool's hosted UI: its domain's URL and the URL the portal is reached at. */
    domain: z.url().optional(), portalUrl: z.url().optional(),
  }).refine((c) => !c.domain === !c.portalUrl, { message: 'VRN_COGNITO_DOMAIN and VRN_PORTAL_URL go together', path: ['portalUrl'] }),
]);
export type AuthConfig = z.infer<typeof AuthConfig>;

export function tokenVerifier(config: AuthConfig): TokenVerifier {
  return config.kind === 'local' ? new LocalTokens(localTokenKeyFile(config.dataDir)) : new CognitoTokens(config);
}

/** The portal's hosted-UI sign-in, when the configuration names a user pool domain; local mode signs in by itself. */
export function hostedUi(config: AuthConfig): HostedUi | undefined {
  return config.kind === 'cognito' && config.domain && config.portalUrl
    ? new HostedUi({ domain: config.domain, clientId: config.clientId, portalUrl: config.portalUrl }) : undefined;
}

/**
 * From the environment: VRN_AUTH=cognito with VRN_COGNITO_REGION, _USER_POOL_ID, _CLIENT_ID (and, for the portal's
 * sign-in, VRN_COGNITO_DOMAIN and VRN_PORTAL_URL); else local tokens.
 */
export function authConfigFromEnv(env: Record<string, string | undefined>): AuthConfig {
  const parsed = AuthConfig.safeParse(env.VRN_AUTH === 'cognito'
    ? { kind: 'cognito', region: env.VRN_COGNITO_REGION, userPoolId: env.VRN_COGNITO_USER_POOL_ID, clientId: env.VRN_COGNITO_CLIENT_ID,
        jwksUrl: env.VRN_COGNITO_JWKS_URL, domain: env.VRN_COGNITO_DOMAIN, portalUrl: env.VRN_PORTAL_URL }
    : { kind: 'local', dataDir: env.VRN_DATA_DIR ?? '.data' });
  if (!parsed.success) throw new Error(`auth configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
