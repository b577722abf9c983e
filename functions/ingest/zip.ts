import { Readable, pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ExtractRejected } from './errors.ts';
import type { ByteSource } from './source.ts';

/**
 * Reading the parts of a zip (an XLSX workbook) from a source that can only be streamed from its start: one pass
 * keeps the file's tail to find the central directory, and each later pass inflates the entries asked for, in
 * the order they lie in the file, each bounded in its inflated size. Nothing here is ever buffered whole.
 */
export interface ZipEntry { name: string; method: number; compressedSize: number; size: number; offset: number }

const TAIL_MAX = 4 << 20;
const EOCD = 0x06054b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50;

export const zipRejected = (message: string) =>
  new ExtractRejected([{ line: null, column: null, code: 'unparseable', message }]);

/** The entries of the zip, by name, from its central directory. */
export async function zipEntries(source: ByteSource): Promise<Map<string, ZipEntry>> {
  const parts: Uint8Array[] = [];
  let kept = 0, total = 0;
  for await (const chunk of source()) {
    parts.push(chunk);
    kept += chunk.length;
    total += chunk.length;
    while (kept - parts[0].length >= TAIL_MAX) kept -= parts.shift()!.length;
  }
  const tail = Buffer.concat(parts);
  const tailStart = total - tail.length;
  let at = -1;
  for (let i = tail.length - 22; i >= Math.max(0, tail.length - 22 - 65_535); i--) {
    if (tail.readUInt32LE(i) === EOCD) { at = i; break; }
  }
  if (at < 0) throw zipRejected('the XLSX workbook is not a complete zip file: save it again from Excel, or send CSV');
  const count = tail.readUInt16LE(at + 10);
  const size = tail.readUInt32LE(at + 12);
  const offset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw zipRejected('the XLSX workbook is a zip64 file, which is not read: send CSV');
  if (offset < tailStart) throw zipRejected('the XLSX workbook has too many parts to read: send CSV');
  const entries = new Map<string, ZipEntry>();
  let p = offset - tailStart;
  for (let n = 0; n < count; n++) {
    if (p + 46 > tail.length || tail.readUInt32LE(p) !== CENTRAL) throw zipRejected('the XLSX workbook\'s zip directory is damaged: save it again from Excel, or send CSV');
    const flags = tail.readUInt16LE(p + 8);
    const nameLength = tail.readUInt16LE(p + 28);
    const name = tail.toString('utf8', p + 46, p + 46 + nameLength);
    if (flags & 1) throw zipRejected('the XLSX workbook is encrypted: remove its password, or send CSV');
    entries.set(name, {
      name, method: tail.readUInt16LE(p + 10), compressedSize: tail.readUInt32LE(p + 20), size: tail.readUInt32LE(p + 24),
      offset: tail.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + tail.readUInt16LE(p + 30) + tail.readUInt16LE(p + 32);
  }
  return entries;
}

/** A forward-only reader over a stream of chunks. */
class Cursor {
  private rest: Uint8Array = new Uint8Array(0);
  pos = 0;
  constructor(private readonly chunks: AsyncIterator<Uint8Array>) {}

  private async next(): Promise<boolean> {
    if (this.rest.length) return true;
    const { done, value } = await this.chunks.next();
    if (done) return false;
    this.rest = value;
    return true;
  }

  async skipTo(target: number) {
    while (this.pos < target) {
      if (!(await this.next())) throw zipRejected('the XLSX workbook ends early: save it again from Excel, or send CSV');
      const n = Math.min(this.rest.length, target - this.pos);
      this.rest = this.rest.subarray(n);
      this.pos += n;
    }
  }

  async read(length: number): Promise<Buffer> {
    const out: Uint8Array[] = [];
    for await (const piece of this.take(length)) out.push(piece);
    return Buffer.concat(out);
  }

  async *take(length: number): AsyncIterable<Uint8Array> {
    let left = length;
    while (left > 0) {
      if (!(await this.next())) throw zipRejected('the XLSX workbook ends early: save it again from Excel, or send CSV');
      const piece = this.rest.subarray(0, Math.min(left, this.rest.length));
      this.rest = this.rest.subarray(piece.length);
      this.pos += piece.length;
      left -= piece.length;
      yield piece;
    }
  }

  close() { void this.chunks.return?.(); }
}

/**
 * One pass over the file: each entry asked for, in file order, with its inflated bytes (read them before asking
 * for the next). An entry that inflates past its limit rejects the extract: a zip bomb is stopped after `limit`
 * bytes, never inflated whole.
 */
export async function* readEntries(
  source: ByteSource, wanted: { entry: ZipEntry; limit: number; what: string }[],
): AsyncIterable<{ entry: ZipEntry; bytes: AsyncIterable<Uint8Array> }> {
  const cursor = new Cursor(source()[Symbol.asyncIterator]());
  try {
    for (const { entry, limit, what } of [...wanted].sort((a, b) => a.entry.offset - b.entry.offset)) {
      if (entry.size > limit) throw tooLarge(what, limit);
      await cursor.skipTo(entry.offset);
      const header = await cursor.read(30);
      if (header.readUInt32LE(0) !== LOCAL) throw zipRejected('the XLSX workbook\'s zip entries are damaged: save it again from Excel, or send CSV');
      await cursor.skipTo(entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28));
      yield { entry, bytes: bounded(inflated(entry, cursor.take(entry.compressedSize)), limit, what) };
    }
  } finally {
    cursor.close();
  }
}

async function* inflated(entry: ZipEntry, compressed: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  if (entry.method === 0) { yield* compressed; return; }
  if (entry.method !== 8) throw zipRejected('the XLSX workbook uses a zip compression that is not read: save it again from Excel, or send CSV');
  const inflater = pipeline(Readable.from(compressed), createInflateRaw(), () => {});
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof ExtractRejected) throw error;
    throw zipRejected('the XLSX workbook\'s compressed data is damaged: save it again from Excel, or send CSV');
  }
}

const tooLarge = (what: string, limit: number) =>
  zipRejected(`the workbook's ${what} is larger than ${Math.round(limit / (1 << 20))} MiB once decompressed: send CSV`);

async function* bounded(bytes: AsyncIterable<Uint8Array>, limit: number, what: string): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of bytes) {
    total += chunk.length;
    if (total > limit) throw tooLarge(what, limit);
    yield chunk;
  }
}
