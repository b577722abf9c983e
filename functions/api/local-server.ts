import { serve, type ServerType } from '@hono/node-server';
import type { Platform } from '../platform/platform.ts';
import { createApp, type AppOptions } from './app.ts';
import { LocalTokens, localTokenKeyFile } from './auth/local.ts';
import { LocalUploadUrls } from './upload-urls.ts';
import { mountPortal } from '../portal/portal.tsx';

/** Local mode's configuration: tokens signed by a key in the data dir, upload URLs on this server. */
export function localAppOptions(dataDir: string, platform: Platform): AppOptions & { tokens: LocalTokens } {
  const tokens = new LocalTokens(localTokenKeyFile(dataDir), platform.deployment.users, platform.now);
  return {
    tokens, verifier: tokens, uploadUrls: new LocalUploadUrls(() => tokens.key(), platform.now),
    portal: mountPortal({ verifier: tokens, localSignIn: { users: platform.deployment.users, sign: (id) => tokens.sign(id) } }),
  };
}

export function startLocalServer(platform: Platform, port: number, options: AppOptions): Promise<{ server: ServerType; port: number; url: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: createApp(platform, options).fetch, port, hostname: '127.0.0.1' },
      (info) => resolve({ server, port: info.port, url: `http://127.0.0.1:${info.port}` }));
    server.once('error', reject); // a port in use, say: the caller says so in words
  });
}
