import { randomBytes } from 'node:crypto';
import { createKeyFile, damagedKeyFile, readKeyFile } from './key-file.ts';
import type { KeyStore } from './port.ts';
import { KeySecret as KeyFile, auditKeyOf, pseudonymisationKeyOf, referenceKeyOf } from './secret.ts';

/**
 * Local key store: one JSON file, created whole on first use with mode 0600 and refused if others can read it.
 * Person keys and each partner's reference key are derived from the current secret with HKDF, so one secret
 * (and its version) is all there is to keep and rotate.
 */
export class FileKeyStore implements KeyStore {
  private loaded: Promise<KeyFile> | null = null;
  constructor(readonly path: string) {}

  private load(): Promise<KeyFile> {
    // A failure (a full disk) is not kept: the next call tries again.
    return (this.loaded ??= this.readOrCreate().catch((error) => { this.loaded = null; throw error; }));
  }

  private async readOrCreate(): Promise<KeyFile> {
    const fresh: KeyFile = { current: 'v1', keys: { v1: randomBytes(32).toString('base64') }, created_at: new Date().toISOString() };
    if (await createKeyFile(this.path, JSON.stringify(fresh, null, 2))) return fresh;
    const text = await readKeyFile(this.path, 'key file');
    let parsed: ReturnType<typeof KeyFile.safeParse> | null = null;
    try {
      parsed = KeyFile.safeParse(JSON.parse(text));
    } catch {
      // Not JSON; said below without quoting it (it holds key material).
    }
    if (!parsed?.success || !parsed.data.keys[parsed.data.current]) {
      // Never replaced here: every pseudonym made so far depends on the key.
      throw damagedKeyFile('the pseudonymisation key file', this.path, text,
        'if nothing was ever ingested into this data dir, delete the file and run again; otherwise restore it from a backup, for every stored pseudonym depends on it');
    }
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
