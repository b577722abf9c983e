import { ExtractRejected } from './errors.ts';
import { CELL_MAX, RECORD_MAX, recordProblems, type RecordProblem } from './record-limits.ts';

/**
 * A record of the file with the line it starts on (the header is line 1). A record the reader could not take
 * whole carries its problem instead of trustworthy cells: the row is rejected with it.
 */
export interface FileRecord { line: number; cells: string[]; problem?: RecordProblem }

const COMMA = 44, QUOTE = 34, CR = 13, LF = 10;
const START = 0, UNQUOTED = 1, QUOTED = 2, QUOTE_SEEN = 3;
const FIELD_END = /[,\r\n]/g;
const SLICE = 1 << 16;

/**
 * A streaming RFC 4180 parser: quoted fields with "" escapes and line breaks, CRLF, LF or CR line ends, a BOM.
 * As Excel reads CSV, a quote inside an unquoted field (O"Brien) is literal text. A record with text after a
 * closing quote, or a cell or record over the limits, comes out with a problem and parsing goes on with the next
 * record; only a quoted field still open at the end of the file rejects the extract. No message carries cell text.
 */
export class CsvParser {
  private state = START;
  private field = '';
  private fieldLength = 0;
  private cells: string[] = [];
  private recordLength = 0;
  private problem: RecordProblem | undefined;
  private line = 1;
  private recordLine = 1;
  private skipLf = false;
  private quotedCr = false;
  private started = false;
  private out: FileRecord[] = [];

  push(text: string): FileRecord[] {
    let i = 0;
    if (!this.started && text.length) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.skipLf && i < text.length) {
      this.skipLf = false;
      if (text.charCodeAt(i) === LF) i++;
    }
    const n = text.length;
    while (i < n) {
      switch (this.state) {
        case START: {
          if (text.charCodeAt(i) === QUOTE) { this.state = QUOTED; this.quotedCr = false; i++; } else this.state = UNQUOTED;
          break;
        }
        case UNQUOTED: {
          FIELD_END.lastIndex = i;
          const m = FIELD_END.exec(text);
          const end = m ? m.index : n;
          this.append(text, i, end);
          if (!m) { i = n; break; }
          i = this.delimiter(text, end);
          break;
        }
        case QUOTED: {
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          this.countBreaks(text, i, end);
          this.append(text, i, end);
          if (q < 0) { i = n; break; }
          this.quotedCr = false;
          this.state = QUOTE_SEEN;
          i = q + 1;
          break;
        }
        case QUOTE_SEEN: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) { this.append(text, i, i + 1); this.state = QUOTED; i++; break; }
          if (c === COMMA || c === CR || c === LF) { i = this.delimiter(text, i); break; }
          // Text after a closing quote: the record is broken; the rest of the field is read as unquoted text.
          this.flag(this.cells.length, 'invalid_quote', 'a quoted field has text after its closing quote (inside quotes, write "" for a quote)');
          this.state = UNQUOTED;
          break;
        }
      }
    }
    return this.take();
  }

  /** The end of the text: the last record, or the extract rejected when a quoted field is still open. */
  end(): FileRecord[] {
    if (this.state === QUOTED) {
      throw new ExtractRejected([{ line: this.recordLine, column: null, code: 'unparseable', message: `a quoted field is not closed before the end of the file (the record starting at line ${this.recordLine})` }]);
    }
    if (this.state !== START || this.cells.length || this.problem) {
      this.endField();
      this.endRecord();
    }
    return this.take();
  }

  private take(): FileRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private append(text: string, from: number, to: number) {
    if (to <= from) return;
    const length = to - from;
    this.fieldLength += length;
    this.recordLength += length;
    if (this.problem) return;
    if (this.fieldLength > CELL_MAX) this.flag(this.cells.length, 'cell_too_long', recordProblems.cellTooLong);
    else if (this.recordLength > RECORD_MAX) this.flag(null, 'row_too_long', recordProblems.rowTooLong);
    else this.field += text.slice(from, to);
  }

  private flag(index: number | null, code: RecordProblem['code'], message: string) {
    if (this.problem) return;
    this.problem = { index, code, message };
    this.field = '';
    this.cells = [];
  }

  private countBreaks(text: string, from: number, to: number) {
    for (let j = from; j < to; j++) {
      const c = text.charCodeAt(j);
      if (c === CR) this.line++;
      else if (c === LF && !(j === from ? this.quotedCr : text.charCodeAt(j - 1) === CR)) this.line++;
    }
    if (to > from) this.quotedCr = text.charCodeAt(to - 1) === CR;
  }

  /** A comma or line break at i ends the field; returns where to go on. */
  private delimiter(text: string, i: number): number {
    this.endField();
    const c = text.charCodeAt(i);
    if (c === COMMA) { this.recordLength++; this.state = START; return i + 1; }
    this.endRecord();
    this.line++;
    this.recordLine = this.line;
    if (c === CR) {
      if (i + 1 < text.length) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
      this.skipLf = true;
    }
    return i + 1;
  }

  private endField() {
    if (!this.problem && this.recordLength > RECORD_MAX) this.flag(null, 'row_too_long', recordProblems.rowTooLong);
    if (!this.problem) this.cells.push(this.field);
    this.field = '';
    this.fieldLength = 0;
  }

  private endRecord() {
    const blank = !this.problem && this.cells.length === 1 && this.cells[0] === '';
    if (!blank) this.out.push(this.problem ? { line: this.recordLine, cells: this.cells, problem: this.problem } : { line: this.recordLine, cells: this.cells });
    this.cells = [];
    this.recordLength = 0;
    this.problem = undefined;
    this.state = START;
  }
}

/**
 * CSV records from decoded text, streamed, each with the line it starts on. Blank lines are skipped but counted.
 * A failure of the source itself passes through; anything else unexpected becomes a rejection with a fixed
 * message, so that no library's words (which may quote a cell) leave the reader.
 */
export async function* readCsv(text: AsyncIterable<string>): AsyncIterable<FileRecord> {
  for await (const batch of readCsvBatches(text)) yield* batch;
}

/** The same, the records of each slice of text together (one step of the iteration per batch, not per record). */
export async function* readCsvBatches(text: AsyncIterable<string>): AsyncIterable<FileRecord[]> {
  const parser = new CsvParser();
  const guarded = (step: () => FileRecord[]) => {
    try {
      return step();
    } catch (error) {
      if (error instanceof ExtractRejected) throw error;
      throw new ExtractRejected([{ line: null, column: null, code: 'unparseable', message: 'the CSV cannot be parsed' }]);
    }
  };
  for await (const chunk of text) {
    // Fed in slices, so that the records waiting to be taken stay few however large a chunk the source gives.
    for (let i = 0; i < chunk.length; i += SLICE) {
      const batch = guarded(() => parser.push(chunk.slice(i, i + SLICE)));
      if (batch.length) yield batch;
    }
  }
  const last = guarded(() => parser.end());
  if (last.length) yield last;
}
