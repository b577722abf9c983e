/**
 * The analysis description: what a product asks of the data, as plain values that two engines run — Arquero
 * in-process (the reference) and SQL on DuckDB or Athena. Products never write SQL or Arquero code; request values
 * enter only as parameters, never as text to compile. Each engine first checks a query against the dataset
 * definitions (engines/check.ts); tests/spec pins what each operation returns.
 */
export type Scalar = string | number | boolean | null;

export type Expr =
  | { col: string }
  | { lit: Scalar }
  | { param: string }
  | { op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'; a: Expr; b: Expr }
  | { op: 'and' | 'or'; args: Expr[] }
  | { op: 'not'; a: Expr }
  | { op: 'in'; a: Expr; values: Scalar[] }
  | { op: 'is_null' | 'not_null'; a: Expr }
  /** A `;`-separated list column holds a code starting with one of the prefixes. */
  | { op: 'list_has_prefix'; a: Expr; prefixes: string[]; first_only?: boolean }
  /** A blocking-token column (`version:token token …`) holds one of the tokens, each given as `version:token`. */
  | { op: 'has_token'; a: Expr; tokens: string[] }
  /** Date or timestamp → 'YYYY-MM'. */
  | { op: 'month'; a: Expr }
  /** A 'YYYY-MM-DD' value (a parameter) as a date, or a timestamp's date. */
  | { op: 'date'; a: Expr }
  /** ISO day of the week of a date: 1 Monday … 7 Sunday. */
  | { op: 'weekday'; a: Expr }
  /** The hour (0–23) of an 'HH:MM' time. */
  | { op: 'hour_of_time'; a: Expr }
  /** A semi-join: the value is among `select`'s non-null values over the rows of dataset `from` that pass `where`. */
  | { op: 'in_rows'; a: Expr; from: string; select: Expr; where?: Expr };

export type Operation = Extract<Expr, { op: string }>['op'];
/** Every operation of the description, once (one left out here is a type error): the spec suite (tests/spec) covers each. */
export const operations = Object.keys({
  eq: 0, ne: 0, lt: 0, le: 0, gt: 0, ge: 0, and: 0, or: 0, not: 0, in: 0, is_null: 0, not_null: 0,
  list_has_prefix: 0, has_token: 0, month: 0, date: 0, weekday: 0, hour_of_time: 0, in_rows: 0,
} satisfies Record<Operation, 0>) as Operation[];

export interface CountQuery {
  /** A dataset id: its table of counting rows. */
  from: string;
  where?: Expr;
  /** Output columns: name → expression; rows are counted per distinct combination. */
  groupBy: Record<string, Expr>;
}

/** Rows of a dataset: the selected expressions of the rows that pass the filter (for person-level products). */
export interface RowQuery {
  from: string;
  where?: Expr;
  select: Record<string, Expr>;
}

/**
 * Per-person values over the records of several datasets, joined by the person each record was linked to: the
 * cohort's and the deep dive's one question of the data. Each source's rows (those with a person that pass its
 * filter) become rows of shared columns (`select`; a column a source does not select is null there, and `dataset`
 * names the source); each measure aggregates a person's rows that pass its own filter; `having` keeps the people
 * whose measures meet it. Rows come back one a person, `person_id` and the measures, sorted by person_id.
 */
export interface PersonQuery {
  sources: PersonSource[];
  measures: Record<string, PersonMeasure>;
  having?: Expr;
  /**
   * Instead of one row a person: one a kept person (`having` still decides over the measures) and distinct
   * combination of these shared columns (or `dataset`) among their rows, with the person's measures (the same on
   * each of their rows) and `records`, how many of their rows hold the combination. Sorted by person_id, then these
   * columns (nulls first). What a product that needs a person's dated records (not only aggregates) reads.
   */
  recordsBy?: string[];
}
export interface PersonSource {
  from: string;
  /** The view column holding the linked person (schemas/stored.ts linkedColumns): person_id, perpetrator_linked_person_id. */
  person: string;
  where?: Expr;
  /**
   * A many-to-one lookup whose selected columns the filter and the select may read by name: a police person row
   * takes its crime's date. Rows of `from` whose `key` matches no `match` keep nulls there.
   */
  lookup?: { from: string; key: string; match: string; select: Record<string, Expr> };
  select: Record<string, Expr>;
}
/**
 * `count`: rows; `count_distinct`, `min`, `max`: over the non-null values; `list`: the distinct non-null text values,
 * sorted and joined by ';'; `latest`: the value of the row with the greatest `by` (a date) among rows where the value
 * is not null, the greatest value among ties. Each only over the person's rows that pass `where`.
 */
export type PersonMeasure =
  | { agg: 'count'; where?: Expr }
  | { agg: 'count_distinct' | 'min' | 'max' | 'list'; value: Expr; where?: Expr }
  | { agg: 'latest'; value: Expr; by: Expr; where?: Expr };

/** Every aggregate of a person query, once (the spec suite covers each, as it does the operations). */
export const personMeasures = Object.keys({ count: 0, count_distinct: 0, min: 0, max: 0, list: 0, latest: 0 } satisfies Record<PersonMeasure['agg'], 0>) as PersonMeasure['agg'][];

export type Params = Record<string, Scalar>;
export type ResultRow = Record<string, Scalar>;

/** Every engine runs a count query and returns rows sorted by the group columns, with `count` as a number. */
export interface Engine {
  readonly name: 'arquero' | 'sql';
  count(query: CountQuery, params: Params): Promise<ResultRow[]>;
  /** Rows in no particular order: callers sort what they need. */
  rows(query: RowQuery, params: Params): Promise<ResultRow[]>;
  /**
   * The same rows a batch at a time, as columns (`rows` values each), none kept once handed on: what reading the
   * whole store once (linking) takes, so that memory holds a batch rather than a dataset.
   */
  scan(query: RowQuery, params: Params, each: (columns: Record<string, Scalar[]>, rows: number) => void): Promise<void>;
  /** One row a person, sorted by person_id. */
  persons(query: PersonQuery, params: Params): Promise<ResultRow[]>;
  close(): Promise<void>;
}

// Small constructors so product definitions read as data.
export const col = (name: string): Expr => ({ col: name });
export const lit = (value: Scalar): Expr => ({ lit: value });
export const param = (name: string): Expr => ({ param: name });
export const eq = (a: Expr, b: Expr): Expr => ({ op: 'eq', a, b });
export const between = (a: Expr, from: Expr, to: Expr): Expr => ({ op: 'and', args: [{ op: 'ge', a, b: from }, { op: 'le', a, b: to }] });
export const and = (...args: Expr[]): Expr => ({ op: 'and', args });
export const isIn = (a: Expr, values: readonly Scalar[]): Expr => ({ op: 'in', a, values: [...values] });
export const month = (a: Expr): Expr => ({ op: 'month', a });
export const date = (a: Expr): Expr => ({ op: 'date', a });
export const or = (...args: Expr[]): Expr => ({ op: 'or', args });
export const lt = (a: Expr, b: Expr): Expr => ({ op: 'lt', a, b });
export const inRows = (a: Expr, from: string, select: Expr, where?: Expr): Expr => ({ op: 'in_rows', a, from, select, ...(where ? { where } : {}) });

/** Sorts result rows by their group columns, so engines can be compared row for row. */
export function sortRows(rows: ResultRow[], keys: string[]): ResultRow[] {
  const cmp = (x: Scalar, y: Scalar) => (x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1);
  return rows.sort((r, s) => { for (const k of keys) { const c = cmp(r[k], s[k]); if (c) return c; } return 0; });
}
