import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codeOf = (error: unknown) => (error as NodeJS.ErrnoException)?.code;
/** Who holds a lock, written into it: a waiter on this host can tell that the holder has died. */
const holder = () => `${hostname()} ${process.pid}`;
const STALE_MS = 30_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

/** Whether the process named in a lock still runs: null when the lock names none of this host. */
export async function lockHolderAlive(lockPath: string): Promise<boolean | null> {
  const [host, pid] = (await readFile(lockPath, 'utf8').catch(() => '')).split(' ');
  return host === hostname() && Number(pid) > 0 ? alive(Number(pid)) : null;
}

/** A lock whose holder died: it names a process of this host that is gone, or it is untouched for 30 s. */
async function abandoned(lockPath: string): Promise<boolean> {
  const info = await stat(lockPath).catch(() => null);
  if (!info) return false;
  return (await lockHolderAlive(lockPath)) === false || info.mtimeMs <= Date.now() - STALE_MS;
}

async function createLock(lockPath: string) {
  for (let attempt = 0; ; attempt++) {
    await mkdir(dirname(lockPath), { recursive: true });
    try {
      return await open(lockPath, 'wx', 0o600);
    } catch (error) {
      // A concurrent deletion may prune the folder between mkdir and open.
      if (codeOf(error) !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

/**
 * Holds `<path>.lock` (created exclusively, naming its holder) until the returned release is called, so that
 * processes sharing the data dir take turns. A lock whose holder is gone, or untouched for 30 s, is taken over.
 */
export async function lockFile(path: string, label = path): Promise<() => Promise<void>> {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await createLock(lockPath);
      try {
        await handle.writeFile(holder());
        await handle.close();
      } catch (error) {
        await handle.close().catch(() => {});
        await unlink(lockPath).catch(() => {});
        throw error;
      }
      return () => unlink(lockPath).catch(() => {});
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error;
      if (await abandoned(lockPath)) await unlink(lockPath).catch(() => {});
      if (attempt > 400) throw new Error(`timed out waiting for the lock on ${label}`);
      await sleep(5 + Math.random() * 20);
    }
  }
}
