import type { SqlValue } from './ports.ts';
import type { CountQuery, Expr, Params, PersonMeasure, PersonQuery, RowQuery, Scalar } from '../ir.ts';
import { datasets } from '../../schemas/datasets/index.ts';
import { linkedColumns } from '../../schemas/stored.ts';

/**
 * Compiles a count query to SQL that DuckDB and Athena (Trino) both accept. Values become positional parameters
 * (`?`), never text; identifiers come only from definitions, and are checked to be plain names.
 */
export interface CompiledSql { sql: string; values: SqlValue[] }

/** What differs between the SQL engines: a few function names and types (Splink's lesson: a dialect, not patched text). */
export interface Dialect {
  name: 'duckdb' | 'athena';
  isoWeekday: (date: string) => string;
  /** A bound list parameter of text or numbers, as an array value. */
  listParameter: (kind: 'text' | 'number') => string;
  /** Whether two arrays of text share an element. */
  overlaps: (x: string, y: string) => string;
  /**
   * Whether the engine has, beside each linked dataset's view, a view of the same rows without the linked person
   * columns (`storedRowsView`): a query that reads none of them reads that one and skips the join to the links.
   */
  storedRowsViews: boolean;
  /**
   * Whether a common table read twice is computed once (DuckDB materializes it; Trino runs it again): a person query
   * then first finds the people `having` can keep, and aggregates only their rows (peopleFilter).
   */
  materializesCommonTables: boolean;
}
export const dialects: Record<'duckdb' | 'athena', Dialect> = {
  duckdb: { name: 'duckdb', isoWeekday: (d) => `isodow(${d})`, listParameter: (kind) => `CAST(? AS ${kind === 'text' ? 'VARCHAR' : 'DOUBLE'}[])`, overlaps: (x, y) => `list_has_any(${x}, ${y})`, storedRowsViews: true, materializesCommonTables: true },
  athena: { name: 'athena', isoWeekday: (d) => `day_of_week(${d})`, listParameter: (kind) => `CAST(? AS ARRAY(${kind === 'text' ? 'VARCHAR' : 'DOUBLE'}))`, overlaps: (x, y) => `arrays_overlap(${x}, ${y})`, storedRowsViews: false, materializesCommonTables: false },
};

/** Longer lists (person keys, usually) travel as one array parameter that the engine joins against, not as `?, ?, …`. */
const LIST_AS_ARRAY = 50;

const NAME = /^[a-z_][a-z0-9_]*$/;
/** Quoted, so that a name that is also a word of SQL (`group`, which Trino refuses bare) is still a name. */
const ident = (name: string) => {
  if (!NAME.test(name)) throw new Error(`not a plain column name: ${name}`);
  return `"${name}"`;
};
/** The name of a linked dataset's view without its linked person columns (functions/platform/sql/duckdb.ts makes it). */
export const storedRowsView = (dataset: string) => `${dataset}__stored`;

/** The columns an expression reads of its own dataset (not those a semi-join's subquery reads of another). */
function columnsOf(e: Expr | undefined, into = new Set<string>()): Set<string> {
  if (!e) return into;
  if ('col' in e) into.add(e.col);
  else if ('a' in e) { columnsOf(e.a, into); if ('b' in e) columnsOf(e.b, into); }
  else if ('args' in e) for (const x of e.args) columnsOf(x, into);
  return into;
}

/** The relation a query of a dataset reads: the dataset's view, or its stored rows where it reads no linked column. */
function relation(from: string, exprs: (Expr | undefined)[], dialect: Dialect): string {
  const dataset = datasets[from];
  if (!dialect.storedRowsViews || !dataset) return ident(from);
  const linked = linkedColumns(dataset).map((c) => c.name);
  if (!linked.length) return ident(from);
  const read = new Set<string>();
  for (const e of exprs) columnsOf(e, read);
  return linked.some((c) => read.has(c)) ? ident(from) : ident(storedRowsView(from));
}

const OPS = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

export function compileCount(query: CountQuery, params: Params, dialect: Dialect = dialects.duckdb): CompiledSql {
  return compile(query.from, query.where, query.groupBy, true, params, dialect);
}

export function compileRows(query: RowQuery, params: Params, dialect: Dialect = dialects.duckdb): CompiledSql {
  return compile(query.from, query.where, query.select, false, params, dialect);
}

