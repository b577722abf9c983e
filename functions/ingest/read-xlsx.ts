import { dayToIso } from '../../analytics/dates.ts';
import { ExtractRejected } from './errors.ts';
import type { FileRecord } from './read-csv.ts';
import { CELL_MAX, RECORD_MAX, recordProblems, type RecordProblem } from './record-limits.ts';
import type { ByteSource } from './source.ts';
import { readEntries, zipEntries, zipRejected, type ZipEntry } from './zip.ts';
import { XmlScanner, type XmlHandler } from './xml-scan.ts';

/** Inflated-size limits of a workbook's parts, and of the text its shared strings may hold in all. */
export const XLSX_LIMITS = {
  sheet: 2 ** 31,
  sharedStrings: 256 << 20,
  sharedText: 32 << 20,
  metadata: 8 << 20,
  columns: 16_384,
};

/** The XML text of a part, chunk by chunk. */
async function* xmlText(bytes: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) yield decoder.decode(chunk, { stream: true });
  yield decoder.decode();
}

async function scan(bytes: AsyncIterable<Uint8Array>, scanner: XmlScanner) {
  for await (const text of xmlText(bytes)) scanner.push(text);
  scanner.end();
}

const noText = { text() {}, close() {} };

interface Workbook { firstSheet: string; sharedStrings: string | null; styles: string | null; date1904: boolean }

/** xl/workbook.xml and its relationships: the first sheet in the workbook's own order, and where its parts are. */
async function readWorkbook(source: ByteSource, entries: Map<string, ZipEntry>): Promise<Workbook> {
  const book = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (!book || !rels) throw zipRejected('the file is a zip but not an XLSX workbook: save it again from Excel as .xlsx, or send CSV');
  let firstId: string | null = null;
  let date1904 = false;
  const targets = new Map<string, { type: string; target: string }>();
  const parts = [{ entry: book, limit: XLSX_LIMITS.metadata, what: 'workbook part' }, { entry: rels, limit: XLSX_LIMITS.metadata, what: 'workbook part' }];
  for await (const { entry, bytes } of readEntries(source, parts)) {
    const handler: XmlHandler = entry === book
      ? {
        ...noText, open(name, attrs) {
          if (name === 'workbookPr') date1904 = attrs.date1904 === '1' || attrs.date1904 === 'true';
          if (name === 'sheet' && firstId === null) firstId = Object.entries(attrs).find(([k]) => k.endsWith(':id'))?.[1] ?? null;
        },
      }
      : { ...noText, open(name, attrs) { if (name === 'Relationship' && attrs.Id) targets.set(attrs.Id, { type: attrs.Type ?? '', target: attrs.Target ?? '' }); } };
    await scan(bytes, new XmlScanner(handler, 0));
  }
  const path = (target: string) => {
    const parts = (target.startsWith('/') ? target.slice(1) : `xl/${target}`).split('/');
    const out: string[] = [];
    for (const part of parts) if (part === '..') out.pop(); else if (part && part !== '.') out.push(part);
    return out.join('/');
  };
  const ofType = (type: string) => [...targets.values()].find((t) => t.type.endsWith(`/${type}`));
  const sheet = firstId ? targets.get(firstId) : undefined;
  if (!sheet) throw zipRejected('the XLSX workbook has no worksheet: save it again from Excel, or send CSV');
  const shared = ofType('sharedStrings');
  const styles = ofType('styles');
  return { firstSheet: path(sheet.target), sharedStrings: shared ? path(shared.target) : null, styles: styles ? path(styles.target) : null, date1904 };
}

/** Excel's built-in number formats that show a date or time. */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);
const isDateFormat = (code: string) => /[ymdhsb]/i.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/** The shared strings (each at most CELL_MAX long) and which cell styles show a date. */
async function readParts(source: ByteSource, entries: Map<string, ZipEntry>, book: Workbook) {
  const strings: string[] = [];
  const dateStyles: boolean[] = [];
  const wanted: { entry: ZipEntry; limit: number; what: string }[] = [];
  const sharedEntry = book.sharedStrings ? entries.get(book.sharedStrings) : undefined;
  const stylesEntry = book.styles ? entries.get(book.styles) : undefined;
  if (sharedEntry) wanted.push({ entry: sharedEntry, limit: XLSX_LIMITS.sharedStrings, what: 'shared strings part' });
  if (stylesEntry) wanted.push({ entry: stylesEntry, limit: XLSX_LIMITS.metadata, what: 'styles part' });
  for await (const { entry, bytes } of readEntries(source, wanted)) {
    if (entry === stylesEntry) {
      const formats = new Map<number, boolean>();
      let inCellXfs = false;
      await scan(bytes, new XmlScanner({
        ...noText,
        open(name, attrs) {
          if (name === 'numFmt') formats.set(Number(attrs.numFmtId), isDateFormat(attrs.formatCode ?? ''));
          else if (name === 'cellXfs') inCellXfs = true;
          else if (name === 'xf' && inCellXfs) {
            const id = Number(attrs.numFmtId ?? 0);
            dateStyles.push(formats.get(id) ?? DATE_FORMAT_IDS.has(id));
          }
        },
        close(name) { if (name === 'cellXfs') inCellXfs = false; },
      }, 0));
      continue;
    }
    let current = '';
    let total = 0;
    let phonetic = false;
    const scanner: XmlScanner = new XmlScanner({
      open(name) {
        if (name === 'si') current = '';
        else if (name === 'rPh') phonetic = true;
        scanner.collect = name === 't' && !phonetic;
      },
      close(name) {
        scanner.collect = false;
        if (name === 'rPh') phonetic = false;
        else if (name === 'si') {
          total += current.length;
          if (total > XLSX_LIMITS.sharedText) throw zipRejected(`the workbook's shared strings hold more than ${XLSX_LIMITS.sharedText.toLocaleString('en-GB')} characters: send CSV`);
          strings.push(current);
        }
      },
      text(text, overflow) {
        if (overflow || current.length + text.length > CELL_MAX) throw tooLongString();
        current += text;
      },
    }, CELL_MAX);
    await scan(bytes, scanner);
  }
  return { strings, dateStyles };
}

