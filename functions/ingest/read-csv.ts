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
 * CSV records from decoded text, streamed. The start line of each record is counted here from the raw text
 * (csv-parse's own line counter counts CRLF inside quoted fields twice); its raw text ends with the record
 * delimiter, or the first character of a CRLF. Blank lines are skipped but counted.
 */
export async function* readCsv(text: AsyncIterable<string>): AsyncIterable<FileRecord> {
  const parser = parse({ bom: true, raw: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'], skip_empty_lines: false });
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
  let line = 1;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const start = line;
      line += countNewlines(raw);
      if (record.length === 1 && record[0] === '' && raw.trim() === '') continue;
      yield { line: start, cells: record };
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code?.startsWith('CSV_')) {
      const why = code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field is not closed before the end of the file'
        : code === 'CSV_INVALID_CLOSING_QUOTE' ? 'a quote inside a field is not escaped (write "" for a quote)'
          : 'the CSV cannot be parsed';
      throw new ExtractRejected([{ line, column: null, code: 'unparseable', message: `${why} (record starting at line ${line})` }]);
    }
    throw error;
  } finally {
    await feed;
  }
}
