import { DuckDbEngine } from '../../functions/platform/sql/duckdb.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { sortRows, type CountQuery, type Engine, type Params, type ResultRow, type RowQuery } from '../ir.ts';
import { compileCount, compileRows } from './sql-compile.ts';

/** The SQL engine: queries compiled once, run on DuckDB here (on Athena in AWS, the same SQL). */
export class SqlEngine implements Engine {
  readonly name = 'sql' as const;
  private constructor(private readonly duckdb: DuckDbEngine) {}

  static async open(platform: Platform) {
    return new SqlEngine(await DuckDbEngine.open(platform));
  }

  async count(query: CountQuery, params: Params): Promise<ResultRow[]> {
    const { sql, values } = compileCount(query, params);
    const rows = (await this.duckdb.runCompiled(sql, values)) as ResultRow[];
    return sortRows(rows.map((r) => ({ ...r, count: Number(r.count) })), Object.keys(query.groupBy));
  }

  async rows(query: RowQuery, params: Params): Promise<ResultRow[]> {
    const { sql, values } = compileRows(query, params);
    return (await this.duckdb.runCompiled(sql, values)) as ResultRow[];
  }

  close() { return this.duckdb.close(); }
}
