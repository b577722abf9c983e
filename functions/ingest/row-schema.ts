import { z } from 'zod';
import { codeMaps } from '../../schemas/code-lists.ts';
import type { Dataset } from '../../schemas/dataset.ts';
import { CellError, cellParser, type CellParser, type CellValue } from './cells.ts';
import { millisToDay } from '../../analytics/dates.ts';

export interface RowError { column: string; code: string; message: string }
export type Row = Record<string, CellValue>;
export type RowResult = { ok: true; row: Row } | { ok: false; errors: RowError[] };

/** One column of the header as checked: its name, whether it must be filled, its type's parser. */
interface ColumnCheck { name: string; required: boolean; parse: CellParser }

const columnChecks = (dataset: Dataset, present: Set<string>): ColumnCheck[] =>
  dataset.columns.filter((c) => present.has(c.name)).map((c) => ({ name: c.name, required: !!c.required, parse: cellParser(c.type) }));

const MISSING = new CellError('required', 'required value is missing');

/** A trimmed cell of a column: its value, null when empty and optional, or why it is not valid. */
const checkCell = (check: ColumnCheck, text: string, today: number): CellValue | CellError =>
  text === '' ? (check.required ? MISSING : null) : check.parse(text, today);

/**
 * The definition of a dataset's row: a zod object of the columns present in the header, each a trimmed cell
 * parsed by its type's parser. `rowValidator` runs the same checks compiled into one function; a test holds them
 * to the same values and errors.
 */
export function rowSchema(dataset: Dataset, present: Set<string>, today: number) {
  const shape: Record<string, z.ZodType<CellValue>> = {};
  for (const check of columnChecks(dataset, present)) {
    shape[check.name] = z.string().transform((text, ctx): CellValue => {
      const value = checkCell(check, text, today);
      if (!(value instanceof CellError)) return value;
      ctx.issues.push({ code: 'custom', input: '', message: value.message, params: { code: value.code } });
      return value === MISSING ? null : z.NEVER;
    });
  }
  return z.object(shape);
}

/** A date or datetime cell as a day number (datetimes are kept as milliseconds). */
const asDay = (datetimes: Set<string>, column: string, value: CellValue): number | null =>
  typeof value !== 'number' ? null : datetimes.has(column) ? millisToDay(value) : value;

const NO_ERRORS: RowError[] = [];

/** The dataset's rules over a row whose cells are all valid (a `maps_to` fills its target). */
function rowRules(dataset: Dataset, present: Set<string>): (row: Row) => RowError[] {
  const datetimes = new Set(dataset.columns.filter((c) => c.type.kind === 'datetime').map((c) => c.name));
  const personDobChecks = Object.entries(dataset.persons).flatMap(([person, spec]) => {
    const dob = dataset.columns.find((c) => c.person === person && c.identity === 'date_of_birth');
    const at = spec.ageAt === undefined ? dataset.eventDate : spec.ageAt;
    return dob && at && present.has(dob.name) ? [{ dob: dob.name, at }] : [];
  });
  return (row) => {
    let errors: RowError[] | null = null;
    for (const rule of dataset.rules) {
      if (rule.rule === 'not_after') {
        const a = asDay(datetimes, rule.column, row[rule.column]);
        const b = asDay(datetimes, rule.other, row[rule.other]);
        if (a !== null && b !== null && a > b) (errors ??= []).push({ column: rule.column, code: 'date_order', message: `${rule.column} is after ${rule.other}` });
      } else if (rule.rule === 'one_of') {
        if (rule.columns.every((c) => row[c] === null || row[c] === undefined)) {
          (errors ??= []).push({ column: rule.columns[0], code: 'required', message: `one of ${rule.columns.join(', ')} is required` });
        }
      } else if (rule.rule === 'maps_to') {
        const code = row[rule.column];
        if (typeof code !== 'string') continue;
        const mapped = codeMaps[rule.map]?.[code];
        const given = row[rule.target];
        if (given !== null && given !== undefined && given !== mapped) {
          (errors ??= []).push({ column: rule.column, code: 'inconsistent', message: `${rule.column} belongs to ${mapped}, which disagrees with ${rule.target}` });
        } else {
          row[rule.target] = mapped;
        }
      }
    }
    for (const { dob, at } of personDobChecks) {
      const birth = row[dob];
      const event = asDay(datetimes, at, row[at]);
      if (typeof birth === 'number' && event !== null && birth > event) {
        (errors ??= []).push({ column: dob, code: 'dob_after_event', message: `date of birth is after ${at}` });
      }
    }
    return errors ?? NO_ERRORS;
  };
}

const rowOrErrors = (row: Row, errors: RowError[]): RowResult => (errors.length ? { ok: false, errors } : { ok: true, row });

/** The row validator as the zod definition runs it, over the trimmed cells by column name (the reference). */
export function zodRowValidator(dataset: Dataset, present: Set<string>, today: number): (cells: Record<string, string>) => RowResult {
  const schema = rowSchema(dataset, present, today);
  const rules = rowRules(dataset, present);
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
    return rowOrErrors(row, rules(row));
  };
}

/**
 * The row validator of a dataset, compiled from the same checks as `rowSchema`: for the file's columns (`columns`,
 * the schema column each position fills or null), each cell is trimmed and parsed directly into the row; any
 * invalid cell rejects the row with every cell's error, in the schema's column order; then the dataset's rules.
 */
export function rowValidator(dataset: Dataset, columns: readonly (string | null)[], today: number): (fields: readonly string[]) => RowResult {
  const present = new Set(columns.filter((c): c is string => c !== null));
  const checks = columnChecks(dataset, present);
  const positions = checks.map((check) => columns.indexOf(check.name));
  const rules = rowRules(dataset, present);
  const rowOf = rowMaker(checks.map((check) => check.name));
  const values: CellValue[] = new Array(checks.length).fill(null);
  return (fields) => {
    let errors: RowError[] | null = null;
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i];
      const value = checkCell(check, (fields[positions[i]] ?? '').trim(), today);
      if (value instanceof CellError) {
        (errors ??= []).push({ column: check.name, code: value.code, message: value.message });
        values[i] = null;
      } else values[i] = value;
    }
    const row = rowOf(values);
    return errors ? { ok: false, errors } : rowOrErrors(row, rules(row));
  };
}

/**
 * A row object of these columns made by one object literal: every row gets the same shape at once, where setting
 * the columns one by one by name costs a generic keyed store each (several µs a row at 20 columns). The names are
 * schema column names (`[a-z][a-z0-9_]*`), checked again here since they become source text.
 */
function rowMaker(names: readonly string[]): (values: readonly CellValue[]) => Row {
  for (const name of names) if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`${name} is not a column name`);
  return new Function('v', `return { ${names.map((name, i) => `${name}: v[${i}]`).join(', ')} };`) as (values: readonly CellValue[]) => Row;
}
