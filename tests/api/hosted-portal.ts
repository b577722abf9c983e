import { serve } from '@hono/node-server';
import { createApp } from '../../functions/api/app.ts';
import { authConfigFromEnv, hostedUi, tokenVerifier } from '../../functions/api/auth/config.ts';
import { LocalUploadUrls } from '../../functions/api/upload-urls.ts';
import { loadSampleExtracts } from '../../functions/ingest/sample-loader.ts';
import { mountPortal } from '../../functions/portal/portal.tsx';
import { testPlatform } from '../helpers.ts';
import { CLIENT_ID, REGION, startFakeCognito, USER_POOL_ID } from './fake-cognito.ts';

/**
 * The app with the portal signing in through a fake user pool's hosted UI, configured from the environment as the
 * API Lambda is, and served over real local HTTP with the committed sample loaded.
 */
export async function startHostedPortal(options: { portalHost?: string } = {}) {
  const t = testPlatform(new Date());
  await loadSampleExtracts(t.platform);
  let fetchApp: (request: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  // The portal's own URL is part of its configuration, so the app is made once the server has its port.
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: (request) => fetchApp(request), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  // A browser test names the portal `localhost`, so that it and the identity provider (127.0.0.1) are different sites.
  const url = `http://${options.portalHost ?? '127.0.0.1'}:${(server.address() as { port: number }).port}`;
  const cognito = await startFakeCognito(() => ({ callbackUrls: [`${url}/portal/callback`], logoutUrls: [`${url}/portal/signed-out`] }));
  const auth = authConfigFromEnv({
    VRN_AUTH: 'cognito', VRN_COGNITO_REGION: REGION, VRN_COGNITO_USER_POOL_ID: USER_POOL_ID, VRN_COGNITO_CLIENT_ID: CLIENT_ID,
    VRN_COGNITO_JWKS_URL: cognito.jwksUrl, VRN_COGNITO_DOMAIN: cognito.url, VRN_PORTAL_URL: url,
  });
  const verifier = tokenVerifier(auth);
  const app = createApp(t.platform, {
    verifier, uploadUrls: new LocalUploadUrls(async () => new Uint8Array(32), t.platform.now),
    portal: mountPortal({ verifier, hostedSignIn: hostedUi(auth) }),
  });
  fetchApp = app.fetch;
  return {
    ...t, url, cognito,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await cognito.close();
      t.cleanup();
    },
  };
}