/** Compiles expressions in the order of the text, binding their values into `values`; `column` spells a column. */
function expressions(values: SqlValue[], params: Params, dialect: Dialect, column: (name: string) => string = ident) {
  const bind = (value: SqlValue) => { values.push(value); return '?'; };
  const expr = (e: Expr): string => {
    if ('col' in e) return column(e.col);
    if ('lit' in e) return e.lit === null ? 'NULL' : bind(e.lit);
    if ('param' in e) {
      if (!(e.param in params)) throw new Error(`missing parameter ${e.param}`);
      return bind(params[e.param]);
    }
    switch (e.op) {
      case 'eq': case 'ne': case 'lt': case 'le': case 'gt': case 'ge': return `(${expr(e.a)} ${OPS[e.op]} ${expr(e.b)})`;
      case 'and': case 'or': return `(${e.args.map(expr).join(` ${e.op.toUpperCase()} `)})`;
      case 'not': return `(NOT ${expr(e.a)})`;
      case 'in': {
        // Nulls never match (as in the reference engine), so they are left out of the list.
        const value = expr(e.a), list = e.values.filter((v) => v !== null);
        if (!list.length) return `(CASE WHEN ${value} IS NULL THEN NULL ELSE FALSE END)`; // as the reference engine: null stays null
        if (list.length <= LIST_AS_ARRAY || list.some((v) => typeof v === 'boolean')) return `(${value} IN (${list.map(bind).join(', ')}))`;
        const kind = list.every((v) => typeof v === 'number') ? 'number' : 'text';
        const array = dialect.listParameter(kind);
        bind(kind === 'text' ? list.map(String) : (list as number[]));
        return `(${value} IN (SELECT listed FROM UNNEST(${array}) AS listed_values(listed)))`;
      }
      case 'is_null': return `(${expr(e.a)} IS NULL)`;
      case 'not_null': return `(${expr(e.a)} IS NOT NULL)`;
      case 'date': return `CAST(${expr(e.a)} AS DATE)`;
      case 'weekday': return `CAST(${dialect.isoWeekday(`CAST(${expr(e.a)} AS DATE)`)} AS INTEGER)`;
      case 'hour_of_time': return `CAST(substr(${expr(e.a)}, 1, 2) AS INTEGER)`;
      case 'month': return `substr(CAST(CAST(${expr(e.a)} AS DATE) AS VARCHAR), 1, 7)`;
      case 'in_rows': {
        // Compiled in the order of the text, so that bound values line up with their `?`.
        // The subquery reads its own dataset's columns, unqualified.
        const value = expr(e.a), inner = expressions(values, params, dialect);
        return `(${value} IN (SELECT ${inner(e.select)} FROM ${relation(e.from, [e.select, e.where], dialect)} WHERE ${e.where ? `${inner(e.where)} AND ` : ''}${inner(e.select)} IS NOT NULL))`;
      }
      case 'has_token': {
        // Tokens of one key version at a time: the column's version, then its tokens split on spaces.
        const byVersion = new Map<string, string[]>();
        for (const t of e.tokens) {
          const colon = t.indexOf(':');
          (byVersion.get(t.slice(0, colon)) ?? byVersion.set(t.slice(0, colon), []).get(t.slice(0, colon))!).push(t.slice(colon + 1));
        }
        if (!byVersion.size) return `(CASE WHEN ${expr(e.a)} IS NULL THEN NULL ELSE FALSE END)`;
        return `(${[...byVersion].map(([version, tokens]) => {
          const a = expr(e.a);
          const versionOf = `(substr(${a}, 1, strpos(${a}, ':')) = ${bind(`${version}:`)})`;
          const list = `split(substr(${expr(e.a)}, strpos(${expr(e.a)}, ':') + 1), ' ')`;
          const wanted = dialect.listParameter('text');
          bind(tokens);
          return `(${versionOf} AND ${dialect.overlaps(list, wanted)})`;
        }).join(' OR ')})`;
      }
      case 'list_has_prefix': {
        // The list is ';'-separated; wrapping it in ';' lets one LIKE find a code at any position.
        const list = expr(e.a);
        return `(${e.prefixes.map((p) => e.first_only
          ? `(${list} LIKE ${bind(`${p}%`)})`
          : `((';' || ${list}) LIKE ${bind(`%;${p}%`)})`).join(' OR ')})`;
      }
    }
  };
  return expr;
}

function compile(from: string, where: Expr | undefined, outputs: Record<string, Expr>, counted: boolean, params: Params, dialect: Dialect): CompiledSql {
  const values: CompiledSql['values'] = [];
  const expr = expressions(values, params, dialect);
  const groups = Object.entries(outputs);
  const select = groups.map(([name, e]) => `${expr(e)} AS ${ident(name)}`);
  const filter = where ? ` WHERE ${expr(where)}` : '';
  const source = relation(from, [where, ...groups.map(([, e]) => e)], dialect);
  if (!counted) return { sql: `SELECT ${select.join(', ')} FROM ${source}${filter}`, values };
  const groupBy = groups.length ? ` GROUP BY ${groups.map((_, i) => i + 1).join(', ')}` : '';
  const orderBy = groups.length ? ` ORDER BY ${groups.map((_, i) => i + 1).join(', ')}` : '';
  return { sql: `SELECT ${[...select, 'CAST(count(*) AS INTEGER) AS "count"'].join(', ')} FROM ${source}${filter}${groupBy}${orderBy}`, values };
}

