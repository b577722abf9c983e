import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ObjectWriter, PutOptions, Storage } from '../../functions/platform/storage/port.ts';

/** The error a full disk gives Node: its message names the file, which must never reach the user. */
export const enospc = (where: string) => Object.assign(new Error(`ENOSPC: no space left on device, write '${where}'`), { code: 'ENOSPC', errno: -28, syscall: 'write' });

/**
 * A storage whose Nth write fails as a full disk does: a put, a chunk of a streamed object (half of it stored
 * first) or the close that makes one visible. `full`: the disk stays full, so every later write fails too;
 * `once`: only the Nth. With `failAt` null it only counts. Reads and deletes always work (a delete frees space).
 */
export class FaultyStorage implements Storage {
  writes = 0;
  constructor(private readonly inner: Storage, private readonly failAt: number | null = null, private readonly mode: 'full' | 'once' = 'full') {}

  get description() { return this.inner.description; }

  private fails(): boolean {
    const n = ++this.writes;
    return this.failAt !== null && (this.mode === 'full' ? n >= this.failAt : n === this.failAt);
  }

  get(key: string) { return this.inner.get(key); }
  etag(key: string) { return this.inner.etag(key); }
  read(key: string) { return this.inner.read(key); }
  exists(key: string) { return this.inner.exists(key); }
  list(prefix: string) { return this.inner.list(prefix); }
  delete(key: string) { return this.inner.delete(key); }
  locate(key: string) { return this.inner.locate(key); }

  async put(key: string, body: Uint8Array | string, options?: PutOptions) {
    if (this.fails()) throw enospc(key);
    return this.inner.put(key, body, options);
  }

  openWriter(key: string): ObjectWriter {
    const writer = this.inner.openWriter(key);
    return {
      write: async (chunk) => {
        if (!this.fails()) return writer.write(chunk);
        await writer.write(chunk.subarray(0, chunk.length >> 1));
        throw enospc(key);
      },
      close: async () => {
        if (this.fails()) throw enospc(key);
        return writer.close();
      },
      abort: () => writer.abort(),
    };
  }
}

/** Under a directory: every file (relative path), and what must not stay there: temporary files, locks, empty folders. */
export function filesUnder(dir: string): { files: string[]; stray: string[] } {
  const files: string[] = [];
  const stray: string[] = [];
  const walk = (d: string) => {
    const names = readdirSync(d);
    if (names.length === 0 && d !== dir) stray.push(`${relative(dir, d)}/`);
    for (const name of names) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tmp$|\.lock$/.test(name)) stray.push(relative(dir, path));
      else files.push(relative(dir, path));
    }
  };
  walk(dir);
  return { files: files.sort(), stray: stray.sort() };
}
