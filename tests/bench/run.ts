/**
 * `npm run bench`: every benchmark, figures printed as a table and as JSON (for notes). `--quick` for small sizes
 * and a short API load; `--api` for the API load alone, on the committed sample; `--products` for linking
 * and the products alone; `--ingest` for ingest and CLI start-up alone (`--rows 100k,300k`,
 * `--datasets police_crime,police_person`, `--repeat 3`); `--arrival [--scale 1]` for linking a 10,000-row upload on arrival.
 */
import { benchApi } from './api.ts';
import { benchIngest, benchStartup } from './ingest.ts';
import { benchProducts } from './products.ts';

const quick = process.argv.includes('--quick');
const option = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i < 0 ? undefined : process.argv[i + 1]; };
const count = (text: string) => Math.round(parseFloat(text) * (/m$/i.test(text) ? 1e6 : /k$/i.test(text) ? 1e3 : 1));
function printProducts(scale: number, linking: unknown[], products: unknown[]) {
  console.log(`\nlinking every person record at scale ${scale} (stages in seconds)`);
  console.table(linking);
  console.log(`\nproducts over the whole sample at scale ${scale} (each run twice on one engine)`);
  console.table(products);
}
const apiSeconds = quick ? 5 : 20;
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
if (process.argv.includes('--api')) {
  const api = await benchApi({ seconds: apiSeconds });
  console.log('\nAPI under load (committed sample, products cached per catalog version)');
  console.table(api);
  console.log(JSON.stringify({ api }));
  process.exit(0);
}
if (process.argv.includes('--ingest')) {
  const ingest = await benchIngest({
    rows: (option('rows') ?? '100k,300k').split(',').map(count),
    datasets: (option('datasets') ?? 'police_crime,police_person').split(',') as ('police_crime' | 'police_person')[],
    repeat: Number(option('repeat') ?? 3),
    capped: !process.argv.includes('--no-cap'),
  });
  console.log('\ningest (ratios to the bare pass of the same run; CPU is user + system)');
  console.table(ingest);
  const startup = benchStartup();
  console.log('\nCLI start-up');
  console.table(startup);
  console.log(JSON.stringify({ ingest, startup }));
  process.exit(0);
}
const sizes = quick
  ? [{ label: '10k', scale: 0.1 }, { label: '100k', scale: 1 }]
  : [{ label: '100k', scale: 1 }, { label: '1M', scale: 10 }];
if (process.argv.includes('--arrival')) {
  const { benchArrival } = await import('./arrival.ts');
  const result = await benchArrival(Number(option('scale') ?? sizes[sizes.length - 1].scale));
  console.log(`\nlinking a ${result.rows.toLocaleString('en-GB')}-row upload on arrival at scale ${result.scale}`);
  console.table([result]);
  console.log(JSON.stringify(result));
  process.exit(0);
}
if (process.argv.includes('--products')) {
  const scale = sizes[sizes.length - 1].scale;
  const { linking, passes, products } = await benchProducts(scale);
  printProducts(scale, linking, products);
  console.log(JSON.stringify({ linking, passes, products }));
  process.exit(0);
}

const ingest = await benchIngest({ rows: sizes.map((s) => Math.round(s.scale * 100_000)), datasets: ['police_crime', 'police_person'] });
console.log('\ningest (ratios to the bare pass of the same run; CPU is user + system)');
console.table(ingest);
const startup = benchStartup();
console.log('\nCLI start-up');
console.table(startup);
const largest = sizes[sizes.length - 1].scale;
const { linking, products } = await benchProducts(largest);
printProducts(largest, linking, products);
const api = await benchApi({ dataDir: `.bench/sample-data-${largest}-v2`, seconds: apiSeconds });
console.log(`\nAPI under load over the scale ${largest} sample (products cached per catalog version)`);
console.table(api);
console.log(JSON.stringify({ ingest, startup, linking, products, api }));
