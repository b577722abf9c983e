import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The success measures over the store the ingest benchmark filled (police_crime), on each engine, each in a fresh process. */
export function benchProducts(scale: number) {
  const dataDir = join('.bench', `data-${scale}`);
  if (!existsSync(dataDir)) throw new Error(`run the ingest benchmark first: ${dataDir} is missing`);
  return ['sql', 'arquero'].map((engine) => JSON.parse(execFileSync('node', ['--import', 'tsx', 'tests/bench/products-worker.ts', 'measures', dataDir, engine], { encoding: 'utf8' }).trim().split('\n').pop()!));
}
