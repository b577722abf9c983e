// How the `vrn` command loads its TypeScript: bundled once by esbuild into node_modules/.cache (again whenever a
// source the bundle was made from is newer), so that start-up compiles nothing. Without esbuild (an install without
// dev dependencies) or when the build fails, tsx's loader runs the sources as before.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const entry = join(root, 'functions/cli/main.ts');
// One cache per checkout: several checkouts may share one node_modules.
export const defaultCache = join(root, 'node_modules/.cache', `vrn-cli-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);

/** The bundle in `cache` that current.json names, if every file it was made from is as old as it; else null. */
export function freshBundle(cache = defaultCache) {
  const currentFile = join(cache, 'current.json');
  let current;
  try { current = JSON.parse(readFileSync(currentFile, 'utf8')); } catch { return null; }
  try {
    for (const input of current.inputs) if (statSync(join(root, input)).mtimeMs > current.builtAt) return null;
  } catch { return null; }
  return join(cache, current.dir, 'main.js');
}

/** Bundles the CLI into `cache` and makes it the current bundle; returns its main module's path. */
export async function buildBundle(cache = defaultCache) {
  const { build: esbuild } = await import('esbuild');
  mkdirSync(cache, { recursive: true });
  const currentFile = join(cache, 'current.json');
  const builtAt = Date.now();
  const dir = `build-${builtAt}-${process.pid}`;
  const result = await esbuild({
    entryPoints: [entry], outdir: join(cache, dir), absWorkingDir: root,
    bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', mainFields: ['module', 'main'],
    // Packages are bundled too (one file compiles faster than hundreds resolve), as for the Lambdas; native DuckDB
    // cannot be, and the test and build tools are never loaded by a command.
    external: ['@duckdb/node-api', 'esbuild', 'tsx', 'vitest', 'playwright-core', 'aws-cdk-lib', 'constructs'],
    banner: { js: "import { createRequire as vrnCreateRequire } from 'node:module'; const require = vrnCreateRequire(import.meta.url);" },
    keepNames: true, sourcemap: 'linked', metafile: true, logLevel: 'silent',
    plugins: [{
      // A module's import.meta.url stays its source's, so what it finds beside itself (the committed sample) is found.
      name: 'source-urls',
      setup(b) {
        b.onLoad({ filter: /\.tsx?$/ }, (args) => {
          const text = readFileSync(args.path, 'utf8');
          if (!text.includes('import.meta.url')) return undefined;
          return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
        });
      },
    }],
  });
  // The service's own sources (an upgraded package changes package-lock.json).
  const inputs = [...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('node_modules/')), 'tsconfig.json', 'package-lock.json', 'functions/cli/load.js'];
  // Written whole and renamed, so a command starting at the same time reads the old bundle or the new one.
  const tmp = `${currentFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ dir, builtAt, inputs }));
  renameSync(tmp, currentFile);
  // Earlier builds, but not one made a moment ago, which a command starting now may still be loading.
  for (const name of readdirSync(cache)) {
    const made = /^build-(\d+)-/.exec(name);
    if (made && name !== dir && +made[1] < builtAt - 60_000) rmSync(join(cache, name), { recursive: true, force: true });
  }
  return join(cache, dir, 'main.js');
}

/** The CLI's main module: the bundle, built first if need be, or the TypeScript through tsx. */
export async function loadMain() {
  let bundle = freshBundle();
  if (!bundle) {
    try {
      bundle = await buildBundle();
    } catch {
      bundle = null;
    }
  }
  if (bundle) return import(pathToFileURL(bundle).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import('./main.ts');
}
