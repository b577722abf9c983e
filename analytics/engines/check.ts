import { codeLists } from '../../schemas/code-lists.ts';
import type { ColumnType } from '../../schemas/dataset.ts';
import { datasets } from '../../schemas/datasets/index.ts';
import { linkedColumns, viewColumns, type StoredType } from '../../schemas/stored.ts';
import type { CountQuery, Expr, Params, PersonQuery, RowQuery, Scalar } from '../ir.ts';

/**
 * The query description checked against the dataset definitions before any engine runs it: every column exists,
 * every operation gets the types it needs, and a literal compared with a coded column is in its code list. Both
 * engines call it, so a wrong query fails the same way on each, and before DuckDB or Athena see it (Athena would
 * refuse a date compared with text, where DuckDB quietly casts).
 */
export class InvalidQuery extends Error {
  constructor(readonly operation: string, readonly dataset: string, readonly column: string | null, readonly reason: string) {
    super(`invalid query: ${operation} on ${dataset}${column ? `.${column}` : ''}: ${reason}`);
    this.name = 'InvalidQuery';
  }
}

/** What an expression yields. `text` of a literal or parameter may stand for a date where `date` asks for one. */
type Kind = 'text' | 'number' | 'date' | 'timestamp' | 'boolean' | 'null';
interface Typed {
  kind: Kind;
  /** The column it reads directly, with what its definition says beyond the stored type. */
  column?: { name: string; type?: ColumnType['kind']; codeList?: string };
  /** A literal or parameter: its value is known before the query runs. */
  value?: { of: Scalar; param?: string };
}

const KIND: Record<StoredType, Kind> = { string: 'text', date: 'date', timestamp: 'timestamp', int: 'number', double: 'number', boolean: 'boolean' };
const NAME = /^[a-z_][a-z0-9_]*$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const DESCRIBE: Record<Kind, string> = { text: 'text', number: 'a number', date: 'a date', timestamp: 'a timestamp', boolean: 'true/false', null: 'null' };

const kindOf = (v: Scalar): Kind => v === null ? 'null' : typeof v === 'string' ? 'text' : typeof v === 'number' ? 'number' : 'boolean';

/** The columns a query may read from a dataset: its stored columns and the extract each row came from. */
type Columns = Map<string, NonNullable<Typed['column']> & { kind: Kind }>;
const known = new WeakMap<object, Columns>();

function columnsOf(dataset: string): Columns | null {
  const definition = Object.hasOwn(datasets, dataset) ? datasets[dataset] : undefined;
  if (!definition) return null;
  let out = known.get(definition);
  if (out) return out;
  out = new Map();
  known.set(definition, out);
  for (const stored of viewColumns(definition)) {
    const column = definition.columns.find((c) => c.name === stored.name && !c.identity && !c.reference && !c.location);
    out.set(stored.name, {
      name: stored.name, kind: KIND[stored.type],
      ...(column ? { type: column.type.kind } : {}),
      ...(column?.type.kind === 'enum' ? { codeList: column.type.codeList } : {}),
    });
  }
  out.set('upload_id', { name: 'upload_id', kind: 'text' });
  return out;
}

/** Checks a count query: its filter is a condition, its group columns are plain names (not `count`). */
export function checkCount(query: CountQuery, params: Params): void {
  check(query.from, query.where, query.groupBy, 'group by', params);
}

/** Checks a row query: its filter is a condition, its output columns are plain names. */
export function checkRows(query: RowQuery, params: Params): void {
  check(query.from, query.where, query.select, 'select', params);
}

function check(from: string, where: Expr | undefined, outputs: Record<string, Expr>, clause: string, params: Params) {
  const columns = columnsOf(from);
  if (!columns) throw new InvalidQuery('from', from, null, 'no dataset has this id');
  const scope = new Scope(from, columns, params);
  if (where) scope.condition(where, 'where');
  for (const [name, e] of Object.entries(outputs)) {
    if (!NAME.test(name)) throw new InvalidQuery(clause, from, null, 'an output name must be a plain lower-case name');
    if (clause === 'group by' && name === 'count') throw new InvalidQuery(clause, from, null, 'the output name count is taken by the count itself');
    scope.type(e, `${clause} ${name}`);
  }
}

/**
 * Checks a person query: each source over its dataset (and lookup), the shared columns of one kind in every
 * source that selects them, each measure over the shared columns, and `having` over the measures.
 */
