import { createHash, createHmac } from 'node:crypto';
import { chainHash as keyedHash, GENESIS, keysByVersion, type AuditKeys } from './chain.ts';
import type { AuditEntry, AuditFilter, AuditSink } from './port.ts';
import { nodeTrailFiles, type TrailFiles } from './trail-files.ts';

/**
 * One line of the trail: the entry, its place, and `hash`, an HMAC-SHA256 under the audit key (version `key`) over
 * the previous line's hash and this entry. Lines written before the trail was keyed have no `key`, and their hash is
 * a plain SHA-256.
 */
interface TrailLine { seq: number; prev: string; key?: string; hash: string; entry: AuditEntry }

/** The head: the last committed line and the trail's length in bytes up to it, with an HMAC under the audit key. */
interface Head { seq: number; hash: string; bytes: number; key: string; mac: string }

/** The trail cannot be continued without hiding what was done to it: `vrn audit verify` says what. */
export class AuditTrailBroken extends Error {
  constructor(reason: string) {
    super(`the audit trail cannot be continued: ${reason}; run vrn audit verify`);
    this.name = 'AuditTrailBroken';
  }
}

interface Tail { seq: number; hash: string; bytes: number }

const unkeyedHash = (prev: string, seq: number, entry: AuditEntry) => createHash('sha256').update(`${prev}\n${seq}\n${JSON.stringify(entry)}`).digest('hex');
const headMac = (key: Buffer, { seq, hash, bytes }: Tail) => createHmac('sha256', key).update(`head\n${seq}\n${hash}\n${bytes}`).digest('hex');
const bytesOf = (text: string) => Buffer.byteLength(text, 'utf8');
const linesOf = (bytes: Buffer) => bytes.toString('utf8').split('\n').filter((l) => l !== '');

/**
 * Local audit trail: an append-only JSON-lines file whose lines form an HMAC chain, and a head file naming the last
 * committed line and the trail's length, itself signed. Editing a line breaks its HMAC; deleting or reordering lines
 * breaks the chain; cutting lines off the end disagrees with the head; and none of it can be recomputed without the
 * key. An append is all or nothing: the lines and then the head, and if either fails the lines are cut back (or, if
 * even that fails, cut by the next append: nothing past the head was ever acknowledged, and nothing reads it).
 * Appends hold a lock file, so `vrn serve` and a CLI command sharing the data dir take turns.
 */
export class FileAuditSink implements AuditSink {
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: { entry: AuditEntry; done: () => void; failed: (error: Error) => void }[] = [];

  constructor(readonly path: string, private readonly keys: AuditKeys, private readonly files: TrailFiles = nodeTrailFiles) {}

  private get headPath() { return `${this.path}.head`; }

  /**
   * Resolves once the entry is committed. Entries that arrive while a write is under way go together in the next
   * one (one append and one head update for the lot), so a busy server does not queue a write per request.
   */
  append(entry: AuditEntry): Promise<void> {
    return new Promise((done, failed) => {
      this.waiting.push({ entry, done, failed });
      if (this.waiting.length === 1) this.queue = this.queue.then(() => this.writeWaiting());
    });
  }