/**
 * A person query as one statement: the sources' rows (those with a person) as one relation of shared columns, a
 * group per person with each measure a filtered aggregate, and `having` over the measures around it.
 */
export function compilePersons(query: PersonQuery, params: Params, dialect: Dialect = dialects.duckdb): CompiledSql {
  // Each part binds its own values, joined in the order the parts stand in the text, so bound values line up.
  const measureValues: SqlValue[] = [], branchValues: SqlValue[] = [], havingValues: SqlValue[] = [];
  const row = expressions(measureValues, params, dialect);
  // Each occurrence compiled where it stands in the text, so that bound values line up with their `?`.
  const when = (m: PersonMeasure) => (m.where ? row(m.where) : 'TRUE');
  const measure = (m: PersonMeasure): string => {
    switch (m.agg) {
      case 'count': return `CAST(count(CASE WHEN ${when(m)} THEN 1 END) AS INTEGER)`;
      // DuckDB's grouped DISTINCT aggregates keep a hash table per group: a list made distinct afterwards costs a fraction.
      case 'count_distinct': return dialect.name === 'duckdb'
        ? `CAST(coalesce(len(list_distinct(list(${row(m.value)}) FILTER (WHERE ${when(m)}))), 0) AS INTEGER)`
        : `CAST(count(DISTINCT CASE WHEN ${when(m)} THEN ${row(m.value)} END) AS INTEGER)`;
      case 'min': case 'max': return `${m.agg}(CASE WHEN ${when(m)} THEN ${row(m.value)} END)`;
      case 'list': return dialect.name === 'duckdb'
        ? `array_to_string(list_sort(list_distinct(list(${row(m.value)}) FILTER (WHERE ${when(m)} AND ${row(m.value)} IS NOT NULL))), ';')`
        : `array_join(array_sort(array_agg(DISTINCT ${row(m.value)}) FILTER (WHERE ${when(m)} AND ${row(m.value)} IS NOT NULL)), ';')`;
      case 'latest': {
        // The greatest (date, value) text: a date's text sorts as the date does, and the value breaks ties.
        const kept = () => `${when(m)} AND ${row(m.value)} IS NOT NULL`;
        const value = `CASE WHEN ${kept()} THEN ${row(m.value)} END`;
        return `max_by(${value}, CASE WHEN ${kept()} THEN coalesce(CAST(${row(m.by)} AS VARCHAR), '') || '|' || CAST(${row(m.value)} AS VARCHAR) END)`;
      }
    }
  };
  const measures = Object.entries(query.measures).map(([name, m]) => `${measure(m)} AS ${ident(name)}`);
  const shared = [...new Set(query.sources.flatMap((s) => Object.keys(s.select)))];
  const branches = query.sources.map((source) => {
    const lookupNames = new Set(Object.keys(source.lookup?.select ?? {}));
    const expr = expressions(branchValues, params, dialect, (name) => (lookupNames.has(name) ? `j.${ident(name)}` : `s.${ident(name)}`));
    const dataset = expr({ lit: source.from });
    const selected = shared.map((name) => `${source.select[name] ? expr(source.select[name]) : 'NULL'} AS ${ident(name)}`);
    const head = `SELECT s.${ident(source.person)} AS "person_id", ${dataset} AS "dataset", ${selected.join(', ')}`;
    let join = '';
    if (source.lookup) {
      const lookup = expressions(branchValues, params, dialect);
      const columns = Object.entries(source.lookup.select).map(([name, e]) => `${lookup(e)} AS ${ident(name)}`);
      join = ` LEFT JOIN (SELECT ${ident(source.lookup.match)} AS "lookup_key", ${columns.join(', ')} FROM ${ident(source.lookup.from)}) j ON s.${ident(source.lookup.key)} = j."lookup_key"`;
    }
    const filter = source.where ? ` AND ${expr(source.where)}` : '';
    return `${head} FROM ${ident(source.from)} s${join} WHERE s.${ident(source.person)} IS NOT NULL${filter}`;
  });
  const union = branches.join(' UNION ALL ');
  // Only the people `having` can keep are aggregated, where a row of theirs must pass a filter for it to (DuckDB).
  const filterValues: SqlValue[] = [];
  const kept = dialect.materializesCommonTables && query.having ? peopleFilter(query.having, query.measures, params) : null;
  const keptOnly = kept ? ` WHERE "person_id" IN (SELECT "person_id" FROM r WHERE ${expressions(filterValues, params, dialect)(kept)})` : '';
  const having = query.having ? ` WHERE ${expressions(havingValues, params, dialect)(query.having)}` : '';
  if (!query.recordsBy) {
    if (kept) {
      const grouped = `SELECT "person_id"${measures.map((m) => `, ${m}`).join('')} FROM r${keptOnly} GROUP BY "person_id"`;
      return { sql: `WITH r AS (${union}) SELECT * FROM (${grouped}) p${having} ORDER BY "person_id"`, values: [...branchValues, ...measureValues, ...filterValues, ...havingValues] };
    }
    const grouped = `SELECT "person_id"${measures.map((m) => `, ${m}`).join('')} FROM (${union}) r GROUP BY "person_id"`;
    return { sql: `SELECT * FROM (${grouped}) p${having} ORDER BY "person_id"`, values: [...measureValues, ...branchValues, ...havingValues] };
  }
  // The rows once (a common table), read twice: the kept people's measures, and the combinations of only their rows
  // counted (a semi-join first, so that the second grouping is over the kept people's rows, not everyone's).
  const by = query.recordsBy.map(ident);
  const people = `SELECT * FROM (SELECT "person_id"${measures.map((m) => `, ${m}`).join('')} FROM r${keptOnly} GROUP BY "person_id") p0${having}`;
  const combinations = `SELECT "person_id" AS "group_person"${by.map((b) => `, ${b}`).join('')}, CAST(count(*) AS INTEGER) AS "records" FROM r WHERE "person_id" IN (SELECT "person_id" FROM p) GROUP BY ${[...by.keys(), by.length].map((i) => i + 1).join(', ')}`;
  return {
    sql: `WITH r AS (${union}), p AS (${people}) SELECT p.*${by.map((b) => `, g.${b}`).join('')}, g."records" FROM p JOIN (${combinations}) g ON g."group_person" = p."person_id" ORDER BY p."person_id"${by.map((b) => `, g.${b}`).join('')}`,
    values: [...branchValues, ...measureValues, ...filterValues, ...havingValues],
  };
}

