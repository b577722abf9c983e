/**
 * `npx tsx tests/bench/catalog.ts [N …]`: commits N catalog entries, one after another, to a fresh FsStorage data
 * dir and prints the median time and bytes written per commit over the first and the last 50 commits (and the
 * bytes of the catalog's objects at the end). Each commit is what an ingest does: find the content, then add. A commit that rewrote the
 * whole catalog grows with it; one that writes a new entry does not. `VRN_CATALOG_MODULE` points at another
 * catalog.ts (e.g. an older version) to compare.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FsStorage } from '../../functions/platform/storage/fs.ts';

const modulePath = process.env.VRN_CATALOG_MODULE ? resolve(process.env.VRN_CATALOG_MODULE) : '../../functions/platform/catalog/catalog.ts';
const { Catalog } = await import(modulePath) as typeof import('../../functions/platform/catalog/catalog.ts');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const WINDOW = 50;

const entry = (i: number) => ({
  upload_id: `up-20250101000000-${i.toString(16).padStart(8, '0')}`, dataset: 'police_crime', partner: 'leicestershire-police',
  period_from: `${2000 + Math.floor(i / 12) % 50}-${String(1 + (i % 12)).padStart(2, '0')}-01`,
  period_to: `${2000 + Math.floor(i / 12) % 50}-${String(1 + (i % 12)).padStart(2, '0')}-28`,
  content_key: `${i.toString(16).padStart(64, '0')}|police_crime|leicestershire-police||`,
  file: `curated/police_crime/upload_id=up-20250101000000-${i.toString(16).padStart(8, '0')}/part-00000.parquet`,
  rows: 1000, accepted_at: '2025-01-01T00:00:00.000Z',
});

async function bench(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'vrn-bench-catalog-'));
  try {
    const storage = new FsStorage(dir);
    let written = 0;
    const put = storage.put.bind(storage);
    storage.put = (key, body, options) => { written += typeof body === 'string' ? Buffer.byteLength(body) : body.length; return put(key, body, options); };
    const catalog = new Catalog(storage);
    const times: number[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < n; i++) {
      const [start, before] = [performance.now(), written];
      await catalog.findByContent(entry(i).content_key);
      await catalog.add(entry(i));
      times.push(performance.now() - start);
      bytes.push(written - before);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    let stored = 0;
    for (const key of await storage.list('catalog/')) stored += (await storage.get(key))!.body.length;
    return {
      commits: n, first_ms: +median(times.slice(0, WINDOW)).toFixed(2), last_ms: +median(times.slice(-WINDOW)).toFixed(2),
      first_bytes: median(bytes.slice(0, WINDOW)), last_bytes: median(bytes.slice(-WINDOW)),
      total_s: +(times.reduce((a, b) => a + b, 0) / 1000).toFixed(1), catalog_bytes: stored,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
for (const n of sizes.length ? sizes : [100, 1000, 5000]) rows.push(await bench(n));
console.table(rows);
console.log(JSON.stringify({ catalog: rows }));
