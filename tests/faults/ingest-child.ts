// A child process for tests/faults/killed-ingest.test.ts: ingests one file and, at its kth storage step, tells the
// parent and waits to be killed. Arguments: data dir, file, k, the time (ISO) the platform's clock shows.
import { join, resolve } from 'node:path';
import { ingestExtract } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/source.ts';
import { Catalog } from '../../functions/platform/catalog/catalog.ts';
import { localPlatform } from '../../functions/platform/local.ts';
import { PausingStorage } from './pausing-storage.ts';

const [dataDir, file, at, now] = process.argv.slice(2);
let steps = 0;
const storage = new PausingStorage(join(resolve(dataDir), 'store'), async (what) => {
  if (++steps !== Number(at)) return;
  process.send!({ paused: what });
  await new Promise(() => {});
});
const report = await ingestExtract(localPlatform(dataDir, { storage, catalog: new Catalog(storage), now: () => new Date(now) }), {
  dataset: 'police_crime', partner: 'leicestershire-police', source: fileSource(file),
});
process.send!({ finished: report.status, steps });
