import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvParser, type FileRecord } from '../../functions/ingest/read-csv.ts';

/** A seeded generator, so a failing file can be made again. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const PIECES = ['Zoë', "O'Brien", 'a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', 'lone\rcr', '', ' padded ', '2024-05-01', '£5', '"', '""', ','];

/** A valid CSV (every field that needs it quoted, "" inside quotes) with the given line end. */
function validCsv(rand: () => number, end: string): string {
  const width = 1 + Math.floor(rand() * 6);
  const lines: string[] = [];
  for (let r = 0, n = 1 + Math.floor(rand() * 40); r < n; r++) {
    if (rand() < 0.05) { lines.push(''); continue; }
    const fields = Array.from({ length: width }, () => {
      const value = Array.from({ length: Math.floor(rand() * 3) }, () => PIECES[Math.floor(rand() * PIECES.length)]).join('');
      return /[",\r\n]/.test(value) || rand() < 0.2 ? `"${value.replace(/"/g, '""')}"` : value;
    });
    if (fields.length === 1 && fields[0] === '') fields[0] = 'x';
    lines.push(fields.join(','));
  }
  return (rand() < 0.3 ? '\uFEFF' : '') + lines.join(end) + (rand() < 0.7 ? end : '');
}

function parseInChunks(text: string, rand: () => number): FileRecord[] {
  const parser = new CsvParser();
  const out: FileRecord[] = [];
  for (let i = 0; i < text.length;) {
    const size = 1 + Math.floor(rand() * 12);
    out.push(...parser.push(text.slice(i, i + size)));
    i += size;
  }
  return [...out, ...parser.end()];
}

/** Lines a record's cells span beyond its first (CRLF counts once). */
const breaks = (cells: string[]) => cells.join('').replace(/\r\n/g, '\n').replace(/[^\r\n]/g, '').length;

describe('the CSV parser', () => {
  it.each([['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']])('gives exactly csv-parse\'s records on valid files with %s line ends, fed in any chunks, with the lines they start on', (_name, end) => {
    const rand = random(end.length * 7919 + end.charCodeAt(0));
    for (let file = 0; file < 300; file++) {
      const text = validCsv(rand, end);
      // csv-parse gives the records; each starts on the line after the previous one ends (blank lines count).
      let line = 1;
      const oracle = (parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: end }) as string[][])
        .map((cells) => { const record = { line, cells }; line += 1 + breaks(cells); return record; })
        .filter(({ cells }) => !(cells.length === 1 && cells[0] === ''));
      expect(parseInChunks(text, rand)).toEqual(oracle);
    }
  });

  it('names the line each record starts on, across blank lines and line breaks in quotes', () => {
    const records = parseInChunks('h1,h2\r\n"a\r\nb",1\r\n\r\n"c\rd\ne",2\nlast,3', random(1));
    expect(records.map((r) => [r.line, r.cells])).toEqual([[1, ['h1', 'h2']], [2, ['a\r\nb', '1']], [5, ['c\rd\ne', '2']], [8, ['last', '3']]]);
  });

  it('reads a quote inside an unquoted field as text, and rejects only the record with text after a closing quote', () => {
    const records = parseInChunks('O"Brien,Zed"x\n"Smith"son,"ok"\n"a ""b""",c\n', random(2));
    expect(records).toEqual([
      { line: 1, cells: ['O"Brien', 'Zed"x'] },
      { line: 2, cells: [], problem: expect.objectContaining({ index: 0, code: 'invalid_quote' }) },
      { line: 3, cells: ['a "b"', 'c'] },
    ]);
    expect(JSON.stringify(records[1])).not.toContain('Smith');
  });

  it('rejects the extract at a quoted field open at the end of the file, naming where its record starts', () => {
    const parser = new CsvParser();
    parser.push('a,b\n1,2\n"open\n\nstill');
    expect(() => parser.end()).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ line: 3, code: 'unparseable' })] }));
  });
});
