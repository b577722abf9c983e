import { mkdir, open, readFile, rename, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { lockFile } from '../storage/lock.ts';

/**
 * What the local audit trail does to the disk, one call per operation, so that a test can fail any one of them
 * (a full disk) and show that the trail is left as it was.
 */
export interface TrailFiles {
  /** The file's bytes; empty when there is no file. */
  read(path: string): Promise<Buffer>;
  /** The file's length in bytes; 0 when there is no file. */
  size(path: string): Promise<number>;
  /** Appends and syncs. On failure part of the text may have landed (a disk that filled up mid-write). */
  append(path: string, text: string): Promise<void>;
  /** Replaces the file whole: a temporary file, synced, renamed over it. */
  replace(path: string, text: string): Promise<void>;
  truncate(path: string, size: number): Promise<void>;
  /** Held by one process sharing the data dir at a time; the returned function releases it. */
  lock(path: string): Promise<() => Promise<void>>;
}

const absent = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

async function writeSynced(path: string, text: string, flags: 'a' | 'w') {
  const handle = await open(path, flags, 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export const nodeTrailFiles: TrailFiles = {
  read: (path) => readFile(path).catch((error) => { if (absent(error)) return Buffer.alloc(0); throw error; }),
  size: (path) => stat(path).then((s) => s.size, (error) => { if (absent(error)) return 0; throw error; }),
  append: (path, text) => writeSynced(path, text, 'a'),
  async replace(path, text) {
    await writeSynced(`${path}.tmp`, text, 'w');
    await rename(`${path}.tmp`, path);
  },
  truncate: (path, size) => truncate(path, size),
  async lock(path) {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    return lockFile(path);
  },
};
