import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyStore } from '../platform/keys/port.ts';
import type { ObjectWriter, Storage } from '../platform/storage/port.ts';

/**
 * The partner's own record references (crime_ref, attendance_id, …), kept only here: beside each extract, outside
 * the tables analysts and Athena query, sealed with the supplying partner's key. Each chunk holds the references
 * of one row group as [record key, reference] pairs, sealed with AES-256-GCM and bound (as associated data) to
 * the dataset, the upload and the chunk's place, so a chunk cannot be moved to another extract unnoticed.
 *
 * Layout: "VRNV1" then, per chunk, [u32 key-version length][version][u32 length][12-byte IV][ciphertext + 16-byte tag].
 */
const MAGIC = Buffer.from('VRNV1');

export const vaultKey = (dataset: string, uploadId: string) => `vault/${dataset}/upload_id=${uploadId}/references.bin`;

const aad = (dataset: string, uploadId: string, chunk: number) => Buffer.from(`${dataset}\x1f${uploadId}\x1f${chunk}`);

export class ReferenceVaultWriter {
  private pairs: [string, string][] = [];
  private chunk = 0;
  private started = false;

  constructor(
    private readonly sink: ObjectWriter,
    private readonly key: { version: string; key: Buffer },
    private readonly dataset: string,
    private readonly uploadId: string,
  ) {}

  add(recordKey: string, reference: string) {
    this.pairs.push([recordKey, reference]);
  }

  /** Seals what was added since the last flush as one chunk. */
  async flush(): Promise<void> {
    if (this.pairs.length === 0) return;
    if (!this.started) { await this.sink.write(MAGIC); this.started = true; }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key.key, iv);
    cipher.setAAD(aad(this.dataset, this.uploadId, this.chunk++));
    const body = Buffer.concat([cipher.update(JSON.stringify(this.pairs), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    this.pairs = [];
    const version = Buffer.from(this.key.version);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(version.length, 0);
    header.writeUInt32BE(iv.length + body.length, 4);
    await this.sink.write(Buffer.concat([header.subarray(0, 4), version, header.subarray(4), iv, body]));
  }

  async close() { await this.flush(); if (!this.started) await this.sink.write(MAGIC); await this.sink.close(); }
  async abort() { await this.sink.abort(); }
}

/** Opens an extract's vault with the partner's key: record key → reference. Callers audit every reveal. */
export async function openReferenceVault(storage: Storage, keys: KeyStore, partner: string, dataset: string, uploadId: string): Promise<Map<string, string>> {
  const object = await storage.get(vaultKey(dataset, uploadId));
  if (!object) throw new Error(`no reference vault for upload ${uploadId}`);
  const bytes = Buffer.from(object.body);
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a reference vault');
  const references = new Map<string, string>();
  let offset = MAGIC.length;
  for (let chunk = 0; offset < bytes.length; chunk++) {
    const versionLength = bytes.readUInt32BE(offset);
    const version = bytes.subarray(offset + 4, offset + 4 + versionLength).toString();
    offset += 4 + versionLength;
    const length = bytes.readUInt32BE(offset);
    const sealed = bytes.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    const { key } = await keys.referenceKey(partner, version);
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAAD(aad(dataset, uploadId, chunk));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const plain = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    for (const [recordKey, reference] of JSON.parse(plain.toString('utf8')) as [string, string][]) references.set(recordKey, reference);
  }
  return references;
}
