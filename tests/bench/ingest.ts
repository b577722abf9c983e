import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateSample } from '../../sample-data/generator/index.ts';

/**
 * Ingest throughput and memory: generated police_crime extracts at two sizes, each measured in a fresh process
 * against a bare pass over the same file. Generated files are cached in .bench/ (they are large).
 */
export async function benchIngest(sizes: { label: string; scale: number }[]) {
  const results = [];
  for (const { label, scale } of sizes) {
    const dir = join('.bench', `police-crime-scale-${scale}`);
    if (!existsSync(join(dir, 'manifest.json'))) {
      mkdirSync(dir, { recursive: true });
      process.stderr.write(`generating police_crime at scale ${scale}…\n`);
      await generateSample({ out: dir, seed: 7, scale, datasets: ['police_crime'] });
    }
    const file = join(dir, 'leicestershire-police__police_crime.csv');
    // The node flags the CLI runs with; a second ingest under a 256 MB heap cap shows the working set is bounded
    // (without a cap V8 lets garbage accumulate lazily, so peak RSS alone overstates what ingest holds).
    const run = (nodeFlags: string[], ...args: string[]) => JSON.parse(execFileSync('node', ['--max-semi-space-size=64', ...nodeFlags, '--import', 'tsx', 'tests/bench/ingest-worker.ts', ...args], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!);
    const bare = run([], 'bare', file);
    const dataDir = join('.bench', `data-${scale}`);
    rmSync(dataDir, { recursive: true, force: true });
    const ingest = run([], 'ingest', file, dataDir);
    rmSync(dataDir, { recursive: true, force: true });
    const capped = run(['--max-old-space-size=256'], 'ingest', file, dataDir);
    results.push({ label, rows: ingest.rows, ingest_s: +ingest.seconds.toFixed(2), rows_per_s: ingest.rows_per_s, peak_rss_mb: ingest.peak_rss_mb,
      capped_peak_rss_mb: capped.peak_rss_mb, capped_rows_per_s: capped.rows_per_s,
      bare_s: +bare.seconds.toFixed(2), bare_rows_per_s: bare.rows_per_s, ratio_to_bare: +(ingest.seconds / bare.seconds).toFixed(2), status: ingest.status });
  }
  return results;
}
