import { join } from 'node:path';
import { CsvWriter } from './writers/csv.ts';

/**
 * truth.csv: for every valid row that describes a person, who that person really is (the generator's person id)
 * and, for planted Prevention Panel cases, which case. Rows the ingest will reject are not listed.
 */
export class TruthWriter {
  private readonly writer: CsvWriter;
  rows = 0;

  constructor(out: string) {
    this.writer = new CsvWriter(join(out, 'truth.csv'), { encoding: 'utf-8', bom: false, eol: '\n' });
    this.writer.write(['dataset', 'partner', 'record_ref', 'person_id', 'planted']);
  }

  add(dataset: string, partner: string, recordRef: string, personId: string, planted: string): Promise<void> | undefined {
    this.rows++;
    return this.writer.write([dataset, partner, recordRef, personId, planted]);
  }

  close(): Promise<void> { return this.writer.close(); }
}
