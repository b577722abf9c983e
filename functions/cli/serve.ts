import { localAppOptions, startLocalServer } from '../api/local-server.ts';
import { loadDeploymentSample } from '../ingest/sample-loader.ts';
import { linkAllPeople } from '../linkage/people.ts';
import { markDataDir } from '../platform/local.ts';
import type { Platform } from '../platform/platform.ts';

/**
 * `vrn serve`: an empty data dir is first filled with the deployment's sample (the committed extracts for LLR, one
 * generated at the same seed and scale for another bundle), so every page has data.
 */
export async function serveWithSample(platform: Platform, port: number, dataDir: string) {
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
  const { port: bound } = await startLocalServer(platform, port, localAppOptions(dataDir, platform));
  console.log(`${platform.deployment.names.portalTitle} on http://localhost:${bound} (${platform.storage.description})`);
  console.log(`  portal:  http://localhost:${bound}/portal (sign in as any local user)\n  API:     http://localhost:${bound}/openapi.json (tokens: npx vrn token --user ID)`);
}
