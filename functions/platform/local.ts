import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_DEPLOYMENT, DeploymentError } from '../../schemas/deployments/index.ts';
import { FileAuditSink } from './audit/file.ts';
import { Catalog } from './catalog/catalog.ts';
import { deploymentFromEnv } from './deployment.ts';
import { FileKeyStore } from './keys/file.ts';
import type { Platform } from './platform.ts';
import { FsStorage } from './storage/fs.ts';

/** `.data` for the default deployment, `.data-<name>` for another, so that two VRUs' data never share a dir. */
export const defaultDataDir = () => process.env.VRN_DATA_DIR
  ?? (!process.env.VRN_DEPLOYMENT || process.env.VRN_DEPLOYMENT === DEFAULT_DEPLOYMENT ? '.data' : `.data-${process.env.VRN_DEPLOYMENT}`);
const deploymentFile = (dataDir: string) => join(resolve(dataDir), 'deployment');

/** Marks a data dir as one deployment's (done when its sample is loaded); localPlatform then refuses any other. */
export function markDataDir(dataDir: string, deployment: string): void {
  if (!existsSync(deploymentFile(dataDir))) writeFileSync(deploymentFile(dataDir), `${deployment}\n`);
}
export const localAuditFile = (dataDir: string) => join(resolve(dataDir), 'audit', 'trail.jsonl');

/** Local mode: the filesystem under the data dir, a 0600 key file, an HMAC-chained audit file, the deployment VRN_DEPLOYMENT names. */
export function localPlatform(dataDir: string = defaultDataDir(), overrides: Partial<Platform> = {}): Platform {
  const storage = overrides.storage ?? new FsStorage(join(resolve(dataDir), 'store'));
  const keys = overrides.keys ?? new FileKeyStore(join(resolve(dataDir), 'keys', 'pseudonymisation-key.json'));
  const deployment = overrides.deployment ?? deploymentFromEnv();
  const marked = existsSync(deploymentFile(dataDir)) ? readFileSync(deploymentFile(dataDir), 'utf8').trim() : null;
  if (marked && marked !== deployment.name) {
    throw new DeploymentError(`the data dir ${resolve(dataDir)} holds deployment "${marked}"'s data, not "${deployment.name}"'s: set VRN_DEPLOYMENT=${marked} or use another --data-dir`);
  }
  const platform: Platform = {
    storage,
    keys,
    catalog: new Catalog(storage),
    deployment,
    area: deployment.area,
    agreement: deployment.agreement,
    audit: new FileAuditSink(localAuditFile(dataDir), keys),
    now: () => new Date(),
    // DuckDB's native module loads only when SQL is first needed.
    openSql: async () => (await import('./sql/duckdb.ts')).DuckDbEngine.open(platform),
    ...overrides,
  };
  return platform;
}
