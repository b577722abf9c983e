import type { Agreement } from '../../schemas/agreement.ts';
import type { Area } from '../../schemas/area/index.ts';
import type { Deployment } from '../../schemas/deployments/index.ts';
import type { AuditSink } from './audit/port.ts';
import type { Catalog } from './catalog/catalog.ts';
import type { KeyStore } from './keys/port.ts';
import type { SqlEngine } from './sql/port.ts';
import type { Storage } from './storage/port.ts';

/** What the core needs from the world, chosen by configuration: the same business code runs locally and in AWS. */
export interface Platform {
  storage: Storage;
  keys: KeyStore;
  catalog: Catalog;
  /** The VRU this is: its area, agreement, cohort rules, names and local users (schemas/deployments/). */
  deployment: Deployment;
  /** The deployment's area and agreement (the same values as `deployment.area`, `deployment.agreement`). */
  area: Area;
  agreement: Agreement;
  /** Where every request to the API and portal is recorded. */
  audit: AuditSink;
  /** Opens the SQL engine over the rows that count (DuckDB locally, Athena in AWS); the caller closes it. */
  openSql(): Promise<SqlEngine>;
  now(): Date;
}
