import { open, stat, unlink } from 'node:fs/promises';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Holds `<path>.lock` (created exclusively) until the returned release is called, so that processes sharing the
 * data dir take turns. A lock older than 30 s belongs to a process that died holding it and is taken over.
 */
export async function lockFile(path: string): Promise<() => Promise<void>> {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.close();
      return () => unlink(lockPath).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await stat(lockPath).catch(() => null);
      if (info && Date.now() - info.mtimeMs > 30_000) await unlink(lockPath).catch(() => {});
      if (attempt > 400) throw new Error(`timed out waiting for the lock on ${path}`);
      await sleep(5 + Math.random() * 20);
    }
  }
}
