import { codeLists } from './code-lists.ts';
import type { Column, ColumnType, Dataset } from './dataset.ts';

/**
 * The data dictionary of a dataset, derived from its definition: what each column expects, an example of it, and
 * its notes. The upload report shows the expectation beside a rejection, and a template file carries all of it.
 * Examples are invented (no real person), shaped as a partner's extract would be.
 */

/** What a cell of the type must be, in words: the allowed codes, the accepted date forms, the range. */
export function expectedOf(type: ColumnType): string {
  switch (type.kind) {
    case 'text': return `text, at most ${type.maxLength} characters`;
    case 'date': return 'a date as YYYY-MM-DD or DD/MM/YYYY, not in the future';
    case 'time': return 'a time as HH:MM (24-hour)';
    case 'datetime': return 'a date and time as YYYY-MM-DDTHH:MM or DD/MM/YYYY HH:MM, not in the future';
    case 'boolean': return 'true/false, yes/no, y/n or 1/0';
    case 'enum': {
      const list = codeLists[type.codeList];
      const values = list.values.length <= 30 ? list.values.join(', ') : `${list.values.slice(0, 30).join(', ')} … (${list.values.length} codes)`;
      return `one of: ${values}`;
    }
    case 'int': return `a whole number from ${type.min} to ${type.max}`;
    case 'number': return `a number from ${type.min} to ${type.max}`;
    case 'postcode': return 'a UK postcode (LE1 5WW) or postcode sector (LE1 5)';
    case 'lsoa': return 'an LSOA 2011/2021 code, E01… or W01… and 6 digits';
    case 'nhs_number': return 'a 10-digit NHS number with a valid check digit (spaces allowed)';
    case 'upn': return 'a 13-character UPN with a valid check letter';
    case 'icd10_list': return 'ICD-10 codes separated by ; (S01.0;X99)';
    case 'month': return 'a month, YYYY-MM (2024-05), not in the future';
  }
}

/** One invented value of the column, for a template's example row. */
export function exampleOf(column: Column): string {
  const { type } = column;
  switch (type.kind) {
    case 'text': return column.identity === 'forename' ? 'Alex' : column.identity === 'surname' ? 'Example'
      : column.reference || column.identity === 'local_person_id' ? 'EXAMPLE-0001' : 'example';
    case 'date': return column.identity === 'date_of_birth' ? '2009-06-15' : '2024-05-03';
    case 'time': return '21:14';
    case 'datetime': return '2024-05-03T21:14';
    case 'boolean': return 'no';
    case 'enum': return codeLists[type.codeList].values[0];
    case 'int': return String(Math.min(type.max, Math.max(type.min, 15)));
    case 'number': return String(type.min);
    case 'postcode': return 'LE1 5WW';
    case 'lsoa': return 'E01013627';
    case 'nhs_number': return '943 476 5919';
    case 'upn': return 'A123456789012';
    case 'icd10_list': return 'S01.0';
    case 'month': return '2024-05';
  }
}

export interface DictionaryEntry { column: string; required: boolean; expected: string; example: string; notes: string }

/** The dictionary's rows, in the dataset's column order; identity fields say they are never stored. */
export function dictionary(dataset: Dataset): DictionaryEntry[] {
  return dataset.columns.map((column) => ({
    column: column.name,
    required: column.required,
    expected: expectedOf(column.type),
    example: exampleOf(column),
    notes: [column.description, column.identity ? 'identity field: used only to make pseudonyms, never stored' : '',
      column.reference ? 'your own reference: stored only as a keyed hash and sealed in your vault' : '']
      .filter(Boolean).join('; '),
  }));
}

/** Beside a rejection code: what would have been accepted, in words (null where the reason says it all). */
export function expectedFor(dataset: Dataset, column: string | null, code: string): string | null {
  switch (code) {
    case 'duplicate_id': return `${column} unique within the extract`;
    case 'outside_period': return "a date within the extract's period (period_from to period_to)";
    case 'field_count': return 'as many fields as the header (check for unquoted commas)';
    case 'dob_after_event': return 'a date of birth before the event';
  }
  const rule = dataset.rules.find((r) => r.rule !== 'one_of' && r.column === column);
  if (code === 'date_order' && rule?.rule === 'not_after') return `${column} on or before ${rule.other}`;
  if (code === 'inconsistent' && rule?.rule === 'maps_to') return `${column} and ${rule.target} that agree`;
  const defined = dataset.columns.find((c) => c.name === column);
  if (!defined) return null;
  return code === 'required' ? `a value: ${expectedOf(defined.type)}` : expectedOf(defined.type);
}
