import type { CompiledSql, EngineDeps } from './ports.ts';
import { sortRows, type CountQuery, type Engine, type Params, type PersonQuery, type ResultRow, type RowQuery, type Scalar } from '../ir.ts';
import { checkCount, checkPersons, checkRows } from './check.ts';
import { compileCount, compilePersons, compileRows, dialects } from './sql-compile.ts';

/** The SQL engine: queries compiled once, run on DuckDB here (on Athena in AWS, the same SQL). */
export class SqlEngine implements Engine {
  readonly name = 'sql' as const;
  private constructor(private readonly sql: CompiledSql) {}

  static async open(platform: Pick<EngineDeps, 'openSql'>) {
    return new SqlEngine(await platform.openSql());
  }

  async count(query: CountQuery, params: Params): Promise<ResultRow[]> {
    checkCount(query, params);
    const { sql, values } = compileCount(query, params, dialects[this.sql.dialect]);
    const rows = (await this.sql.runCompiled(sql, values)) as ResultRow[];
    return sortRows(rows.map((r) => ({ ...r, count: Number(r.count) })), Object.keys(query.groupBy));
  }

  async rows(query: RowQuery, params: Params): Promise<ResultRow[]> {
    checkRows(query, params);
    const { sql, values } = compileRows(query, params, dialects[this.sql.dialect]);
    return (await this.sql.runCompiled(sql, values)) as ResultRow[];
  }

  /** One batch: DuckDB's whole result (Athena's, paged in). */
  async scan(query: RowQuery, params: Params, each: (columns: Record<string, Scalar[]>, rows: number) => void): Promise<void> {
    const rows = await this.rows(query, params);
    const names = Object.keys(query.select);
    if (rows.length) each(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n] ?? null)])), rows.length);
  }

  async persons(query: PersonQuery, params: Params): Promise<ResultRow[]> {
    checkPersons(query, params);
    const { sql, values } = compilePersons(query, params, dialects[this.sql.dialect]);
    const counted = new Set(Object.entries(query.measures).filter(([, m]) => m.agg === 'count' || m.agg === 'count_distinct').map(([name]) => name));
    if (query.recordsBy) counted.add('records');
    const rows = ((await this.sql.runCompiled(sql, values)) as ResultRow[]).map((r) => {
      for (const name of counted) r[name] = Number(r[name]);
      return r;
    });
    // The SQL's order puts nulls last; the description's (sortRows) first.
    return query.recordsBy ? sortRows(rows, ['person_id', ...query.recordsBy]) : rows;
  }

  close() { return this.sql.close(); }
}
