/**
 * Regenerates the committed sample set in sample-data/extracts/ (seed 1, scale 0.02: about 2,000 crimes and a
 * few thousand rows in all, with the planted Prevention Panel cohort). Run: npx tsx sample-data/generate-committed.ts
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { COMMITTED_SAMPLE as COMMITTED } from '../functions/ingest/sample-loader.ts';
import { generateSample } from './generator/index.ts';

const out = fileURLToPath(new URL('./extracts/', import.meta.url));
await rm(out, { recursive: true, force: true });
const manifest = await generateSample({ out, ...COMMITTED });
let total = 0;
for (const f of manifest.files) {
  total += f.rows;
  console.log(`${f.file.padEnd(56)} ${String(f.rows).padStart(6)} rows  ${String(f.invalid_rows).padStart(3)} invalid  ${f.encoding} ${f.format}`);
}
console.log(`${manifest.files.length} files, ${total} rows, into ${out}`);
