import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agreement } from '../deployments.ts';
import { getDataset } from '../../schemas/datasets/index.ts';
import { todayDay } from '../../analytics/dates.ts';
import { matchHeader } from '../../functions/ingest/header.ts';
import { CsvParser, type FileRecord } from '../../functions/ingest/read-csv.ts';
import { readXlsx } from '../../functions/ingest/read-xlsx.ts';
import { rowValidator, zodRowValidator } from '../../functions/ingest/row-schema.ts';
import { committedSampleDir } from '../../functions/ingest/sample-loader.ts';
import { fileSource } from '../../functions/ingest/source.ts';

/**
 * The compiled row validator against the zod definition it is compiled from: on every row of the committed sample
 * extracts (the partners' own styles, with their invalid rows) and on rows generated from them with cells broken in
 * many ways, both give the same row or the same errors in the same order.
 */
const manifest = JSON.parse(readFileSync(join(committedSampleDir, 'manifest.json'), 'utf8')) as { files: { file: string; dataset: string; partner: string; format: string }[] };
const TODAY = todayDay(new Date('2025-11-01T12:00:00Z'));

async function recordsOf(file: { file: string; format: string }): Promise<FileRecord[]> {
  const path = join(committedSampleDir, file.file);
  if (file.format === 'xlsx') {
    const out: FileRecord[] = [];
    for await (const record of readXlsx(fileSource(path))) out.push(record);
    return out;
  }
  const parser = new CsvParser();
  return [...parser.push(readFileSync(path, 'utf8')), ...parser.end()];
}

/** Both validators of a file's header, and a check that they agree on a row's fields. */
function validators(dataset: string, partner: string, header: string[]) {
  const definition = getDataset(dataset);
  const match = matchHeader(definition, agreement.partners.find((p) => p.id === partner)!, header);
  const compiled = rowValidator(definition, match.columns, TODAY);
  const zod = zodRowValidator(definition, match.present, TODAY);
  return (fields: string[]) => {
    // The cells by name, trimmed, as ingest gave them to the zod validator.
    const cells: Record<string, string> = {};
    match.columns.forEach((column, i) => { if (column) cells[column] = (fields[i] ?? '').trim(); });
    const expected = zod(cells), got = compiled(fields);
    if (JSON.stringify(got) !== JSON.stringify(expected)) expect(got).toEqual(expected);
    return expected;
  };
}

/** Texts that break a cell of some type, or pass for another: each is tried in every column. */
const BREAKERS = [
  '', '   ', ' x ', 'x', 'ZZZ', 'X'.repeat(300), '2024-02-30', '2024-13-01', '31/12/2099', '2031-01-01', '9/6/2024', ' 2024-06-09 ',
  '2024-06-09T25:00', '2024-06-09 21:14', '2024-06-09T21:14:00+01:00', '24:00', '7:05', '12:61', '-1', '0', '130', '12.5', '1e3', '+4',
  'yes', 'N', 'maybe', 'LE1', 'le1 5ab', 'LE1 5', 'E01012345', 'w01000001', 'X123', '9434765919', '943 476 5919', '9434765918',
  'A801200001001', 'T10;S06.0', ';', 'male', 'F', 'theft', 'ROBBERY_PERSONAL', '34B', 'victim', 'SUSP',
];

class Rng {
  constructor(private state: number) {}
  next() { this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0; return this.state / 2 ** 32; }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]; }
}

describe('the compiled row validator gives what the zod definition gives', () => {
  it.each(manifest.files.map((f) => [f.file, f] as const))('on every row of %s', async (_name, file) => {
    const [header, ...rows] = await recordsOf(file);
    const check = validators(file.dataset, file.partner, header.cells);
    const outcomes = rows.filter((r) => !r.problem).map((r) => check(r.cells).ok);
    expect(outcomes.filter(Boolean).length).toBeGreaterThan(0);
  });

  it('on generated rows of every dataset, one, two or three cells broken, valid and invalid', async () => {
    const rng = new Rng(18);
    const codes = new Set<string>();
    let valid = 0, invalid = 0;
    for (const file of manifest.files) {
      const [header, ...rows] = await recordsOf(file);
      const check = validators(file.dataset, file.partner, header.cells);
      const width = header.cells.length;
      for (const record of rows.slice(0, 6)) {
        for (let column = 0; column < width; column++) {
          for (const text of BREAKERS) {
            const fields = [...record.cells];
            fields[column] = text;
            for (let more = Math.floor(rng.next() * 3); more > 0; more--) fields[Math.floor(rng.next() * width)] = rng.pick(BREAKERS);
            const result = check(fields);
            if (result.ok) valid++;
            else { invalid++; for (const e of result.errors) codes.add(e.code); }
          }
        }
        check(record.cells.slice(0, Math.floor(rng.next() * width))); // a short spreadsheet row
      }
    }
    expect(valid).toBeGreaterThan(1000);
    expect(invalid).toBeGreaterThan(1000);
    expect([...codes].sort()).toEqual(expect.arrayContaining([
      'date_order', 'dob_after_event', 'future_date', 'inconsistent', 'invalid_boolean', 'invalid_code', 'invalid_date', 'invalid_datetime',
      'invalid_lsoa', 'invalid_nhs_number', 'invalid_number', 'invalid_postcode', 'invalid_time', 'invalid_upn', 'required', 'too_long',
    ]));
  });
});
