import * as crypto from 'node:crypto';

/**
 * SHA-256 of a short text in one call: `crypto.hash` (Node 20.12 and later) takes half the CPU of createHash's
 * update and digest, which linking calls for every record id and auto-linked pair (millions at scale 10).
 */
export function sha256(text: string): Buffer;
export function sha256(text: string, encoding: 'hex' | 'base64url'): string;
export function sha256(text: string, encoding?: 'hex' | 'base64url'): Buffer | string {
  if (oneShot) return oneShot('sha256', text, encoding ?? 'buffer');
  const digest = crypto.createHash('sha256').update(text);
  return encoding ? digest.digest(encoding) : digest.digest();
}

const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: string, encoding: string) => Buffer & string }).hash;
