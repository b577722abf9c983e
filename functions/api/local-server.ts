import { serve, type ServerType } from '@hono/node-server';
import type { Platform } from '../platform/platform.ts';
import { createApp } from './app.ts';

export function startLocalServer(platform: Platform, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: createApp(platform).fetch, port, hostname: '127.0.0.1' }, (info) => resolve({ server, port: info.port }));
  });
}
