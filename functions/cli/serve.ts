import { localAppOptions, startLocalServer } from '../api/local-server.ts';
import { loadSampleExtracts } from '../ingest/sample-loader.ts';
import { linkAllPeople } from '../linkage/people.ts';
import type { Platform } from '../platform/platform.ts';

/** `vrn serve`: an empty data dir is first filled with the committed sample extracts, so every page has data. */
export async function serveWithSample(platform: Platform, port: number, dataDir: string) {
  const catalog = await platform.catalog.read();
  if (catalog.extracts.length === 0) {
    console.log('Empty data dir: loading the committed sample extracts…');
    await loadSampleExtracts(platform, undefined, (file, report) => {
      console.log(`  ${file}: ${report.status}, ${report.rows_accepted} rows accepted, ${report.rows_rejected} rejected`);
    });
  }
  // People are linked once per data version, before anyone asks for a cohort.
  await linkAllPeople(platform, undefined, (message) => console.log(`  ${message}`));
  const { port: bound } = await startLocalServer(platform, port, localAppOptions(dataDir, platform));
  console.log(`VRN data service on http://localhost:${bound} (${platform.storage.description})`);
  console.log(`  portal:  http://localhost:${bound}/portal (sign in as any local user)\n  API:     http://localhost:${bound}/openapi.json (tokens: npx vrn token --user ID)`);
}
