import type { ObjectWriter, PutOptions } from '../../functions/platform/storage/port.ts';
import { FsStorage } from '../../functions/platform/storage/fs.ts';

/**
 * Filesystem storage that calls `step` after each operation it completes, and waits for it: a parent that kills
 * the process at the kth step stops it at a known point. Its own get is what a conditional put calls while it
 * holds the lock, so a step can fall inside a catalog commit.
 */
export class PausingStorage extends FsStorage {
  constructor(root: string, private readonly step: (what: string) => Promise<void>) { super(root); }

  async get(key: string) { const out = await super.get(key); await this.step(`get ${key}`); return out; }
  async put(key: string, body: Uint8Array | string, options?: PutOptions) { const out = await super.put(key, body, options); await this.step(`put ${key}`); return out; }
  async delete(key: string) { await super.delete(key); await this.step(`delete ${key}`); }

  openWriter(key: string): ObjectWriter {
    const writer = super.openWriter(key);
    return {
      write: async (chunk) => { await writer.write(chunk); await this.step(`write ${key}`); },
      close: async () => { await writer.close(); await this.step(`close ${key}`); },
      abort: () => writer.abort(),
    };
  }
}
