import { join, resolve } from 'node:path';
import { agreement } from '../../schemas/agreement.ts';
import { llr } from '../../schemas/area/index.ts';
import { FileAuditSink } from './audit/file.ts';
import { Catalog } from './catalog/catalog.ts';
import { FileKeyStore } from './keys/file.ts';
import type { Platform } from './platform.ts';
import { FsStorage } from './storage/fs.ts';

export const defaultDataDir = () => process.env.VRN_DATA_DIR ?? '.data';
export const localAuditFile = (dataDir: string) => join(resolve(dataDir), 'audit', 'trail.jsonl');

/** Local mode: the filesystem under the data dir, a 0600 key file, an HMAC-chained audit file, the LLR area and agreement. */
export function localPlatform(dataDir: string = defaultDataDir(), overrides: Partial<Platform> = {}): Platform {
  const storage = overrides.storage ?? new FsStorage(join(resolve(dataDir), 'store'));
  const keys = overrides.keys ?? new FileKeyStore(join(resolve(dataDir), 'keys', 'pseudonymisation-key.json'));
  const platform: Platform = {
    storage,
    keys,
    catalog: new Catalog(storage),
    area: llr,
    agreement,
    audit: new FileAuditSink(localAuditFile(dataDir), keys),
    now: () => new Date(),
    // DuckDB's native module loads only when SQL is first needed.
    openSql: async () => (await import('./sql/duckdb.ts')).DuckDbEngine.open(platform),
    ...overrides,
  };
  return platform;
}
