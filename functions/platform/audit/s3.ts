import { GetObjectCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { chainHash, GENESIS, keysByVersion, type AuditKeys } from './chain.ts';
import type { AuditEntry, AuditFilter, AuditSink } from './port.ts';

/** One object: the entry, its place in its day's chain, and the HMAC linking it to the one before. */
interface Link { seq: number; prev: string; key: string; hash: string; entry: AuditEntry }
interface Tail { seq: number; hash: string }

const DAY_MS = 86_400_000;
/** Days looked back for the chain a new day continues. */
const LOOK_BACK_DAYS = 31;
const dayOf = (iso: string) => iso.slice(0, 10);
const dayPrefix = (day: string) => `audit/${day.slice(0, 4)}/${day.slice(5, 7)}/${day.slice(8, 10)}/`;
const dayBefore = (day: string) => new Date(Date.parse(day) - DAY_MS).toISOString().slice(0, 10);
/**
 * `audit/YYYY/MM/DD/<999999999 - seq>.json`: a day's entries share a prefix, and the newest lists first, so the end
 * of a day's chain is one list request away. The key is the claim on the place: written with If-None-Match, two
 * writers cannot both take entry `seq` of a day.
 */
const keyOf = (day: string, seq: number) => `${dayPrefix(day)}${String(999_999_999 - seq).padStart(9, '0')}.json`;
const seqOfKey = (key: string) => { const m = /\/(\d{9})\.json$/.exec(key); return m ? 999_999_999 - Number(m[1]) : null; };
const statusOf = (error: unknown) => (error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined);

/**
 * The audit trail in AWS: one object per entry in the audit bucket, whose Object Lock default retention makes each
 * entry impossible to change or delete until it expires (governance or compliance mode, set by the stage). Each
 * day's entries form an HMAC chain under the audit key, and a day's first entry links to the last entry of the
 * day before it that has any, so that an entry deleted under a governance bypass (or a whole day) breaks the chain
 * of the entries after it, and nobody without the key can write entries to mend it. Trailing entries of the
 * newest day have nothing after them yet: only Object Lock keeps those.
 */
export class S3AuditSink implements AuditSink {
  /** The end of each day's chain as this writer last saw it; another writer may have gone on since. */
  private readonly tails = new Map<string, Tail>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: S3Client, private readonly bucket: string, private readonly keys: AuditKeys) {}

  /** One append at a time from this writer; writers elsewhere are kept apart by the If-None-Match on each place. */
  append(entry: AuditEntry): Promise<void> {
    const run = this.queue.then(() => this.write(entry));
    this.queue = run.catch(() => {});
    return run;
  }

  private async write(entry: AuditEntry): Promise<void> {
    const day = dayOf(entry.time);
    const { version, key } = await this.keys.auditKey();
    let tail = this.tails.get(day) ?? await this.newest(day) ?? { seq: 0, hash: await this.endBefore(day) };
    for (let attempt = 0; attempt < 100; attempt++) {
      const seq = tail.seq + 1;
      const link: Link = { seq, prev: tail.hash, key: version, hash: chainHash(key, tail.hash, seq, entry), entry };
      const body = JSON.stringify(link);
      try {
        await this.client.send(new PutObjectCommand({
          Bucket: this.bucket, Key: keyOf(day, seq), Body: body, ContentType: 'application/json',
          // Object Lock requires an integrity checksum on every write.
          ChecksumAlgorithm: 'SHA256', IfNoneMatch: '*',
        }));
      } catch (error) {
        if (statusOf(error) !== 412 && statusOf(error) !== 409) throw error;
        // Another writer took the place, or a retried request of ours landed before: chain onto what is there.
        const there = await this.link(keyOf(day, seq));
        if (JSON.stringify(there) === body) return void this.tails.set(day, there);
        tail = (await this.newest(day)) ?? there;
        continue;
      }
      this.tails.set(day, { seq, hash: link.hash });
      return;
    }
    throw new Error('the audit trail is too busy: no place for the entry after 100 tries');
  }

  /** The newest entry of a day, or null when the day has none. (One key and no paging: the first list API will do.) */
  private async newest(day: string): Promise<Tail | null> {
    const page = await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: dayPrefix(day), MaxKeys: 1 }));
    const key = page.Contents?.[0]?.Key;
    return key && seqOfKey(key) !== null ? this.link(key) : null;
  }

  /** Where a new day's chain starts: the newest entry of the nearest earlier day with entries, within a month. */
  private async endBefore(day: string): Promise<string> {
    for (let d = dayBefore(day), i = 0; i < LOOK_BACK_DAYS; d = dayBefore(d), i++) {
      const tail = await this.newest(d);
      if (tail) return tail.hash;
    }
    return GENESIS;
  }

  private async link(key: string): Promise<Link> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse(await out.Body!.transformToString()) as Link;
  }

  /** The entry of an object: a chained one, or one written before the chain (the bare entry). */
  private async entry(key: string): Promise<AuditEntry> {
    const body = await this.link(key) as Link | AuditEntry;
    return 'hash' in body && 'entry' in body ? body.entry : body as AuditEntry;
  }

  /** Entries matching the filter, oldest first; with a limit, the first `limit` of them. */
  async read(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    await this.queue;
    const entries: AuditEntry[] = [];
    for (const prefix of this.prefixes(filter)) {
      const day: AuditEntry[] = [];
      for (const key of await this.listKeys(prefix)) {
        const entry = await this.entry(key);
        if (filter.from && entry.time < filter.from) continue;
        if (filter.to && entry.time > filter.to) continue;
        if (filter.user && entry.user !== filter.user) continue;
        if (filter.outcome && entry.outcome !== filter.outcome) continue;
        day.push(entry);
      }
      entries.push(...day.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)));
      if (filter.limit !== undefined && entries.length >= filter.limit) return entries.slice(0, filter.limit);
    }
    return entries;
  }

  /**
   * Checks every day's chain under the audit key: the problems found, each naming the object; empty when the trail
   * is whole. Objects from before the chain are counted as `unkeyed`: Object Lock alone keeps them.
   */
  async verify(): Promise<{ entries: number; unkeyed: number; problems: string[] }> {
    await this.queue;
    const keyFor = keysByVersion(this.keys);
    const problems: string[] = [];
    const days = new Map<string, { key: string; seq: number }[]>();
    let unkeyed = 0;
    for (const key of await this.listKeys('audit/')) {
      const seq = seqOfKey(key);
      if (seq === null) { unkeyed++; continue; }
      const day = key.slice(6, 16).replaceAll('/', '-');
      days.set(day, [...(days.get(day) ?? []), { key, seq }]);
    }
    let entries = unkeyed;
    const hashes = new Map<string, Set<string>>();
    for (const day of [...days.keys()].sort()) {
      const links = days.get(day)!.sort((a, b) => a.seq - b.seq);
      const seen = new Set<string>();
      let prev: Link | null = null;
      for (const { key, seq } of links) {
        entries++;
        const link = await this.link(key);
        if (seq !== (prev ? prev.seq + 1 : 1)) problems.push(`${key}: entry ${seq} of ${day} follows entry ${prev?.seq ?? 0} (entries deleted)`);
        if (link.seq !== seq || dayOf(link.entry.time) !== day) problems.push(`${key}: its place does not match its key (the object was moved)`);
        const k = await keyFor(link.key);
        if (!k || chainHash(k, link.prev, link.seq, link.entry) !== link.hash) {
          problems.push(`${key}: its HMAC does not match its content (edited, or written without the key)`);
        }
        if (prev && link.prev !== prev.hash) problems.push(`${key}: does not chain onto entry ${prev.seq} (entries deleted)`);
        if (!prev && link.prev !== GENESIS && !this.endedAnEarlierDay(link.prev, day, hashes)) {
          problems.push(`${key}: the first entry of ${day} continues an entry that is not there (entries or a day deleted)`);
        }
        seen.add(link.hash);
        prev = link;
      }
      hashes.set(day, seen);
    }
    return { entries, unkeyed, problems };
  }

  private endedAnEarlierDay(hash: string, day: string, hashes: Map<string, Set<string>>): boolean {
    return [...hashes.entries()].some(([d, seen]) => d < day && seen.has(hash));
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

  private async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) keys.push(object.Key!);
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }
}
