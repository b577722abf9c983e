import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

  it("every relative link in the Markdown files reaches a file, and a heading of it where it names one", () => {
    const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const anchors = (file: string) => {
      const text = readFileSync(file, 'utf8');
      return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]))
        .concat([...text.matchAll(/<a id="([^"]+)">/g)].map((m) => m[1])));
    };
    const broken: string[] = [];
    const markdown = files(root).filter((f) => f.endsWith('.md'));
    expect(markdown.length).toBeGreaterThan(7);
    for (const file of markdown) {
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const to = path ? resolve(dirname(file), path) : file;
        if (!existsSync(to) || (anchor && !anchors(to).has(anchor))) broken.push(`${relative(root, file)}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
