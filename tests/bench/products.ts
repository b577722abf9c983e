import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ingestExtract } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/source.ts';
import { localPlatform } from '../../functions/platform/local.ts';
import { generateSample } from '../../sample-data/generator/index.ts';

/**
 * Every product on each engine over a whole generated sample (every dataset), each run in a fresh process.
 * The sample and its store are cached in .bench/ (scale 10 is about a million crimes).
 */
export async function prepareProductSample(scale: number): Promise<string> {
  const sampleDir = join('.bench', `sample-scale-${scale}`);
  const dataDir = join('.bench', `sample-data-${scale}-v2`); // v2: stores encodings for fuzzy linkage
  if (!existsSync(join(dataDir, 'loaded'))) {
    mkdirSync(sampleDir, { recursive: true });
    process.stderr.write(`generating the whole sample at scale ${scale}…\n`);
    const manifest = await generateSample({ out: sampleDir, seed: 11, scale });
    const platform = localPlatform(dataDir);
    for (const f of manifest.files) {
      process.stderr.write(`ingesting ${f.file} (${f.rows.toLocaleString('en-GB')} rows)…\n`);
      // Linked by the full run that follows, as the sample loader does: not upload by upload.
      await ingestExtract(platform, { dataset: f.dataset, partner: f.partner, source: fileSource(join(sampleDir, f.file)), linkOnArrival: false });
    }
    mkdirSync(dataDir, { recursive: true });
    copyFileSync(join(sampleDir, 'manifest.json'), join(dataDir, 'loaded'));
  }
  return dataDir;
}

/** Links every person record afresh (in its own process), as the scheduled refresh would. */
export function benchLinking(dataDir: string, engine: 'sql' | 'arquero') {
  rmSync(join(dataDir, 'store', 'linkage', 'people'), { recursive: true, force: true });
  return JSON.parse(execFileSync('node', ['--max-semi-space-size=64', '--import', 'tsx', 'tests/bench/linking-worker.ts', dataDir, engine], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!);
}

/** People are linked first, so that the cohort and the deep dive read them, as they do in the service. */
export async function benchProducts(scale: number) {
  const dataDir = await prepareProductSample(scale);
  const linking = [benchLinking(dataDir, 'sql'), benchLinking(dataDir, 'arquero')];
  const products = [];
  const run = (product: string, engine: string) => JSON.parse(execFileSync('node', ['--max-semi-space-size=64', '--import', 'tsx', 'tests/bench/products-worker.ts', product, dataDir, engine], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!);
  // The yardstick: one plain SQL pass over the person records, in a fresh process like each product (first, and again last).
  const passes = [run('sql-pass', 'sql')];
  for (const product of ['measures', 'profile', 'cohort', 'deep-dive', 'programme', 'indicator', 'indicators']) {
    const [sql, arquero] = ['sql', 'arquero'].map((engine) => run(product, engine));
    // The spec suite holds the engines equal on small data; at scale the bench checks it too.
    products.push(sql, { ...arquero, same_as_sql: arquero.result === sql.result });
  }
  passes.push(run('sql-pass', 'sql'));
  const pass = Math.min(...passes.map((p) => p.total_s)), passCpu = Math.min(...passes.map((p) => p.cpu_s));
  for (const p of products) Object.assign(p, { x_sql_pass: +(p.total_s / pass).toFixed(2), x_sql_pass_cpu: +(p.cpu_s / passCpu).toFixed(2) });
  // Issue 16's target: the programme report at most twice the cohort's time, engine by engine.
  for (const p of products.filter((x) => x.product === 'programme')) {
    const cohort = products.find((x) => x.product === 'cohort' && x.engine === p.engine)!;
    Object.assign(p, { x_cohort: +(p.total_s / cohort.total_s).toFixed(2), x_cohort_cpu: +(p.cpu_s / cohort.cpu_s).toFixed(2) });
  }
  return { linking, passes, products };
}
