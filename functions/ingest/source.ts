import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ExtractRejected } from './errors.ts';

/** Where an extract's bytes come from: opened once to fingerprint it and once to read it. */
export type ByteSource = () => AsyncIterable<Uint8Array>;

export const fileSource = (path: string): ByteSource => () => createReadStream(path, { highWaterMark: 1 << 20 });
export const bytesSource = (bytes: Uint8Array | string): ByteSource => async function* () {
  yield typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
};

export type TextEncoding = 'utf-8' | 'windows-1252';
export interface Fingerprint { sha256: string; bytes: number; format: 'csv' | 'xlsx'; encoding: TextEncoding }

/**
 * First pass over the bytes: the content hash (to recognise a file uploaded twice), the format (XLSX is a zip),
 * and the text encoding: UTF-8 if every byte sequence is valid UTF-8, else Windows-1252.
 */
export async function fingerprint(source: ByteSource): Promise<Fingerprint> {
  const hash = createHash('sha256');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let validUtf8 = true;
  let head: Uint8Array | null = null;
  for await (const chunk of source()) {
    if (!head) head = chunk.subarray(0, 8);
    hash.update(chunk);
    bytes += chunk.length;
    if (validUtf8) {
      try { utf8.decode(chunk, { stream: true }); } catch { validUtf8 = false; }
    }
  }
  if (validUtf8) {
    try { utf8.decode(); } catch { validUtf8 = false; }
  }
  const format = head && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04 ? 'xlsx' : 'csv';
  if (format === 'csv' && head) {
    if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
      throw new ExtractRejected([{ line: null, column: null, code: 'unsupported_format', message: 'Excel 97-2003 (.xls) files are not accepted: save the sheet as .xlsx or CSV' }]);
    }
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || head.includes(0)) {
      throw new ExtractRejected([{ line: null, column: null, code: 'unsupported_encoding', message: 'the file looks like UTF-16 or binary: send CSV in UTF-8 or Windows-1252' }]);
    }
  }
  return { sha256: hash.digest('hex'), bytes, format, encoding: validUtf8 ? 'utf-8' : 'windows-1252' };
}

export async function* decodeText(chunks: AsyncIterable<Uint8Array>, encoding: TextEncoding): AsyncIterable<string> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
