import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Platform } from '../platform/platform.ts';
import { ingestExtract } from './ingest.ts';
import type { IngestReport } from './report.ts';
import { fileSource } from './source.ts';

export const committedSampleDir = new URL('../../sample-data/extracts/', import.meta.url).pathname;
/** The committed sample's seed and scale: a generated one for another deployment is made the same way. */
export const COMMITTED_SAMPLE = { seed: 1, scale: 0.02 } as const;

interface ManifestFile { file: string; dataset: string; partner: string }

/**
 * Ingests every extract a sample manifest lists, in order, as the partners would upload them, then links everyone
 * in one full run (faster than linking each file on arrival), so that the people tables are there.
 */
export async function loadSampleExtracts(platform: Platform, dir = committedSampleDir, onReport?: (file: string, report: IngestReport) => void): Promise<IngestReport[]> {
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`no sample manifest at ${join(dir, 'manifest.json')}`);
  const own = platform.deployment.name;
  if (manifest.deployment && manifest.deployment !== own) {
    throw new Error(`the sample at ${dir} is of deployment "${manifest.deployment}", not "${own}": its partners and places are another VRU's`);
  }
  const reports: IngestReport[] = [];
  for (const entry of manifest.files) {
    const report = await ingestExtract(platform, {
      dataset: entry.dataset, partner: entry.partner, source: fileSource(join(dir, entry.file)), fileName: entry.file, uploadedBy: 'sample',
      // A bulk load is linked once, by the full run that follows it (vrn serve), not upload by upload.
      linkOnArrival: false,
    });
    onReport?.(entry.file, report);
    reports.push(report);
  }
  const { linkAllPeople } = await import('../linkage/people.ts');
  await linkAllPeople(platform);
  return reports;
}

/**
 * The platform's own sample: the committed one when it is of the platform's deployment, else one generated for the
 * deployment (its partners, localities, postcodes and LSOAs) into a temporary folder, loaded, then removed.
 */
export async function loadDeploymentSample(platform: Platform, onReport?: (file: string, report: IngestReport) => void): Promise<IngestReport[]> {
  if (readManifest(committedSampleDir)?.deployment === platform.deployment.name) return loadSampleExtracts(platform, committedSampleDir, onReport);
  const dir = await mkdtemp(join(tmpdir(), `vrn-sample-${platform.deployment.name}-`));
  try {
    const { generateSample } = await import('../../sample-data/generator/index.ts');
    await generateSample({ out: dir, ...COMMITTED_SAMPLE, deployment: platform.deployment.name });
    return await loadSampleExtracts(platform, dir, onReport);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function readManifest(dir: string): { deployment?: string; files: ManifestFile[] } | null {
  const path = join(dir, 'manifest.json');
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}
