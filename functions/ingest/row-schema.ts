import { z } from 'zod';
import { codeMaps } from '../../schemas/code-lists.ts';
import type { Dataset } from '../../schemas/dataset.ts';
import { CellError, cellParser, type CellValue } from './cells.ts';
import { millisToDay } from '../../analytics/dates.ts';

export interface RowError { column: string; code: string; message: string }
export type Row = Record<string, CellValue>;
export type RowResult = { ok: true; row: Row } | { ok: false; errors: RowError[] };

/** A date or datetime cell as a day number (datetimes are kept as milliseconds). */
const asDay = (dataset: Dataset, column: string, value: CellValue): number | null => {
  if (typeof value !== 'number') return null;
  return dataset.columns.find((c) => c.name === column)?.type.kind === 'datetime' ? millisToDay(value) : value;
};

/**
 * The row validator of a dataset: a zod object built from the dataset's column definitions (each cell parsed
 * by its type's parser), then the dataset's row rules. Only the columns present in the header take part.
 */
export function rowValidator(dataset: Dataset, present: Set<string>, today: number): (cells: Record<string, string>) => RowResult {
  const shape: Record<string, z.ZodType<CellValue>> = {};
  for (const column of dataset.columns) {
    if (!present.has(column.name)) continue;
    const parse = cellParser(column.type);
    shape[column.name] = z.string().transform((text, ctx): CellValue => {
      if (text === '') {
        if (column.required) ctx.issues.push({ code: 'custom', input: '', message: 'required value is missing', params: { code: 'required' } });
        return null;
      }
      const value = parse(text, today);
      if (value instanceof CellError) {
        ctx.issues.push({ code: 'custom', input: '', message: value.message, params: { code: value.code } });
        return z.NEVER;
      }
      return value;
    });
  }
  const schema = z.object(shape);

  const personDobChecks = Object.entries(dataset.persons).flatMap(([person, spec]) => {
    const dob = dataset.columns.find((c) => c.person === person && c.identity === 'date_of_birth');
    const at = spec.ageAt === undefined ? dataset.eventDate : spec.ageAt;
    return dob && at && present.has(dob.name) ? [{ dob: dob.name, at }] : [];
  });

  return (cells) => {
    const parsed = schema.safeParse(cells);
    if (!parsed.success) {
      return {
        ok: false,
        errors: parsed.error.issues.map((issue) => ({
          column: String(issue.path[0] ?? ''),
          code: (issue as { params?: { code?: string } }).params?.code ?? 'invalid',
          message: issue.message,
        })),
      };
    }
    const row = parsed.data as Row;
    const errors: RowError[] = [];
    for (const rule of dataset.rules) {
      if (rule.rule === 'not_after') {
        const a = asDay(dataset, rule.column, row[rule.column]);
        const b = asDay(dataset, rule.other, row[rule.other]);
        if (a !== null && b !== null && a > b) {
          errors.push({ column: rule.column, code: 'date_order', message: `${rule.column} is after ${rule.other}` });
        }
      } else if (rule.rule === 'one_of') {
        if (rule.columns.every((c) => row[c] === null || row[c] === undefined)) {
          errors.push({ column: rule.columns[0], code: 'required', message: `one of ${rule.columns.join(', ')} is required` });
        }
      } else if (rule.rule === 'maps_to') {
        const code = row[rule.column];
        if (typeof code !== 'string') continue;
        const mapped = codeMaps[rule.map]?.[code];
        const given = row[rule.target];
        if (given !== null && given !== undefined && given !== mapped) {
          errors.push({ column: rule.column, code: 'inconsistent', message: `${rule.column} belongs to ${mapped}, which disagrees with ${rule.target}` });
        } else {
          row[rule.target] = mapped;
        }
      }
    }
    for (const { dob, at } of personDobChecks) {
      const birth = row[dob];
      const event = asDay(dataset, at, row[at]);
      if (typeof birth === 'number' && event !== null && birth > event) {
        errors.push({ column: dob, code: 'dob_after_event', message: `date of birth is after ${at}` });
      }
    }
    return errors.length ? { ok: false, errors } : { ok: true, row };
  };
}
