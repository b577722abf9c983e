import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from '../platform/platform.ts';
import { ingestExtract } from './ingest.ts';
import type { IngestReport } from './report.ts';
import { fileSource } from './source.ts';

export const committedSampleDir = new URL('../../sample-data/extracts/', import.meta.url).pathname;

interface ManifestFile { file: string; dataset: string; partner: string }

/** Ingests every extract a sample manifest lists, in order, as the partners would upload them. */
export async function loadSampleExtracts(platform: Platform, dir = committedSampleDir, onReport?: (file: string, report: IngestReport) => void): Promise<IngestReport[]> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no sample manifest at ${manifestPath}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: ManifestFile[] };
  const reports: IngestReport[] = [];
  for (const entry of manifest.files) {
    const report = await ingestExtract(platform, {
      dataset: entry.dataset, partner: entry.partner, source: fileSource(join(dir, entry.file)), fileName: entry.file, uploadedBy: 'sample',
    });
    onReport?.(entry.file, report);
    reports.push(report);
  }
  return reports;
}