export function checkPersons(query: PersonQuery, params: Params): void {
  if (!query.sources.length) throw new InvalidQuery('sources', '(person query)', null, 'a person query needs a source');
  const shared: Columns = new Map([['dataset', { name: 'dataset', kind: 'text' as Kind }]]);
  for (const source of query.sources) {
    const columns = columnsOf(source.from);
    if (!columns) throw new InvalidQuery('from', source.from, null, 'no dataset has this id');
    const linked = datasets[source.from] && linkedColumns(datasets[source.from]).some((c) => c.name === source.person);
    if (!linked) throw new InvalidQuery('person', source.from, source.person, 'not a linked person column of the dataset');
    const own = new Map(columns);
    if (source.lookup) {
      const lookup = columnsOf(source.lookup.from);
      if (!lookup) throw new InvalidQuery('lookup', source.lookup.from, null, 'no dataset has this id');
      const lookupScope = new Scope(source.lookup.from, lookup, params);
      lookupScope.type({ col: source.lookup.match }, 'lookup match');
      new Scope(source.from, columns, params).type({ col: source.lookup.key }, 'lookup key');
      for (const [name, e] of Object.entries(source.lookup.select)) {
        if (!NAME.test(name) || own.has(name)) throw new InvalidQuery('lookup select', source.from, name, 'a lookup column needs a plain name the dataset does not have');
        own.set(name, { name, kind: lookupScope.type(e, `lookup ${name}`).kind });
      }
    }
    const scope = new Scope(source.from, own, params);
    if (source.where) scope.condition(source.where, 'where');
    for (const [name, e] of Object.entries(source.select)) {
      if (!NAME.test(name) || name === 'dataset' || name === 'person_id') throw new InvalidQuery('select', source.from, name, 'a shared column needs a plain name other than dataset and person_id');
      const kind = scope.type(e, `select ${name}`).kind;
      const known = shared.get(name);
      if (known && known.kind !== kind && kind !== 'null' && known.kind !== 'null') throw new InvalidQuery('select', source.from, name, `is ${DESCRIBE[kind]} here and ${DESCRIBE[known.kind]} in another source`);
      if (!known || known.kind === 'null') shared.set(name, { name, kind });
    }
  }
  const rows = new Scope('(person rows)', shared, params);
  const measures: Columns = new Map();
  for (const [name, m] of Object.entries(query.measures)) {
    if (!NAME.test(name) || name === 'person_id') throw new InvalidQuery('measure', '(person rows)', name, 'a measure needs a plain name other than person_id');
    if (m.where) rows.condition(m.where, `measure ${name}`);
    let kind: Kind = 'number';
    if (m.agg !== 'count') {
      kind = rows.type(m.value, `measure ${name}`).kind;
      if (m.agg === 'count_distinct') kind = 'number';
      if (m.agg === 'list' && kind !== 'text') throw new InvalidQuery('measure', '(person rows)', name, 'list takes text values');
    }
    if (m.agg === 'latest') {
      const by = rows.type(m.by, `measure ${name} by`).kind;
      if (by !== 'date') throw new InvalidQuery('measure', '(person rows)', name, `latest orders by a date, and this is ${DESCRIBE[by]}`);
    }
    measures.set(name, { name, kind });
  }
  if (query.having) new Scope('(people)', measures, params).condition(query.having, 'having');
  if (query.recordsBy) {
    if (measures.has('records')) throw new InvalidQuery('measure', '(person rows)', 'records', 'with recordsBy, records is the count of each combination');
    for (const [i, name] of query.recordsBy.entries()) {
      if (!shared.has(name)) throw new InvalidQuery('recordsBy', '(person rows)', name, 'not a shared column of the sources (nor dataset)');
      if (measures.has(name) || query.recordsBy.indexOf(name) !== i) throw new InvalidQuery('recordsBy', '(person rows)', name, 'names a column twice (a measure, or listed before)');
    }
  }
}

class Scope {
  constructor(private readonly dataset: string, private readonly columns: Columns, private readonly params: Params) {}

  private fail(operation: string, t: Typed | null, reason: string): never {
    throw new InvalidQuery(operation, this.dataset, t?.column?.name ?? null, reason);
  }

  /** An expression that must be true/false (or null): a filter, or an argument of and/or/not. */
  condition(e: Expr, operation: string): void {
    const t = this.type(e, operation);
    if (t.kind !== 'boolean') this.fail(operation, t, `needs a condition (true/false), and this is ${DESCRIBE[t.kind]}`);
  }

