import { localAppOptions, startLocalServer } from '../api/local-server.ts';
import { loadDeploymentSample } from '../ingest/sample-loader.ts';
import { linkAllPeople } from '../linkage/people.ts';
import { markDataDir } from '../platform/local.ts';
import type { Platform } from '../platform/platform.ts';
import { createServer } from 'node:net';

/** The port is taken by another process: said in words, exit 1, no stack trace. */
export class PortInUse extends Error {
  constructor(port: number) {
    super(`port ${port} is in use: stop what is listening there, or choose another with --port N (or PORT)`);
    this.name = 'PortInUse';
  }
}

/** Whether the port can be bound on localhost now (the server binds it again once the data is ready). */
function portFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUse(port) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/**
 * `vrn serve`: an empty data dir is first filled with the deployment's sample (the committed extracts for LLR, one
 * generated at the same seed and scale for another bundle), so every page has data.
 */
export async function serveWithSample(platform: Platform, port: number, dataDir: string) {
  await portFree(port); // before minutes of loading and linking, not after
  const catalog = await platform.catalog.read();
  if (catalog.extracts.length === 0) {
    console.log(`Empty data dir: loading the sample extracts of ${platform.deployment.names.vru}…`);
    await loadDeploymentSample(platform, (file, report) => {
      console.log(`  ${file}: ${report.status}, ${report.rows_accepted} rows accepted, ${report.rows_rejected} rejected`);
    });
    markDataDir(dataDir, platform.deployment.name);
  }
  // People are linked once per data version, before anyone asks for a cohort.
  await linkAllPeople(platform, undefined, (message) => console.log(`  ${message}`));
  const { port: bound } = await startLocalServer(platform, port, localAppOptions(dataDir, platform)).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EADDRINUSE' ? new PortInUse(port) : error;
  });
  console.log(`${platform.deployment.names.portalTitle} on http://localhost:${bound} (${platform.storage.description})`);
  console.log(`  portal:  http://localhost:${bound}/portal (sign in as any local user)\n  API:     http://localhost:${bound}/openapi.json (tokens: npx vrn token --user ID)`);
}
