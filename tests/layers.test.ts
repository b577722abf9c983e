import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
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

/**
 * Static imports that run when a module loads: `import … from`, `export … from` and `import './x.ts'`. Imports of
 * types only (`import type`, or every name marked `type`) are erased before the code runs, so they make no cycle.
 */
const STATIC_IMPORT = /(?:^|\n)[ \t]*(?:import|export)\s+(?:([^'";]*?)\s*from\s*)?['"](\.[^'"]+\.tsx?)['"]/g;
const typesOnly = (clause: string) =>
  /^type\s/.test(clause) || /^\{[^}]*\}$/.test(clause) && clause.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean).every((s) => /^type\s/.test(s));

function importGraph(dirs: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of dirs.flatMap(sources)) {
    const targets: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      if (m[1] !== undefined && typesOnly(m[1].trim())) continue;
      targets.push(resolve(dirname(file), m[2]));
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Each group of modules that import one another in a ring (Tarjan's strongly connected components), as a path. */
function cycles(graph: Map<string, string[]>, base: string): string[] {
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), found: string[] = [];
  const visit = (v: string) => {
    index.set(v, index.size); low.set(v, index.get(v)!); stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const ring: string[] = [];
    let w: string;
    do { w = stack.pop()!; onStack.delete(w); ring.push(relative(base, w)); } while (w !== v);
    if (ring.length > 1 || graph.get(v)!.includes(v)) found.push(ring.sort().join(' ↔ '));
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found.sort();
}

describe('import cycles', () => {
  it('analytics/, functions/ and schemas/ have no ring of modules importing one another', () => {
    expect(cycles(importGraph(['analytics', 'functions', 'schemas'].map((d) => join(root, d))), root)).toEqual([]);
  });

  it('finds a ring through a value import and ignores one made only of type imports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vrn-cycles-'));
    const write = (path: string, text: string) => { mkdirSync(dirname(join(dir, path)), { recursive: true }); writeFileSync(join(dir, path), text); };
    write('a/portal.tsx', "import { page } from './pages/page.tsx';\nexport const PATH = '/p';\n");
    write('a/pages/page.tsx', "import type { Portal } from '../portal.tsx';\nimport {\n  PATH,\n  type Other,\n} from '../portal.tsx';\n");
    write('b/bloom.ts', "import { namesOf, type Names } from './pseudonymise.ts';\n");
    write('b/pseudonymise.ts', "export { LinkageEncoder } from './bloom.ts';\n");
    write('c/one.ts', "import type { Two } from './two.ts';\n");
    write('c/two.ts', "import { type One } from './one.ts';\nimport './three.ts';\n");
    write('c/three.ts', "export const three = 3;\n");
    expect(cycles(importGraph(['a', 'b', 'c'].map((d) => join(dir, d))), dir)).toEqual([
      'a/pages/page.tsx ↔ a/portal.tsx',
      'b/bloom.ts ↔ b/pseudonymise.ts',
    ]);
  });
});
