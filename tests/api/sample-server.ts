import { localAppOptions, startLocalServer } from '../../functions/api/local-server.ts';
import type { AppOptions } from '../../functions/api/app.ts';
import { loadSampleExtracts } from '../../functions/ingest/sample-loader.ts';
import { testPlatform } from '../helpers.ts';

/** A real local server on a fresh data dir holding the committed sample, and tokens for the local users. */
export async function startSampleServer(extra: Partial<AppOptions> = {}) {
  const t = testPlatform();
  await loadSampleExtracts(t.platform);
  const options = { ...localAppOptions(t.dir, t.platform), ...extra };
  const server = await startLocalServer(t.platform, 0, options);
  const tokens = new Map<string, string>();
  return {
    ...t,
    url: server.url,
    tokens: options.tokens,
    async token(user: string) {
      if (!tokens.has(user)) tokens.set(user, await options.tokens.sign(user));
      return tokens.get(user)!;
    },
    async stop() {
      await new Promise((resolve) => server.server.close(resolve));
      t.cleanup();
    },
  };
}
