import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyStore } from './port.ts';
import { KeySecret as KeyFile, auditKeyOf, pseudonymisationKeyOf, referenceKeyOf } from './secret.ts';

/**
 * Local key store: one JSON file, created on first use with mode 0600 and refused if others can read it.
 * Person keys and each partner's reference key are derived from the current secret with HKDF, so one secret
 * (and its version) is all there is to keep and rotate.
 */
export class FileKeyStore implements KeyStore {
  private loaded: Promise<KeyFile> | null = null;
  constructor(readonly path: string) {}

  private load(): Promise<KeyFile> {
    return (this.loaded ??= this.readOrCreate());
  }

  private async readOrCreate(): Promise<KeyFile> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const fresh: KeyFile = { current: 'v1', keys: { v1: randomBytes(32).toString('base64') }, created_at: new Date().toISOString() };
    try {
      const handle = await open(this.path, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(fresh, null, 2));
      await handle.sync();
      await handle.close();
      return fresh;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const info = await stat(this.path);
    if ((info.mode & 0o077) !== 0) {
      throw new Error(`key file ${this.path} can be read by other users; run: chmod 600 ${this.path}`);
    }
    const parsed = KeyFile.safeParse(JSON.parse(await readFile(this.path, 'utf8')));
    if (!parsed.success || !parsed.data.keys[parsed.data.current]) throw new Error(`key file ${this.path} is not a valid key file`);
    return parsed.data;
  }

  async pseudonymisationKey() {
    return pseudonymisationKeyOf(await this.load());
  }

  async referenceKey(partner: string, version?: string) {
    return referenceKeyOf(await this.load(), partner, version);
  }

  async auditKey(version?: string) {
    return auditKeyOf(await this.load(), version);
  }
}
