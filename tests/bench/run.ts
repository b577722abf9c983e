/** `npm run bench`: every benchmark, figures printed as a table and as JSON (for notes). `--quick` for small sizes. */
import { benchIngest } from './ingest.ts';
import { benchProducts } from './products.ts';

const quick = process.argv.includes('--quick');
const sizes = quick
  ? [{ label: '10k', scale: 0.1 }, { label: '100k', scale: 1 }]
  : [{ label: '100k', scale: 1 }, { label: '1M', scale: 10 }];

console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
const ingest = await benchIngest(sizes);
console.log('\ningest police_crime');
console.table(ingest);
const largest = sizes[sizes.length - 1].scale;
const products = await benchProducts(largest);
console.log(`\nproducts over the whole sample at scale ${largest} (each run twice on one engine)`);
console.table(products);
console.log(JSON.stringify({ ingest, products }));
