import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { lockFile } from './lock.ts';
import { PreconditionFailed, type ObjectWriter, type PutOptions, type Storage, type StoredObject } from './port.ts';

const etagOf = (body: Uint8Array) => createHash('sha256').update(body).digest('hex').slice(0, 32);
const tempName = (path: string) => `${path}.${randomBytes(6).toString('hex')}.tmp`;

/**
 * Storage on the local filesystem under one root (the data dir). Writes go to a temporary file renamed into
 * place, so a reader sees the old object or the new one, never half of one. Conditional writes hold a lock file
 * so that processes sharing the data dir cannot lose each other's updates.
 */
export class FsStorage implements Storage {
  readonly root: string;
  readonly description: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = `filesystem ${this.root}`;
  }

  private path(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep)) throw new Error(`storage key escapes the root: ${key}`);
    return path;
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const body = await readFile(this.path(key));
      return { body, etag: etagOf(body) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async etag(key: string): Promise<string | null> {
    return (await this.get(key))?.etag ?? null;
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<{ etag: string }> {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined;
    const release = conditional ? await lockFile(path) : async () => {};
    try {
      if (conditional) {
        const current = await this.get(key);
        if (options.ifNoneMatch === '*' && current) throw new PreconditionFailed(key);
        if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) throw new PreconditionFailed(key);
      }
      const temp = tempName(path);
      await writeFile(temp, bytes, { mode: 0o600 });
      await rename(temp, path);
      return { etag: etagOf(bytes) };
    } finally {
      await release();
    }
  }

  openWriter(key: string): ObjectWriter {
    const path = this.path(key);
    const temp = tempName(path);
    let handle: Promise<FileHandle> | null = null;
    const file = () => (handle ??= mkdir(dirname(path), { recursive: true }).then(() => open(temp, 'w', 0o600)));
    return {
      async write(chunk) {
        const h = await file();
        await h.write(chunk);
      },
      async close() {
        const h = await file();
        await h.sync();
        await h.close();
        await rename(temp, path);
      },
      async abort() {
        if (handle) await (await handle).close().catch(() => {});
        await rm(temp, { force: true });
      },
    };
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    yield* createReadStream(this.path(key), { highWaterMark: 1 << 20 });
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.path(key)).then(() => true, () => false);
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.path(prefix.replace(/\/?$/, '/'));
    const out: string[] = [];
    const walk = async (dir: string) => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith('.tmp') && !entry.name.endsWith('.lock')) out.push(relative(this.root, full).split(sep).join('/'));
      }
    };
    await walk(base);
    return out.sort();
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  locate(key: string): string {
    return this.path(key);
  }
}