const tooLongString = () => new ExtractRejected([{ line: null, column: null, code: 'cell_too_long', message: `a text of the workbook is longer than ${CELL_MAX.toLocaleString('en-GB')} characters, Excel's own limit for a cell: the file was not saved by Excel; send CSV` }]);

const pad = (n: number) => String(n).padStart(2, '0');

/** An Excel serial date as the text a CSV would carry: the date alone when there is no time. */
function serialText(serial: number, date1904: boolean): string {
  const millis = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000);
  const day = Math.floor(millis / 86_400_000);
  const ms = millis - day * 86_400_000;
  if (ms === 0) return dayToIso(day);
  const at = new Date(millis);
  return `${dayToIso(day)}T${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
}

/** A1-style reference to a 0-based column index (NaN past the sheet's last column). */
function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 32;
    if (c < 97 || c > 122) break;
    n = n * 26 + (c - 96);
    if (n > XLSX_LIMITS.columns) return NaN;
  }
  return n - 1;
}

/** The rows of one worksheet as records: the row number is the line; empty rows are skipped. */
function sheetHandler(shared: { strings: string[]; dateStyles: boolean[] }, date1904: boolean, emit: (record: FileRecord) => void) {
  let rowNumber = 0;
  let cells: string[] = [];
  let length = 0;
  let problem: RecordProblem | undefined;
  let column = -1, type = '', style = 0, value = '', inInline = false, phonetic = false;
  const flag = (index: number | null, code: RecordProblem['code'], message: string) => {
    if (!problem) { problem = { index, code, message }; cells = []; }
  };
  let scanner: XmlScanner;
  const handler: XmlHandler = {
    open(name, attrs) {
      switch (name) {
        case 'row':
          rowNumber = attrs.r ? Number(attrs.r) : rowNumber + 1;
          cells = []; length = 0; problem = undefined; column = -1;
          break;
        case 'c':
          column = attrs.r ? columnIndex(attrs.r) : column + 1;
          type = attrs.t ?? 'n'; style = Number(attrs.s ?? 0); value = ''; inInline = false;
          break;
        case 'is': inInline = true; break;
        case 'rPh': phonetic = true; break;
      }
      scanner.collect = name === 'v' || (name === 't' && inInline && !phonetic);
    },
    text(text, overflow) {
      if (overflow || value.length + text.length > CELL_MAX) flag(column, 'cell_too_long', recordProblems.cellTooLong);
      else value += text;
    },
    close(name) {
      scanner.collect = false;
      if (name === 'rPh') phonetic = false;
      else if (name === 'c') {
        if (!(column >= 0 && column < XLSX_LIMITS.columns)) { flag(null, 'row_too_long', recordProblems.rowTooLong); return; }
        const text = cellText(value, type, style).trim();
        length += text.length;
        if (length > RECORD_MAX) flag(null, 'row_too_long', recordProblems.rowTooLong);
        if (problem || !text) return;
        while (cells.length < column) cells.push('');
        cells[column] = text;
      } else if (name === 'row') {
        if (problem) emit({ line: rowNumber, cells: [], problem });
        else if (cells.some((c) => c !== '')) emit({ line: rowNumber, cells });
      }
    },
  };
  function cellText(v: string, t: string, s: number): string {
    if (t === 's') return shared.strings[Number(v)] ?? '';
    if (t === 'str' || t === 'inlineStr' || t === 'd') return v;
    if (t === 'b') return v === '1' ? 'true' : v === '0' ? 'false' : '';
    if (t === 'e' || v === '') return '';
    const n = Number(v);
    if (!Number.isFinite(n)) return '';
    return shared.dateStyles[s] ? serialText(n, date1904) : String(n);
  }
  scanner = new XmlScanner(handler, CELL_MAX);
  return scanner;
}

/**
 * The first sheet (in the workbook's order) of an XLSX workbook, streamed row by row; the row number is the line.
 * The zip is read from its central directory; every part is inflated with a bound, and the shared strings with a
 * bound on each string and on their total. Anything unexpected becomes a rejection with a fixed message, so that
 * no library's words (which may quote a cell) leave the reader.
 */
export async function* readXlsx(source: ByteSource): AsyncIterable<FileRecord> {
  try {
    const entries = await zipEntries(source);
    const book = await readWorkbook(source, entries);
    const sheet = entries.get(book.firstSheet);
    if (!sheet) throw zipRejected('the XLSX workbook\'s first sheet is missing: save it again from Excel, or send CSV');
    const shared = await readParts(source, entries, book);
    let queue: FileRecord[] = [];
    const scanner = sheetHandler(shared, book.date1904, (record) => queue.push(record));
    const part = [{ entry: sheet, limit: XLSX_LIMITS.sheet, what: 'first sheet' }];
    // Pulled chunk by chunk, so memory holds one chunk's rows whatever the size of the sheet.
    for await (const { bytes } of readEntries(source, part)) {
      for await (const text of xmlText(bytes)) {
        scanner.push(text);
        const records = queue;
        queue = [];
        yield* records;
      }
      scanner.end();
      yield* queue;
    }
  } catch (error) {
    if (error instanceof ExtractRejected) throw error;
    throw zipRejected('the XLSX workbook cannot be read: save it again from Excel, or send CSV');
  }
}
