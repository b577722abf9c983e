/** Secret keys. They never leave the key store except as the derived keys handed to the pseudonymiser. */
export interface KeyStore {
  /** The current key for person and record keys, with its version ("v1"). */
  pseudonymisationKey(): Promise<{ version: string; key: Buffer }>;
  /** The key that encrypts one partner's own record references (AES-256-GCM, 32 bytes); current version by default. */
  referenceKey(partner: string, version?: string): Promise<{ version: string; key: Buffer }>;
  /** The key the audit trail's chain and head are HMACs under; current version by default. */
  auditKey(version?: string): Promise<{ version: string; key: Buffer }>;
}
