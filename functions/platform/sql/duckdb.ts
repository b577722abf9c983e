import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId, JsonDuckDBValueConverter, listValue, StatementType } from '@duckdb/node-api';
import { datasets } from '../../../schemas/datasets/index.ts';
import { countingParts } from '../../../analytics/counting.ts';
import type { Platform } from '../platform.ts';
import { QueryRefused, type QueryResult, type SqlEngine, type SqlValue } from './port.ts';
import { countingRowsSql, peopleSql, storedRowsSql } from './views.ts';
import { storedRowsView } from '../../../analytics/engines/sql-compile.ts';
import { linkedColumns } from '../../../schemas/stored.ts';
import { PERSON_LINKS_POINTER, type PersonLinksPointer } from '../../../schemas/glue.ts';
import { getJson } from '../storage/port.ts';

const ALLOWED = new Set([StatementType.SELECT]);
/** Types whose values arrive as plain JS values; the rest (dates, timestamps, BIGINT, DECIMAL) become text, as in DuckDB's JSON form. */
const PLAIN = new Set([DuckDBTypeId.VARCHAR, DuckDBTypeId.BOOLEAN, DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.DOUBLE, DuckDBTypeId.SQLNULL]);
/** DuckDB answers some PRAGMA and CALL statements as SELECTs; the first word must say SELECT too. */
const SELECT_FIRST_WORD = /^(?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(\(|select\b|with\b)/i;

/**
 * DuckDB standing in for Athena: one view per dataset over the curated Parquet, showing the rows that count.
 * After the views are made, file access is limited to the curated store and the configuration is locked, so a
 * query can read nothing else, write nothing, and change no setting. DuckDB adds its temp directory (where it spills
 * what does not fit in memory) to the allowed ones itself, so each engine spills into a directory of its own, made
 * 0700 outside the data dir (not the default `.tmp` under the working directory) and removed on close: a query
 * can see no file there but this engine's own spills.
 */
export class DuckDbEngine implements SqlEngine {
  readonly dialect = 'duckdb' as const;
  private constructor(private readonly instance: DuckDBInstance, private readonly connection: DuckDBConnection, readonly spillDirectory: string) {}

  static async open(platform: Platform): Promise<DuckDbEngine> {
    const spill = await mkdtemp(join(tmpdir(), 'vrn-duckdb-')); // mode 0700
    try {
      const instance = await DuckDBInstance.create(':memory:', { threads: '2', temp_directory: spill });
      return new DuckDbEngine(instance, await DuckDbEngine.lockedConnection(instance, platform), spill);
    } catch (error) {
      await rm(spill, { recursive: true, force: true });
      throw error;
    }
  }

  private static async lockedConnection(instance: DuckDBInstance, platform: Platform): Promise<DuckDBConnection> {
    const connection = await instance.connect();
    const catalog = await platform.catalog.read();
    const pointer = await getJson<PersonLinksPointer>(platform.storage, PERSON_LINKS_POINTER);
    const links = pointer?.value.parts.length
      ? { relation: `read_parquet([${pointer.value.parts.map((p) => `'${platform.storage.locate(p).replace(/'/g, "''")}'`).join(', ')}])`, format: pointer.value.format }
      : null;
    for (const dataset of Object.values(datasets)) {
      const parts = countingParts(dataset, catalog.extracts);
      const files = [...new Set(parts.map((p) => platform.storage.locate(p.file)))];
      const source = files.length
        ? `read_parquet([${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}], hive_partitioning = true)`
        : '';
      await connection.run(`CREATE VIEW ${dataset.id} AS ${countingRowsSql(dataset, parts, source, links)}`);
      // The same rows without the linked persons: what a query that reads none of them reads, without the join to the links.
      if (linkedColumns(dataset).length) await connection.run(`CREATE VIEW ${storedRowsView(dataset.id)} AS ${storedRowsSql(dataset, parts, source)}`);
    }
    await connection.run(`CREATE VIEW people AS ${peopleSql('duckdb')}`);
    const curated = platform.storage.locate('curated');
    await connection.run(`SET allowed_directories = ['${curated.replace(/'/g, "''")}/']`);
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
    return connection;
  }

  async query(sql: string, { maxRows = 10_000, timeoutMs }: { maxRows?: number; timeoutMs?: number } = {}): Promise<QueryResult> {
    if (!timeoutMs) return this.guardedQuery(sql, maxRows);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; this.connection.interrupt(); }, timeoutMs);
    try {
      return await this.guardedQuery(sql, maxRows);
    } catch (error) {
      if (timedOut) throw new QueryRefused(`the query ran longer than the time limit (${timeoutMs / 1000} s) and was cancelled`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async guardedQuery(sql: string, maxRows: number): Promise<QueryResult> {
    const refuse = (error: Error): never => { throw new QueryRefused(error.message); };
    if (!SELECT_FIRST_WORD.test(sql)) throw new QueryRefused('only SELECT (or WITH … SELECT) queries are allowed');
    const statements = await this.connection.extractStatements(sql).catch(refuse);
    if (statements.count !== 1) throw new QueryRefused('send exactly one SELECT statement');
    const prepared = await statements.prepare(0).catch(refuse);
    if (!ALLOWED.has(prepared.statementType)) throw new QueryRefused('only SELECT (or WITH … SELECT) queries are allowed');
    const result = await prepared.stream().catch(refuse);
    const names = result.deduplicatedColumnNames();
    const columns = names.map((name, i) => ({ name, type: result.columnType(i).toString() }));
    const rows: Record<string, unknown>[] = [];
    let truncated = false;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const values of chunk.convertRows(JsonDuckDBValueConverter)) {
        if (rows.length >= maxRows) { truncated = true; break; }
        rows.push(Object.fromEntries(names.map((name, i) => [name, values[i]])));
      }
      if (truncated) break;
    }
    return { columns, rows, truncated };
  }

  /** Runs SQL compiled from a product definition (trusted text, values bound as parameters). */
  async runCompiled(sql: string, values: SqlValue[]): Promise<Record<string, unknown>[]> {
    const prepared = await this.connection.prepare(sql);
    prepared.bind(values.map((v) => (Array.isArray(v) ? listValue(v) : v)));
    const reader = await prepared.runAndReadAll();
    // Column by column: DuckDB's row-object converters cost most of the time of a large person-level result.
    const names = reader.columnNames();
    const converters = reader.columnTypes().map((type) => (PLAIN.has(type.typeId) ? null : (v: unknown) => (v === null ? null : String(v))));
    const columns = reader.getColumns().map((values, i) => (converters[i] ? values.map(converters[i]!) : values));
    const rows: Record<string, unknown>[] = new Array(reader.currentRowCount);
    for (let r = 0; r < rows.length; r++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) row[names[c]] = columns[c][r];
      rows[r] = row;
    }
    return rows;
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.spillDirectory, { recursive: true, force: true });
  }
}
