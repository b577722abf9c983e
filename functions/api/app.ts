import { Hono } from 'hono';
import type { Platform } from '../platform/platform.ts';

/** The service's HTTP app: the same app behind the local server and (later) the Lambda handler. */
export function createApp(platform: Platform) {
  const app = new Hono();
  app.get('/health', async (c) => {
    const catalog = await platform.catalog.read();
    return c.json({
      status: 'ok',
      storage: platform.storage.description,
      extracts: catalog.extracts.length,
      datasets: [...new Set(catalog.extracts.map((e) => e.dataset))].sort(),
    });
  });
  return app;
}
