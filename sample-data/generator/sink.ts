import { join } from 'node:path';
import { getDataset } from '../../schemas/datasets/index.ts';
import { parseIso } from './calendar.ts';
import { headerOf, type FileSpec } from './files.ts';
import { InvalidRows, type Row } from './invalid.ts';
import type { Person } from './people.ts';
import { Rng } from './rng.ts';
import type { TruthWriter } from './truth.ts';
import { CsvWriter } from './writers/csv.ts';
import { XlsxWriter, type XlsxCell } from './writers/xlsx.ts';

export interface SampleFile {
  file: string; dataset: string; partner: string; rows: number;
  encoding: 'utf-8' | 'windows-1252'; format: 'csv' | 'xlsx'; invalid_rows: number;
}

type Kind = 'date' | 'datetime' | 'boolean' | 'other';

const ukDate = (iso: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : iso);

function formatter(spec: FileSpec, kind: Kind): (value: string) => string {
  if (kind === 'date' && spec.dateStyle === 'uk') return ukDate;
  if (kind === 'datetime') {
    if (spec.datetimeStyle === 'iso_space') return (v) => (v.length >= 16 ? `${v.slice(0, 10)} ${v.slice(11, 16)}:00` : v);
  }
  if (kind === 'boolean' && spec.booleanStyle === 'yn') return (v) => (v === 'true' ? 'Y' : v === 'false' ? 'N' : v);
  return (v) => v;
}

/**
 * One output file: takes canonical rows (ISO dates, `true`/`false`), writes them in the partner's style, follows
 * some with a broken copy (invalid.ts), sends the valid person rows to truth.csv, and counts.
 */
export class Sink {
  private readonly csv: CsvWriter | null = null;
  private readonly xlsx: XlsxWriter | null = null;
  private readonly format: ((value: string) => string)[];
  private readonly kinds: Kind[];
  private readonly invalid: InvalidRows;
  private rows = 0;

  constructor(readonly spec: FileSpec, out: string, seed: number, private readonly truth: TruthWriter,
    private readonly onProgress?: (p: { file: string; rows: number }) => void) {
    const dataset = getDataset(spec.dataset);
    const types = new Map(dataset.columns.map((c) => [c.name, c.type.kind]));
    this.kinds = spec.columns.map((c) => {
      const kind = types.get(c);
      return kind === 'date' || kind === 'datetime' || kind === 'boolean' ? kind : 'other';
    });
    this.format = this.kinds.map((k) => formatter(spec, k));
    this.invalid = new InvalidRows(spec.dataset, dataset.uniqueId, spec.format, new Rng(seed, `invalid:${spec.file}`));
    const header = spec.columns.map((c) => headerOf(spec, c));
    if (spec.format === 'xlsx') {
      this.xlsx = new XlsxWriter(join(out, spec.file), spec.dataset, 'dd/mm/yyyy');
      this.xlsx.write(header);
    } else {
      this.csv = new CsvWriter(join(out, spec.file), { encoding: spec.encoding, bom: spec.bom, eol: spec.eol });
      this.csv.write(header);
    }
  }

  /** A valid row, and who it describes (for truth.csv) when it describes a person. */
  async write(row: Row, person?: { ref: string; who: Person }): Promise<void> {
    await this.emit(row, false);
    if (person) {
      const wait = this.truth.add(this.spec.dataset, this.spec.partner, person.ref, person.who.id, person.who.planted);
      if (wait) await wait;
    }
    const broken = this.invalid.after(row);
    if (broken) await this.emit(broken.row, broken.short);
  }

  private async emit(row: Row, short: boolean): Promise<void> {
    this.rows++;
    if (this.onProgress && this.rows % 10_000 === 0) this.onProgress({ file: this.spec.file, rows: this.rows });
    const columns = this.spec.columns;
    const n = short ? columns.length - 3 : columns.length;
    if (this.xlsx) {
      const cells: XlsxCell[] = [];
      for (let i = 0; i < n; i++) {
        const value = row[columns[i]] ?? '';
        cells.push(this.kinds[i] === 'date' && isRealDate(value) ? new Date(parseIso(value) * 86_400_000) : this.format[i](value));
      }
      this.xlsx.write(cells);
      return;
    }
    const cells: string[] = new Array(n);
    for (let i = 0; i < n; i++) cells[i] = this.format[i](row[columns[i]] ?? '');
    const wait = this.csv!.write(cells);
    if (wait) await wait;
  }

  async close(): Promise<SampleFile> {
    if (this.csv) await this.csv.close();
    if (this.xlsx) await this.xlsx.close();
    this.onProgress?.({ file: this.spec.file, rows: this.rows });
    return {
      file: this.spec.file, dataset: this.spec.dataset, partner: this.spec.partner, rows: this.rows,
      encoding: this.spec.encoding, format: this.spec.format, invalid_rows: this.invalid.count,
    };
  }
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  try { parseIso(value); return true; } catch { return false; }
}
