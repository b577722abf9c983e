import { parse } from 'csv-parse';
import { ExtractRejected } from './errors.ts';

/** A record of the file with the line it starts on (the header is line 1). */
export interface FileRecord { line: number; cells: string[] }

/** Line breaks inside a record's quoted fields (CRLF counts once). */
function breaksInside(cells: string[]): number {
  let n = 0;
  for (const cell of cells) {
    if (cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) continue;
    for (let i = 0; i < cell.length; i++) {
      const c = cell.charCodeAt(i);
      if (c === 10) n++;
      else if (c === 13 && cell.charCodeAt(i + 1) !== 10) n++;
    }
  }
  return n;
}

const HIGH_WATER = 4096;

/**
 * CSV records from decoded text, streamed, each with the line it starts on. Records are taken from the parser's
 * 'data' events as it produces them, so that on a parse error every record before it has been counted and the
 * error can name the line where the broken record starts. (csv-parse's own line counter counts a CRLF inside a
 * quoted field twice.) Blank lines are skipped but counted.
 */
export async function* readCsv(text: AsyncIterable<string>): AsyncIterable<FileRecord> {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false });
  const queue: FileRecord[] = [];
  let nextLine = 1;
  let failure: Error | null = null;
  let ended = false;
  // Set when the consumer stops early (it threw or broke off): the feed must not wait for it any more.
  let stopped = false;
  let wake: (() => void) | null = null;
  const signal = () => { const w = wake; wake = null; w?.(); };
  const waitForConsumer: { resolve: (() => void) | null } = { resolve: null };

  parser.on('data', (cells: string[]) => {
    const line = nextLine;
    nextLine += 1 + breaksInside(cells);
    if (cells.length === 1 && cells[0] === '') return;
    queue.push({ line, cells });
    signal();
  });
  parser.on('error', (error) => { failure = error; signal(); });
  parser.on('end', () => { ended = true; signal(); });

  const feed = (async () => {
    try {
      for await (const chunk of text) {
        if (failure || stopped) return;
        parser.write(chunk);
        while (queue.length > HIGH_WATER && !failure && !stopped) await new Promise<void>((resolve) => { waitForConsumer.resolve = resolve; });
      }
      parser.end();
    } catch (error) {
      failure = error as Error;
      signal();
    }
  })();

  try {
    for (;;) {
      while (queue.length) {
        const batch = queue.splice(0, queue.length);
        waitForConsumer.resolve?.();
        waitForConsumer.resolve = null;
        yield* batch;
      }
      if (failure) break;
      if (ended) return;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
    const code = (failure as { code?: string }).code;
    if (code?.startsWith('CSV_')) {
      const why = code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field is not closed before the end of the file'
        : code === 'CSV_INVALID_CLOSING_QUOTE' ? 'a quote inside a field is not escaped (write "" for a quote)'
          : 'the CSV cannot be parsed';
      throw new ExtractRejected([{ line: nextLine, column: null, code: 'unparseable', message: `${why} (the record starting at line ${nextLine})` }]);
    }
    throw failure;
  } finally {
    stopped = true;
    waitForConsumer.resolve?.();
    parser.destroy();
    await feed;
  }
}
