import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { encode, type Encoding } from './encoding.ts';

export interface CsvOptions { encoding: Encoding; bom: boolean; eol: '\r\n' | '\n' }

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled). */
export const csvField = (value: string): string =>
  NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

/**
 * A CSV file written as a stream: records are joined into a buffer of about 256 kB, encoded and handed to the
 * file stream; when the stream's buffer is full the caller awaits its drain (backpressure), so memory stays flat
 * however many rows are written.
 */
export class CsvWriter {
  private readonly stream: WriteStream;
  private pending: string[] = [];
  private pendingLength = 0;
  private failed: Error | null = null;

  constructor(path: string, private readonly options: CsvOptions) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => { this.failed = error; });
    if (options.bom) this.pending.push('\uFEFF');
  }

  /** Writes a record; returns a promise only when the caller must wait before writing more. */
  write(cells: readonly string[]): Promise<void> | undefined {
    let line = '';
    for (let i = 0; i < cells.length; i++) line += (i ? ',' : '') + csvField(cells[i]);
    line += this.options.eol;
    this.pending.push(line);
    this.pendingLength += line.length;
    if (this.pendingLength >= 1 << 18) return this.flush();
    return undefined;
  }

  private async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.pending.length) return;
    const chunk = encode(this.pending.join(''), this.options.encoding);
    this.pending = [];
    this.pendingLength = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
    if (this.failed) throw this.failed;
  }
}
