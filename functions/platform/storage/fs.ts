import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { lockFile, lockHolderAlive } from './lock.ts';
import { PreconditionFailed, type ObjectWriter, type PutOptions, type Storage, type StoredObject } from './port.ts';

const etagOf = (body: Uint8Array) => createHash('sha256').update(body).digest('hex').slice(0, 32);
const tempName = (path: string) => `${path}.${randomBytes(6).toString('hex')}.tmp`;
const isTemp = (name: string) => /\.[0-9a-f]{12}\.tmp$/.test(name);
const isLock = (name: string) => name.endsWith('.lock');
const codeOf = (error: unknown) => (error as NodeJS.ErrnoException)?.code;

/** Writes every byte: as a disk fills, a write can store fewer bytes than asked before the next one fails. */
async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (bytesWritten === 0) throw Object.assign(new Error('the write stored nothing'), { code: 'EIO' });
    offset += bytesWritten;
  }
}


/**
 * Storage on the local filesystem under one root (the data dir). Writes go to a temporary file, flushed to disk
 * and renamed into place, so a reader sees the old object or the new one, never half of one; a failed write
 * removes its temporary file, and a deletion the folders it leaves empty. Conditional writes hold a lock file so
 * that processes sharing the data dir cannot lose each other's updates. What a killed process leaves (temporary
 * files, locks) is not listed; sweep() removes it.
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
      if (codeOf(error) === 'ENOENT') return null;
      throw error;
    }
  }

  async etag(key: string): Promise<string | null> {
    return (await this.get(key))?.etag ?? null;
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<{ etag: string }> {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const path = this.path(key);
    const conditional = options.ifMatch !== undefined || options.ifNoneMatch !== undefined;
    const temp = tempName(path);
    let release: (() => Promise<void>) | null = null;
    let stored = false;
    try {
      if (conditional) {
        release = await lockFile(path, relative(this.root, path));
        const current = await this.get(key);
        if (options.ifNoneMatch === '*' && current) throw new PreconditionFailed(key);
        if (options.ifMatch !== undefined && current?.etag !== options.ifMatch) throw new PreconditionFailed(key);
      }
      const handle = await this.create(temp, 'w');
      try {
        await writeAll(handle, bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
      stored = true;
      return { etag: etagOf(bytes) };
    } finally {
      if (!stored) await rm(temp, { force: true });
      await release?.();
      if (!stored) await this.prune(dirname(path));
    }
  }

  /** Creates a file, making its folder: again if a concurrent deletion pruned the folder in between. */
  private async create(path: string, flags: 'w' | 'wx'): Promise<FileHandle> {
    for (let attempt = 0; ; attempt++) {
      await mkdir(dirname(path), { recursive: true });
      try {
        return await open(path, flags, 0o600);
      } catch (error) {
        if (codeOf(error) !== 'ENOENT' || attempt >= 5) throw error;
      }
    }
  }

  /** Removes the folders under the root that are empty, from this one up (a folder in use is not empty). */
  private async prune(dir: string): Promise<void> {
    for (; dir.startsWith(this.root + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch (error) {
        if (codeOf(error) !== 'ENOENT') return;
      }
    }
  }

  openWriter(key: string): ObjectWriter {
    const path = this.path(key);
    const temp = tempName(path);
    let handle: Promise<FileHandle> | null = null;
    const file = () => (handle ??= this.create(temp, 'w'));
    const discard = async () => {
      if (handle) await handle.then((h) => h.close()).catch(() => {});
      await rm(temp, { force: true });
      await this.prune(dirname(path));
    };
    return {
      async write(chunk) {
        await writeAll(await file(), chunk);
      },
      async close() {
        try {
          const h = await file();
          await h.sync();
          await h.close();
          await rename(temp, path);
        } catch (error) {
          await discard();
          throw error;
        }
      },
      abort: discard,
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
        else if (!isTemp(entry.name) && !isLock(entry.name)) out.push(this.keyOf(full));
      }
    };
    await walk(base);
    return out.sort();
  }

  private keyOf(path: string): string {
    return relative(this.root, path).split(sep).join('/');
  }

  async delete(key: string): Promise<void> {
    const path = this.path(key);
    await rm(path, { force: true });
    await this.prune(dirname(path));
  }

  /**
   * What killed writers left: temporary files last written before `before`, and locks as old whose holder is not
   * a running process of this host. Removed (with the folders that leaves empty) unless it is a dry run.
   */
  async sweep(before: Date, dryRun = false): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) { await walk(full); continue; }
        const info = await stat(full).catch(() => null);
        if (!info || info.mtimeMs > before.getTime()) continue;
        if (isTemp(entry.name) || (isLock(entry.name) && (await lockHolderAlive(full)) !== true)) {
          found.push(this.keyOf(full));
          if (!dryRun) await rm(full, { force: true });
        }
      }
      if (!dryRun && dir !== this.root) await rmdir(dir).catch(() => {});
    };
    await walk(this.root);
    return found.sort();
  }

  locate(key: string): string {
    return this.path(key);
  }
}
