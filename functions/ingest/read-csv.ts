import { parse } from 'csv-parse';
import { ExtractRejected } from './errors.ts';

/** A record of the file with the line it starts on (the header is line 1). */
export interface FileRecord { line: number; cells: string[] }

const countNewlines = (text: string): number => {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
};

/**
 * CSV records from decoded text, streamed. The start line of each record is counted here from the raw text, as
 * the parser produces it (csv-parse's own counter counts CRLF inside quoted fields twice, and records parsed
 * before an error would be lost with the stream); the raw text ends with the record delimiter, or the first
 * character of a CRLF. Blank lines are skipped but counted.
 */
export async function* readCsv(text: AsyncIterable<string>): AsyncIterable<FileRecord> {
  let nextLine = 1;
  const parser = parse({
    bom: true, raw: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'], skip_empty_lines: false,
    on_record: ({ record, raw }: { record: string[]; raw: string }): FileRecord | null => {
      const line = nextLine;
      nextLine += countNewlines(raw);
      return record.length === 1 && record[0] === '' ? null : { line, cells: record };
    },
  });
  const feed = (async () => {
    try {
      for await (const chunk of text) {
        if (!parser.write(chunk)) await new Promise((resolve) => parser.once('drain', resolve));
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  try {
    yield* parser as AsyncIterable<FileRecord>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code?.startsWith('CSV_')) {
      const why = code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field is not closed before the end of the file'
        : code === 'CSV_INVALID_CLOSING_QUOTE' ? 'a quote inside a field is not escaped (write "" for a quote)'
          : 'the CSV cannot be parsed';
      throw new ExtractRejected([{ line: nextLine, column: null, code: 'unparseable', message: `${why} (the record starting at line ${nextLine})` }]);
    }
    throw error;
  } finally {
    await feed;
  }
}