/**
 * A filter of rows that every person `having` keeps has a row passing (null when `having` implies none): a count at
 * least 1 needs a row passing its measure's filter; a min, max or latest that must not be null (compared, listed or
 * tested), a row passing its filter with a value. `and` needs one such conjunct, `or` every branch.
 */
export function peopleFilter(having: Expr, measures: Record<string, PersonMeasure>, params: Params): Expr | null {
  const number = (e: Expr): number | null => {
    const v = 'lit' in e ? e.lit : 'param' in e ? params[e.param] : null;
    return typeof v === 'number' ? v : null;
  };
  const measureOf = (e: Expr) => ('col' in e && Object.hasOwn(measures, e.col) ? measures[e.col] : undefined);
  // The rows a measure counts, or whose value it keeps.
  const rowsOf = (m: PersonMeasure): Expr => {
    if (m.agg === 'count') return m.where ?? { lit: true };
    const valued: Expr = { op: 'not_null', a: m.value };
    return m.where ? { op: 'and', args: [m.where, valued] } : valued;
  };
  // Where the measure cannot be null: min, max and latest are null with no such row (a list is left alone).
  const notNull = (e: Expr): Expr | null => {
    const m = measureOf(e);
    return m && (m.agg === 'min' || m.agg === 'max' || m.agg === 'latest') ? rowsOf(m) : null;
  };
  if (!('op' in having)) return null;
  switch (having.op) {
    case 'and': {
      for (const arg of having.args) {
        const found = peopleFilter(arg, measures, params);
        if (found) return found;
      }
      return null;
    }
    case 'or': {
      const branches = having.args.map((arg) => peopleFilter(arg, measures, params));
      return branches.every((b) => b !== null) ? { op: 'or', args: branches as Expr[] } : null;
    }
    case 'not_null': return notNull(having.a);
    case 'in': return having.values.some((v) => v !== null) ? notNull(having.a) : null;
    case 'eq': case 'ne': case 'lt': case 'le': case 'gt': case 'ge': {
      const m = measureOf(having.a);
      if (!m) return null;
      if (m.agg !== 'count' && m.agg !== 'count_distinct') return 'lit' in having.b && having.b.lit === null ? null : notNull(having.a);
      // A count of at least one.
      const k = number(having.b);
      if (k === null) return null;
      const atLeastOne = having.op === 'ge' || having.op === 'eq' ? k >= 1 : having.op === 'gt' ? k >= 0 : false;
      return atLeastOne ? rowsOf(m) : null;
    }
    default: return null;
  }
}
