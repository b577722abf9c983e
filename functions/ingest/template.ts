import { toCsv } from '../../analytics/render/csv.ts';
import { toXlsx } from '../../analytics/render/xlsx.ts';
import { getDataset } from '../../schemas/datasets/index.ts';
import { dictionary } from '../../schemas/dictionary.ts';

export type TemplateFormat = 'csv' | 'xlsx';

/**
 * A dataset's template: the header and one invented example row (the first sheet, or the whole CSV, uploads as it
 * is), and as XLSX a second sheet of the data dictionary: each column, whether it is required, what it expects, notes.
 */
export async function datasetTemplate(datasetId: string, format: TemplateFormat): Promise<{ body: string | Uint8Array; filename: string }> {
  const dataset = getDataset(datasetId);
  const entries = dictionary(dataset);
  const extract = { name: dataset.id, columns: entries.map((e) => e.column), rows: [entries.map((e) => e.example)] };
  const filename = `template-${dataset.id}.${format}`;
  if (format === 'csv') return { body: toCsv(extract), filename };
  const notes = {
    name: 'data dictionary',
    columns: ['column', 'required', 'expected', 'notes'],
    rows: [
      ...entries.map((e) => [e.column, e.required ? 'Yes' : 'No', e.expected, e.notes]),
      ...dataset.rules.map((r) => ['(row rule)', '', r.rule === 'one_of' ? `one of ${r.columns.join(', ')} in each row`
        : r.rule === 'not_after' ? `${r.column} on or before ${r.other}` : `${r.column} and ${r.target} agree`, '']),
    ],
  };
  return { body: await toXlsx([extract, notes]), filename };
}
