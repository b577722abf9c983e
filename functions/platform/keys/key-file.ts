import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Creates a key file whole or not at all: the key goes to a temporary file, flushed to disk, then is linked into
 * place, which fails if the file exists. A full disk or a killed process leaves no empty or partial key, and when
 * two processes create it at once one wins and both use its key. Returns false if the file was there already.
 */
export async function createKeyFile(path: string, content: string): Promise<boolean> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path);
    const folder = await open(dir, 'r');
    await folder.sync().finally(() => folder.close());
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** A key file that cannot be used, said in the service's own words (a path and a remedy, never the file's text). */
export class KeyFileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileProblem';
  }
}

/** A key file's text, refused if other users can read it. */
export async function readKeyFile(path: string, what: string): Promise<string> {
  if (((await stat(path)).mode & 0o077) !== 0) throw new KeyFileProblem(`${what} ${path} can be read by other users; run: chmod 600 ${path}`);
  return readFile(path, 'utf8');
}

/** Says what to do about a key file that is there but holds no usable key (a run stopped while writing it). */
export const damagedKeyFile = (what: string, path: string, text: string, remedy: string) =>
  new KeyFileProblem(`${what} ${path} is ${text.trim() ? 'damaged' : 'empty'} (a run that was creating it was probably interrupted): ${remedy}`);