  private async writeWaiting(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      await this.commit(batch.map((w) => w.entry));
      for (const { done } of batch) done();
    } catch (error) {
      for (const { failed } of batch) failed(error as Error);
    }
  }

  private async commit(entries: AuditEntry[]): Promise<void> {
    const release = await this.files.lock(this.path);
    try {
      const start = await this.tail();
      const { version, key } = await this.keys.auditKey();
      let last = start;
      const text = entries.map((entry) => {
        const seq = last.seq + 1;
        const line: TrailLine = { seq, prev: last.hash, key: version, hash: keyedHash(key, last.hash, seq, entry), entry };
        last = { seq, hash: line.hash, bytes: 0 };
        return JSON.stringify(line) + '\n';
      }).join('');
      last.bytes = start.bytes + bytesOf(text);
      try {
        await this.files.append(this.path, text);
        await this.writeHead(last, version, key);
      } catch (error) {
        await this.files.truncate(this.path, start.bytes).catch(() => {});
        throw error;
      }
    } finally {
      await release();
    }
  }

  private writeHead(tail: Tail, version: string, key: Buffer) {
    const head: Head = { ...tail, key: version, mac: headMac(key, tail) };
    return this.files.replace(this.headPath, JSON.stringify(head));
  }

  /** The head as written, or null when there is none; a head that does not parse is broken. */
  private async readHead(): Promise<Partial<Head> | null> {
    const text = (await this.files.read(this.headPath)).toString('utf8');
    if (text === '') return null;
    try {
      return JSON.parse(text) as Partial<Head>;
    } catch {
      return { mac: '' };
    }
  }

  /** The head if its HMAC holds under the audit key of its version, else null. */
  private async signedHead(head: Partial<Head>): Promise<Head | null> {
    if (typeof head.mac !== 'string' || typeof head.key !== 'string' || !Number.isInteger(head.bytes)) return null;
    const key = await this.keys.auditKey(head.key).then((k) => k.key, () => null);
    return key && headMac(key, head as Head) === head.mac ? head as Head : null;
  }

  /** Where the next line goes (under the lock): the signed head, with anything past it cut off as never committed. */
  private async tail(): Promise<Tail> {
    const written = await this.readHead();
    if (written?.mac !== undefined) {
      const head = await this.signedHead(written);
      if (!head) throw new AuditTrailBroken('its head is not signed with the audit key');
      const size = await this.files.size(this.path);
      if (size > head.bytes) await this.files.truncate(this.path, head.bytes);
      // A trail shorter than its head has lost lines: carry on from the head, so verify shows the gap where they were.
      return { seq: head.seq, hash: head.hash, bytes: Math.min(size, head.bytes) };
    }
    return this.anchorUnkeyed();
  }

  /**
   * A trail with no signed head predates keying (or is new): its last whole unkeyed line is signed into a head
   * first, so that every keyed line ever written sits after a signed head.
   */
  private async anchorUnkeyed(): Promise<Tail> {
    const bytes = await this.files.read(this.path);
    const whole = bytes.subarray(0, bytes.lastIndexOf(10) + 1);
    const lines = linesOf(whole);
    let last: TrailLine | null = null;
    try {
      last = lines.length ? JSON.parse(lines[lines.length - 1]!) as TrailLine : null;
    } catch {
      throw new AuditTrailBroken('its last line is not a JSON line');
    }
    if (last?.key !== undefined) throw new AuditTrailBroken('its lines are keyed but its head is missing or unsigned');
    if (whole.length < bytes.length) await this.files.truncate(this.path, whole.length);
    const tail = last ? { seq: last.seq, hash: last.hash, bytes: whole.length } : { seq: 0, hash: GENESIS, bytes: 0 };
    const { version, key } = await this.keys.auditKey();
    await this.writeHead(tail, version, key);
    return tail;
  }

  /** The committed lines: up to the head, read first so that a concurrent append's uncommitted lines are not seen. */
  private async committed(): Promise<{ head: Partial<Head> | null; lines: string[]; short: boolean; uncommitted: number }> {
    const head = await this.readHead();
    const bytes = await this.files.read(this.path);
    const end = typeof head?.bytes === 'number' ? head.bytes : bytes.lastIndexOf(10) + 1;
    return { head, lines: linesOf(bytes.subarray(0, end)), short: bytes.length < end, uncommitted: Math.max(0, bytes.length - end) };
  }

  async read(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    await this.queue;
    const entries = (await this.committed()).lines.map((l) => (JSON.parse(l) as TrailLine).entry).filter((e) =>
      (!filter.from || e.time >= filter.from) && (!filter.to || e.time <= filter.to)
      && (!filter.user || e.user === filter.user) && (!filter.outcome || e.outcome === filter.outcome));
    return filter.limit ? entries.slice(-filter.limit) : entries;
  }

  /**
   * Checks the chain and the head under the audit key: the problems found, each naming the line; empty when the
   * trail is whole. `unkeyed` counts the lines from before keying at its start (a plain SHA-256 chain, whole only
   * when a keyed line or a signed head follows them); `uncommitted` the bytes an incomplete append left past the
   * head, which nothing reads and the next append removes.
   */
  async verify(): Promise<{ entries: number; unkeyed: number; uncommitted: number; problems: string[] }> {
    await this.queue;
    const { head, lines, short, uncommitted } = await this.committed();
    const problems: string[] = [];
    const keyOf = keysByVersion(this.keys);
    let prev = GENESIS;
    let seq = 0;
    let unkeyed = 0;
    let keyed = false;
    for (const [i, text] of lines.entries()) {
      const at = `line ${i + 1}`;
      let line: TrailLine;
      try {
        line = JSON.parse(text) as TrailLine;
      } catch {
        problems.push(`${at}: not a JSON line`);
        continue;
      }
      if (line.seq !== seq + 1) problems.push(`${at}: entry ${line.seq} follows entry ${seq} (lines deleted or reordered)`);
      if (line.prev !== prev) problems.push(`${at}: does not chain onto the line before it (lines deleted or reordered)`);
      if (line.key === undefined) {
        if (keyed) problems.push(`${at}: has no HMAC, after keyed lines (rewritten without the key)`);
        else unkeyed++;
        if (unkeyedHash(line.prev, line.seq, line.entry) !== line.hash) problems.push(`${at}: its hash does not match its content (the line was edited)`);
      } else {
        keyed = true;
        const key = await keyOf(line.key);
        if (!key) problems.push(`${at}: keyed with version ${line.key}, which the key store does not hold`);
        else if (keyedHash(key, line.prev, line.seq, line.entry) !== line.hash) {
          problems.push(`${at}: its HMAC does not match its content (the line was edited, or its hash recomputed without the key)`);
        }
      }
      prev = line.hash;
      seq = line.seq;
    }
    if (!head) {
      if (lines.length) problems.push('the head file is missing');
    } else if (head.mac === undefined) {
      if (keyed) problems.push('the head is not signed (rewritten without the key)');
      else if (lines.length) problems.push(`the trail predates keying: its ${lines.length} lines chain under plain SHA-256, which anyone who can write the file can recompute; the next entry appended anchors them under the audit key`);
    } else if (!(await this.signedHead(head))) {
      problems.push('the head\'s HMAC does not match it (the head was rewritten without the key)');
    } else if (short || head.seq !== seq || head.hash !== prev) {
      problems.push(`the trail ends at entry ${seq} but the head records entry ${head.seq} (lines cut from the end)`);
    }
    return { entries: lines.length, unkeyed, uncommitted, problems };
  }
}