  type(e: Expr, operation: string): Typed {
    if ('col' in e) {
      const column = this.columns.get(e.col);
      if (!column) throw new InvalidQuery(operation, this.dataset, e.col, `${this.dataset} has no such column`);
      const { kind, ...rest } = column;
      return { kind, column: rest };
    }
    if ('lit' in e) return { kind: kindOf(e.lit), value: { of: e.lit } };
    if ('param' in e) {
      if (!(e.param in this.params)) throw new InvalidQuery(operation, this.dataset, null, `the parameter ${e.param} is not given`);
      const v = this.params[e.param];
      return { kind: kindOf(v), value: { of: v, param: e.param } };
    }
    const op = e.op as string;
    switch (e.op) {
      case 'eq': case 'ne': case 'lt': case 'le': case 'gt': case 'ge': {
        const a = this.type(e.a, op), b = this.type(e.b, op);
        if (a.kind === 'null' || b.kind === 'null') this.fail(op, a.kind === 'null' ? b : a, 'a comparison with null is never true: use is_null or not_null');
        // Only like with like. A date with a timestamp too: SQL makes the date midnight, the reference engine
        // compares their text, and the two differ at midnight; the date operation makes the timestamp a date.
        if (a.kind !== b.kind) {
          const timed = [a.kind, b.kind].some((k) => k === 'date' || k === 'timestamp');
          this.fail(op, a.column ? a : b, `compares ${DESCRIBE[a.kind]} with ${DESCRIBE[b.kind]}${timed ? ' (the date operation makes a timestamp or a YYYY-MM-DD text a date)' : ''}`);
        }
        if (a.kind === 'boolean' && op !== 'eq' && op !== 'ne') this.fail(op, a, 'true/false values are compared only with eq or ne');
        if (op === 'eq' || op === 'ne') { this.inCodeList(op, a, b); this.inCodeList(op, b, a); }
        return { kind: 'boolean' };
      }
      case 'and': case 'or':
        if (!e.args.length) this.fail(op, null, 'needs at least one condition');
        for (const arg of e.args) this.condition(arg, op);
        return { kind: 'boolean' };
      case 'not': this.condition(e.a, op); return { kind: 'boolean' };
      case 'is_null': case 'not_null': this.type(e.a, op); return { kind: 'boolean' };
      case 'in': {
        const a = this.type(e.a, op);
        if (a.kind === 'date' || a.kind === 'timestamp' || a.kind === 'null') this.fail(op, a, `lists values, which cannot be compared with ${DESCRIBE[a.kind]}`);
        for (const v of e.values) {
          if (v !== null && kindOf(v) !== a.kind) this.fail(op, a, `lists ${DESCRIBE[kindOf(v)]} among values of ${DESCRIBE[a.kind]}`);
          this.inCodeList(op, a, { kind: kindOf(v), value: { of: v } });
        }
        return { kind: 'boolean' };
      }
      case 'has_token': {
        const a = this.type(e.a, op);
        if (a.kind !== 'text' || !a.column) this.fail(op, a, 'needs a text column of blocking tokens');
        if (e.tokens.some((t) => typeof t !== 'string' || !/^[^: ]+:[^ ]+$/.test(t))) this.fail(op, a, 'needs tokens of the form version:token');
        return { kind: 'boolean' };
      }
      case 'list_has_prefix': {
        const a = this.type(e.a, op);
        if (a.column?.type !== 'icd10_list') this.fail(op, a, 'needs a column of ;-separated codes (an ICD-10 list)');
        // Letters, digits and dots only: the SQL finds a prefix with LIKE, where % and _ would be wildcards.
        if (!e.prefixes.length || e.prefixes.some((p) => typeof p !== 'string' || !/^[A-Za-z0-9.]+$/.test(p))) this.fail(op, a, 'needs at least one prefix, each of letters, digits and dots');
        return { kind: 'boolean' };
      }
      case 'month': case 'weekday': {
        const a = this.type(e.a, op);
        if (a.kind !== 'date' && a.kind !== 'timestamp') this.fail(op, a, `needs a date or a timestamp, and this is ${DESCRIBE[a.kind]}`);
        return { kind: op === 'month' ? 'text' : 'number' };
      }
      case 'date': {
        const a = this.type(e.a, op);
        if (a.kind === 'date' || a.kind === 'timestamp') return { kind: 'date' };
        if (a.kind === 'text' && a.value) {
          if (typeof a.value.of !== 'string' || !ISO_DAY.test(a.value.of)) this.fail(op, a, `needs a YYYY-MM-DD date, and the ${a.value.param ? `parameter ${a.value.param}` : 'literal'} is not one`);
          return { kind: 'date' };
        }
        return this.fail(op, a, `needs a date, a timestamp or a YYYY-MM-DD literal or parameter, and this is ${a.column && a.kind === 'text' ? 'a text column' : DESCRIBE[a.kind]}`);
      }
      case 'hour_of_time': {
        const a = this.type(e.a, op);
        if (a.column?.type !== 'time') this.fail(op, a, 'needs a time-of-day (HH:MM) column');
        return { kind: 'number' };
      }
      case 'in_rows': {
        const a = this.type(e.a, op);
        const other = columnsOf(e.from);
        if (!other) throw new InvalidQuery(op, e.from, null, 'no dataset has this id');
        const inner = new Scope(e.from, other, this.params);
        const selected = inner.type(e.select, op);
        if (e.where) inner.condition(e.where, `${op} where`);
        if (a.kind !== selected.kind || a.kind === 'null') this.fail(op, a, `looks for ${DESCRIBE[a.kind]} among ${DESCRIBE[selected.kind]} of ${e.from}`);
        return { kind: 'boolean' };
      }
      default:
        return this.fail(op ?? 'expression', null, 'is not an operation of the query description');
    }
  }

  /** A literal compared with a coded column must be one of the column's codes (no value goes into the error). */
  private inCodeList(operation: string, column: Typed, literal: Typed) {
    const list = column.column?.codeList;
    if (!list || literal.value?.param !== undefined || typeof literal.value?.of !== 'string') return;
    if (!codeLists[list]?.values.includes(literal.value.of)) this.fail(operation, column, `compares with a value that is not in the code list ${list}`);
  }
}
