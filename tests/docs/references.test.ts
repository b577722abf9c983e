import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * A clone of the repository is all a user has: nothing in it may send a reader to the notes that sit beside the
 * project while it is built (the folder above it, or its design, domain and style notes). The names are put
 * together here so that this file does not match itself.
 */
const root = resolve(import.meta.dirname, '../..');
const outside = new RegExp(['\\.\\./' + 'shared', ...['DESIGN', 'DOMAIN', 'STYLE'].map((n) => `\\b${n}\\.md\\b`)].join('|'));
const skipped = new Set(['node_modules', '.git', '.data', '.bench']);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (skipped.has(e.name)) return [];
    const path = join(dir, e.name);
    return e.isDirectory() ? files(path) : /\.(md|tsx?|json|js)$/.test(e.name) ? [path] : [];
  });
}

describe('the repository stands alone', () => {
  it('no Markdown, TypeScript, JSON or script file points outside the repository for its notes', () => {
    const found = files(root).flatMap((file) => readFileSync(file, 'utf8').split('\n')
      .flatMap((line, i) => (outside.test(line) ? [`${relative(root, file)}:${i + 1}`] : [])));
    expect(found).toEqual([]);
  });
});
