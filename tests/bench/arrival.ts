import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSample } from '../../sample-data/generator/index.ts';
import { benchLinking, prepareProductSample } from './products.ts';

/**
 * Incremental linking: a 10,000-row upload of person records (A&E attendances of another seed's sample: other
 * people, but blocking tokens and keys shared with many stored ones) into the whole store at `scale` after a full
 * linking run, in a fresh process, on a copy of the cached store (so the cache stays as generated).
 */
export async function benchArrival(scale: number, rows = 10_000) {
  const dataDir = await prepareProductSample(scale);
  if (!existsSync(join(dataDir, 'store', 'curated', 'person_links', 'current.json')) || !existsSync(join(dataDir, 'store', 'linkage', 'people', 'latest.json'))) {
    benchLinking(dataDir, 'arquero');
  }
  const uploadDir = join('.bench', 'arrival-upload');
  const upload = join(uploadDir, `ae-${rows}.csv`);
  if (!existsSync(upload)) {
    const manifest = await generateSample({ out: uploadDir, seed: 12, scale: 1 });
    const ae = manifest.files.find((f) => f.dataset === 'ae_attendance')!;
    const lines = readFileSync(join(uploadDir, ae.file), 'utf8').split('\n');
    writeFileSync(upload, lines.slice(0, rows + 1).join('\n') + '\n');
  }
  const copy = mkdtempSync(join('.bench', 'arrival-store-'));
  try {
    cpSync(dataDir, copy, { recursive: true });
    const out = execFileSync('node', ['--max-semi-space-size=64', '--import', 'tsx', 'tests/bench/arrival-worker.ts', copy, 'ae_attendance', 'uhl', upload],
      { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
    return { scale, ...JSON.parse(out.trim().split('\n').pop()!) };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
