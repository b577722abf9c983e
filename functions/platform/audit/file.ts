import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditEntry, AuditFilter, AuditSink } from './port.ts';

/** One line of the trail: the entry, its place, and a hash over the previous line's hash and this entry. */
interface TrailLine { seq: number; prev: string; hash: string; entry: AuditEntry }

const GENESIS = '0'.repeat(64);
const lineHash = (prev: string, seq: number, entry: AuditEntry) =>
  createHash('sha256').update(`${prev}\n${seq}\n${JSON.stringify(entry)}`).digest('hex');

/**
 * Local audit trail: an append-only JSON-lines file whose lines form a hash chain, and a head file holding the
 * last line's number and hash. Editing a line breaks its hash; deleting or reordering lines breaks the chain;
 * cutting lines off the end disagrees with the head. (In AWS the trail goes to an Object Lock bucket.)
 */
export class FileAuditSink implements AuditSink {
  private last: Promise<{ seq: number; hash: string }> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  private get headPath() { return `${this.path}.head`; }

  /** Where the chain continues: the head file (cheap however long the trail), else the last line. */
  private async tail(): Promise<{ seq: number; hash: string }> {
    try {
      return JSON.parse(await readFile(this.headPath, 'utf8')) as { seq: number; hash: string };
    } catch {
      // no head yet: an empty trail, or one written before the head existed
    }
    const lines = await this.lines();
    const last = lines[lines.length - 1];
    return last ? JSON.parse(last) as TrailLine : { seq: 0, hash: GENESIS };
  }

  private async lines(): Promise<string[]> {
    try {
      return (await readFile(this.path, 'utf8')).split('\n').filter((l) => l !== '');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private waiting: { entry: AuditEntry; done: () => void; failed: (error: Error) => void }[] = [];

  /**
   * Resolves once the entry is on disk. Entries that arrive while a write is under way go together in the next
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
      let previous = await (this.last ??= mkdir(dirname(this.path), { recursive: true, mode: 0o700 }).then(() => this.tail()));
      const lines = batch.map(({ entry }) => {
        const seq = previous.seq + 1;
        const line: TrailLine = { seq, prev: previous.hash, hash: lineHash(previous.hash, seq, entry), entry };
        previous = { seq, hash: line.hash };
        return JSON.stringify(line) + '\n';
      });
      await appendFile(this.path, lines.join(''), { mode: 0o600 });
      await writeFile(`${this.headPath}.tmp`, JSON.stringify(previous), { mode: 0o600 });
      await rename(`${this.headPath}.tmp`, this.headPath);
      this.last = Promise.resolve(previous);
      for (const { done } of batch) done();
    } catch (error) {
      this.last = null; // re-read the tail before the next write
      for (const { failed } of batch) failed(error as Error);
    }
  }

  async read(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    await this.queue;
    const entries = (await this.lines()).map((l) => (JSON.parse(l) as TrailLine).entry).filter((e) =>
      (!filter.from || e.time >= filter.from) && (!filter.to || e.time <= filter.to)
      && (!filter.user || e.user === filter.user) && (!filter.outcome || e.outcome === filter.outcome));
    return filter.limit ? entries.slice(-filter.limit) : entries;
  }

  /** Checks the chain and the head: the problems found, each naming the line; empty when the trail is whole. */
  async verify(): Promise<{ entries: number; problems: string[] }> {
    await this.queue;
    const lines = await this.lines();
    const problems: string[] = [];
    let prev = GENESIS;
    let seq = 0;
    lines.forEach((text, i) => {
      const at = `line ${i + 1}`;
      let line: TrailLine;
      try {
        line = JSON.parse(text) as TrailLine;
      } catch {
        problems.push(`${at}: not a JSON line`);
        return;
      }
      if (line.seq !== seq + 1) problems.push(`${at}: entry ${line.seq} follows entry ${seq} (lines deleted or reordered)`);
      if (line.prev !== prev) problems.push(`${at}: does not chain onto the line before it (lines deleted or reordered)`);
      if (lineHash(line.prev, line.seq, line.entry) !== line.hash) problems.push(`${at}: its hash does not match its content (the line was edited)`);
      prev = line.hash;
      seq = line.seq;
    });
    let head: { seq: number; hash: string } | null = null;
    try {
      head = JSON.parse(await readFile(this.headPath, 'utf8'));
    } catch {
      if (lines.length) problems.push('the head file is missing or unreadable');
    }
    if (head && (head.seq !== seq || head.hash !== prev)) problems.push(`the trail ends at entry ${seq} but the head records entry ${head.seq} (lines cut from the end)`);
    return { entries: lines.length, problems };
  }
}
