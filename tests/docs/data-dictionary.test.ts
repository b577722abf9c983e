import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agreement } from '../deployments.ts';
import { codeLists, codeMaps } from '../../schemas/code-lists.ts';
import { Dataset, type ColumnType } from '../../schemas/dataset.ts';
import { datasets } from '../../schemas/datasets/index.ts';
import { storedColumns } from '../../schemas/stored.ts';
import { accepted, DICTIONARY_PATH, dataDictionary } from '../../schemas/docs/data-dictionary.ts';
import { CellError, cellParser } from '../../functions/ingest/cells.ts';

const root = resolve(import.meta.dirname, '../..');

describe('the data dictionary', () => {
  it('is up to date with the definitions', () => {
    const committed = readFileSync(resolve(root, DICTIONARY_PATH), 'utf8');
    expect(committed === dataDictionary(), `${DICTIONARY_PATH} is stale: run npm run docs and commit it`).toBe(true);
  });

  it('lists every dataset, column, stored column, alias and code of the definitions', () => {
    const doc = dataDictionary();
    for (const dataset of Object.values(datasets)) {
      expect(doc).toContain(`## \`${dataset.id}\`: ${dataset.title}`);
      for (const column of dataset.columns) expect(doc).toContain(`| \`${column.name}\`${column.identity ? ' ◆' : ''} |`);
      for (const column of storedColumns(dataset)) expect(doc).toContain(`| \`${column.name}\` | ${column.type} |`);
    }
    for (const partner of agreement.partners) {
      for (const aliases of Object.values(partner.aliases)) {
        for (const [alias, column] of Object.entries(aliases)) expect(doc).toContain(`| ${partner.name} | \`${alias}\` | \`${column}\` |`);
      }
    }
    for (const list of Object.values(codeLists)) for (const value of list.values) expect(doc).toContain(`\`${value}\``);
  });

  it('shows a new dataset, its columns, aliases and stored table with no edit to the generator', () => {
    const youthJustice = Dataset.parse({
      id: 'youth_offending', title: 'Youth justice outcomes', description: 'One row per outcome.',
      kind: 'event', eventDate: 'outcome_date', uniqueId: 'outcome_ref',
      persons: { child: { storePrefix: '', description: 'The child' } },
      columns: [
        { name: 'outcome_ref', type: { kind: 'text', maxLength: 40 }, required: true, reference: { namespace: 'youth_offending', key: 'record_key' } },
        { name: 'outcome_date', type: { kind: 'date' }, required: true },
        { name: 'yot_person_id', type: { kind: 'text', maxLength: 40 }, person: 'child', identity: 'local_person_id' },
        { name: 'tier', type: { kind: 'int', min: 1, max: 4 } },
      ],
    });
    const yjs = { id: 'yjs', name: 'Youth Justice Service', datasets: ['youth_offending'], aliases: { youth_offending: { 'YOT ID': 'yot_person_id' } } };
    const doc = dataDictionary({
      datasets: { ...datasets, youth_offending: youthJustice }, codeLists, codeMaps,
      agreement: { ...agreement, partners: [...agreement.partners, yjs] },
    });
    expect(doc).toContain('## `youth_offending`: Youth justice outcomes');
    expect(doc).toContain('| `tier` | a whole number from 1 to 4 | `invalid_number` |');
    expect(doc).toContain('| `yot_person_id` ◆ | text, at most 40 characters | `too_long` |  |  | never stored: `key_local` |');
    expect(doc).toContain('| Youth Justice Service | `YOT ID` | `yot_person_id` |');
    expect(doc).toContain('### Stored table `youth_offending`');
    expect(doc).toContain('| `youth_offending.outcome_ref` | `record_key` |');
  });

  /** A cell each type's parser must refuse. Keyed by every type kind, so a new kind needs a case here. */
  const refused: Record<ColumnType['kind'], (type: ColumnType) => string> = {
    text: (t) => 'x'.repeat(t.kind === 'text' ? t.maxLength + 1 : 1),
    date: () => '31/02/2024', time: () => '25:61', datetime: () => 'yesterday', boolean: () => 'maybe',
    enum: () => 'not-a-code', int: () => 'many', number: () => '1e400', postcode: () => 'LE99 ZZZZ',
    lsoa: () => 'E99', nhs_number: () => '1234567890', upn: () => 'A12345678901Z', icd10_list: () => '!!', month: () => '2024-13',
  };

  it("gives, for every column, the rejection code the ingest's cell parser gives", () => {
    const today = Math.floor(Date.now() / 86_400_000);
    for (const dataset of Object.values(datasets)) {
      for (const column of dataset.columns) {
        const result = cellParser(column.type)(refused[column.type.kind](column.type), today);
        expect(result, `${dataset.id}.${column.name}`).toBeInstanceOf(CellError);
        expect((result as CellError).code, `${dataset.id}.${column.name}`).toBe(accepted(column.type).code);
      }
    }
  });
});
