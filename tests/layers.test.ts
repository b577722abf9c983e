import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Layers point one way: schemas ← analytics ← functions ← infra. A module may import only from its own layer or below. */
const root = resolve(import.meta.dirname, '..');
const layers = ['schemas', 'analytics', 'functions', 'infra'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? sources(path) : /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function upwardImports(layer: string): string[] {
  const rank = layers.indexOf(layer);
  const found: string[] = [];
  for (const file of sources(join(root, layer))) {
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = relative(root, resolve(file, '..', m[1] ?? m[2])).split(/[\\/]/)[0];
      if (layers.indexOf(target) > rank) found.push(`${relative(root, file)} imports ${target}/`);
    }
  }
  return found;
}

describe('the layers', () => {
  for (const layer of layers) {
    it(`${layer}/ imports nothing from a layer above it`, () => {
      expect(upwardImports(layer)).toEqual([]);
    });
  }
});
