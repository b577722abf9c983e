import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { buildBundle, freshBundle } from '../../functions/cli/load.js';

/**
 * The `vrn` command runs a bundle of its TypeScript (no compiling at start-up): built when there is none, as on a
 * fresh clone, used while no source is newer, and built again when one is.
 */
let cache = '';
afterEach(() => rmSync(cache, { recursive: true, force: true }));

it('builds the bundle when there is none, uses it while the sources are older, and builds again when one is newer', async () => {
  cache = mkdtempSync(join(tmpdir(), 'vrn-cli-cache-'));
  expect(freshBundle(cache)).toBeNull();
  const built = await buildBundle(cache);
  expect(freshBundle(cache)).toBe(built);
  const current = JSON.parse(readFileSync(join(cache, 'current.json'), 'utf8')) as { inputs: string[]; builtAt: number };
  expect(current.inputs).toEqual(expect.arrayContaining(['functions/cli/main.ts', 'functions/ingest/ingest.ts', 'schemas/datasets/index.ts']));
  expect(current.inputs.some((f) => f.startsWith('node_modules/'))).toBe(false);

  const { main } = await import(pathToFileURL(built).href) as { main: (argv: string[]) => Promise<number> };
  const printed: string[] = [];
  const log = console.log;
  console.log = (...values: unknown[]) => { printed.push(values.join(' ')); };
  try {
    expect(await main(['help'])).toBe(0);
  } finally {
    console.log = log;
  }
  expect(printed.join('\n')).toContain('ingest  --dataset ID --partner ID --file PATH');

  // As when a source is edited after the build (its time is later than the bundle's).
  writeFileSync(join(cache, 'current.json'), JSON.stringify({ ...current, builtAt: 0 }));
  expect(freshBundle(cache)).toBeNull();
}, 120_000);
