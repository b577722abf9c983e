import { hkdfSync } from 'node:crypto';
import { z } from 'zod';

/**
 * The one secret behind every key, with its versions: a key file locally, a Secrets Manager secret in AWS, the
 * same JSON either way. Rotation adds a version and makes it current; old versions stay for earlier references.
 */
export const KeySecret = z.object({
  current: z.string().regex(/^v\d+$/),
  keys: z.record(z.string(), z.string().min(40)),
  created_at: z.string(),
});
export type KeySecret = z.infer<typeof KeySecret>;

function secretOf(doc: KeySecret, version?: string): { version: string; secret: Buffer } {
  const v = version ?? doc.current;
  const key = doc.keys[v];
  if (!key) throw new Error(`no key of version ${v} in the key store`);
  return { version: v, secret: Buffer.from(key, 'base64') };
}

const derive = (secret: Buffer, info: string) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));

/** Person and record keys: HKDF of the current secret. */
export function pseudonymisationKeyOf(doc: KeySecret) {
  const { version, secret } = secretOf(doc);
  return { version, key: derive(secret, 'vrn person and record keys') };
}

/** One partner's reference key: HKDF of the secret of the given (or current) version, bound to the partner. */
export function referenceKeyOf(doc: KeySecret, partner: string, version?: string) {
  const { version: v, secret } = secretOf(doc, version);
  return { version: v, key: derive(secret, `vrn record references of ${partner}`) };
}

/** The key that chains the audit trail (HMAC-SHA256): HKDF of the secret of the given (or current) version. */
export function auditKeyOf(doc: KeySecret, version?: string) {
  const { version: v, secret } = secretOf(doc, version);
  return { version: v, key: derive(secret, 'vrn audit trail chain') };
}
