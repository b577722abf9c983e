import { randomBytes } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuditEntry, AuditFilter, AuditSink } from './port.ts';

/** `audit/YYYY/MM/DD/<time>-<random>.json`: keys sort by time, and a day's entries share a prefix. */
const dayPrefix = (iso: string) => `audit/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/`;
const DAY_MS = 86_400_000;

/**
 * The audit trail in AWS: one object per entry in the audit bucket, whose Object Lock default retention makes
 * each entry impossible to change or delete until it expires (governance or compliance mode, set by the stage).
 * Nothing is ever overwritten: each entry gets a key of its own, written with If-None-Match.
 */
export class S3AuditSink implements AuditSink {
  constructor(private readonly client: S3Client, private readonly bucket: string) {}

  async append(entry: AuditEntry): Promise<void> {
    const key = `${dayPrefix(entry.time)}${entry.time}-${randomBytes(6).toString('hex')}.json`;
    await this.client.send(new PutObjectCommand({
      Bucket: this.bucket, Key: key, Body: JSON.stringify(entry), ContentType: 'application/json',
      // Object Lock requires an integrity checksum on every write.
      ChecksumAlgorithm: 'SHA256', IfNoneMatch: '*',
    }));
  }

  /** Entries matching the filter, oldest first; with a limit, the first `limit` of them. */
  async read(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    for (const prefix of this.prefixes(filter)) {
      for (const key of await this.keys(prefix)) {
        const entry = await this.entry(key);
        if (filter.from && entry.time < filter.from) continue;
        if (filter.to && entry.time > filter.to) continue;
        if (filter.user && entry.user !== filter.user) continue;
        if (filter.outcome && entry.outcome !== filter.outcome) continue;
        entries.push(entry);
        if (filter.limit !== undefined && entries.length >= filter.limit) return entries;
      }
    }
    return entries;
  }

  /** One prefix per day when the filter bounds the time (at most a year of days), else the whole trail. */
  private prefixes({ from, to }: AuditFilter): string[] {
    if (!from) return ['audit/'];
    const first = Date.parse(from.slice(0, 10));
    const last = Date.parse((to ?? new Date().toISOString()).slice(0, 10));
    if (!(last - first <= 366 * DAY_MS)) return ['audit/'];
    const days: string[] = [];
    for (let t = first; t <= last; t += DAY_MS) days.push(dayPrefix(new Date(t).toISOString()));
    return days;
  }

  private async keys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) keys.push(object.Key!);
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  private async entry(key: string): Promise<AuditEntry> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse(await out.Body!.transformToString()) as AuditEntry;
  }
}
