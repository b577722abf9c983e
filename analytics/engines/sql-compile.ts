import type { SqlValue } from './ports.ts';
import type { CountQuery, Expr, Params, RowQuery, Scalar } from '../ir.ts';

/**
 * Compiles a count query to SQL that DuckDB and Athena (Trino) both accept. Values become positional parameters
 * (`?`), never text; identifiers come only from definitions, and are checked to be plain names.
 */
export interface CompiledSql { sql: string; values: SqlValue[] }

/** What differs between the SQL engines: a few function names and types (Splink's lesson: a dialect, not patched text). */
export interface Dialect {
  isoWeekday: (date: string) => string;
  /** A bound list parameter of text or numbers, as an array value. */
  listParameter: (kind: 'text' | 'number') => string;
  /** Whether two arrays of text share an element. */
  overlaps: (x: string, y: string) => string;
}
export const dialects: Record<'duckdb' | 'athena', Dialect> = {
  duckdb: { isoWeekday: (d) => `isodow(${d})`, listParameter: (kind) => `CAST(? AS ${kind === 'text' ? 'VARCHAR' : 'DOUBLE'}[])`, overlaps: (x, y) => `list_has_any(${x}, ${y})` },
  athena: { isoWeekday: (d) => `day_of_week(${d})`, listParameter: (kind) => `CAST(? AS ARRAY(${kind === 'text' ? 'VARCHAR' : 'DOUBLE'}))`, overlaps: (x, y) => `arrays_overlap(${x}, ${y})` },
};

/** Longer lists (person keys, usually) travel as one array parameter that the engine joins against, not as `?, ?, …`. */
const LIST_AS_ARRAY = 50;

const NAME = /^[a-z_][a-z0-9_]*$/;
/** Quoted, so that a name that is also a word of SQL (`group`, which Trino refuses bare) is still a name. */
const ident = (name: string) => {
  if (!NAME.test(name)) throw new Error(`not a plain column name: ${name}`);
  return `"${name}"`;
};
const OPS = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

export function compileCount(query: CountQuery, params: Params, dialect: Dialect = dialects.duckdb): CompiledSql {
  return compile(query.from, query.where, query.groupBy, true, params, dialect);
}

export function compileRows(query: RowQuery, params: Params, dialect: Dialect = dialects.duckdb): CompiledSql {
  return compile(query.from, query.where, query.select, false, params, dialect);
}

function compile(from: string, where: Expr | undefined, outputs: Record<string, Expr>, counted: boolean, params: Params, dialect: Dialect): CompiledSql {
  const values: CompiledSql['values'] = [];
  const bind = (value: SqlValue) => { values.push(value); return '?'; };
  const expr = (e: Expr): string => {
    if ('col' in e) return ident(e.col);
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
        const value = expr(e.a), selected = expr(e.select);
        const filter = e.where ? `${expr(e.where)} AND ` : '';
        return `(${value} IN (SELECT ${selected} FROM ${ident(e.from)} WHERE ${filter}${expr(e.select)} IS NOT NULL))`;
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
  const groups = Object.entries(outputs);
  const select = groups.map(([name, e]) => `${expr(e)} AS ${ident(name)}`);
  const filter = where ? ` WHERE ${expr(where)}` : '';
  if (!counted) return { sql: `SELECT ${select.join(', ')} FROM ${ident(from)}${filter}`, values };
  const groupBy = groups.length ? ` GROUP BY ${groups.map((_, i) => i + 1).join(', ')}` : '';
  const orderBy = groups.length ? ` ORDER BY ${groups.map((_, i) => i + 1).join(', ')}` : '';
  return { sql: `SELECT ${[...select, 'CAST(count(*) AS INTEGER) AS "count"'].join(', ')} FROM ${ident(from)}${filter}${groupBy}${orderBy}`, values };
}
