import { createHmac } from 'node:crypto';
import type { KeyStore } from '../keys/port.ts';
import type { AuditEntry } from './port.ts';

/** Where the audit sinks get the key their chain is HMACs under. */
export type AuditKeys = Pick<KeyStore, 'auditKey'>;

/** The `prev` of the first entry of a chain. */
export const GENESIS = '0'.repeat(64);

/** An entry's link in a chain: HMAC-SHA256 under the audit key over the previous link, its place and the entry. */
export const chainHash = (key: Buffer, prev: string, seq: number, entry: AuditEntry) =>
  createHmac('sha256', key).update(`${prev}\n${seq}\n${JSON.stringify(entry)}`).digest('hex');

/** The audit keys by version, each fetched once; null for a version the key store does not hold. */
export function keysByVersion(keys: AuditKeys): (version: string) => Promise<Buffer | null> {
  const known = new Map<string, Promise<Buffer | null>>();
  return (version) => {
    if (!known.has(version)) known.set(version, keys.auditKey(version).then((k) => k.key, () => null));
    return known.get(version)!;
  };
}
