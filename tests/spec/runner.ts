import { openEngine } from '../../analytics/engine.ts';
import { SqlEngine } from '../../analytics/engines/sql.ts';
import type { CompiledSql, SqlValue } from '../../analytics/engines/ports.ts';
import { isoToDay } from '../../analytics/dates.ts';
import { sortRows, type CountQuery, type Engine, type Operation, type Params, type PersonMeasure, type PersonQuery, type ResultRow, type RowQuery, type Scalar } from '../../analytics/ir.ts';
import { linkSources, recordId } from '../../analytics/matching/link-rows.ts';
import { storeRunLinks } from '../../functions/linkage/links.ts';
import { ParquetSink } from '../../functions/ingest/parquet-sink.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { getDataset } from '../../schemas/datasets/index.ts';
import { DEFAULT_DEPLOYMENT, deploymentNames, loadDeployment } from '../../schemas/deployments/index.ts';
import { linkedColumns, storedColumns } from '../../schemas/stored.ts';
import { testPlatform } from '../helpers.ts';

/**
 * The spec suite's one runner (OpenSAFELY ehrQL's spec tests are the model): a case is tiny tables in, a query of
 * the description, and the rows out, pinned. Every case runs on every engine: the Arquero reference and the SQL
 * engine on DuckDB run it for real; the SQL engine in the Athena dialect compiles it, and the caller parses what it
 * emitted with a Trino grammar (tests/spec/operations.spec.test.ts).
 */
export type SpecEngine = 'arquero' | 'duckdb' | 'athena';
export const specEngines: SpecEngine[] = ['arquero', 'duckdb', 'athena'];

export interface SpecCase {
  /** What the case shows, in a phrase. */
  name: string;
  /**
   * Rows of stored columns by dataset (dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS'). A column left out is
   * null, except an event dataset's event date, which is 2024-06-01 unless given (a row without one never counts).
   * A linked column (person_id) is not stored: it becomes the row's person link, as a linking run writes it.
   */
  tables: Record<string, Record<string, Scalar>[]>;
  query: { count: CountQuery } | { rows: RowQuery } | { persons: PersonQuery };
  params?: Params;
  /** What every engine returns: a count query's rows sorted by its groups, a row query's sorted by all columns. */
  expected: ResultRow[];
}

/** Cases by the operation they pin down; `query` holds the ones about counting and selecting themselves. */
export type SpecCases = Partial<Record<Operation | 'query' | `person ${PersonMeasure['agg']}` | 'person query', SpecCase[]>>;

const DEFAULT_EVENT_DAY = '2024-06-01';
const PARTNER = 'spec-partner';

/** Writes each table as one accepted extract, through the same Parquet writer and catalog as ingest. */
async function load(platform: Platform, tables: SpecCase['tables']) {
  let n = 0;
  const links: { records: string[]; persons: string[] } = { records: [], persons: [] };
  for (const [datasetId, rows] of Object.entries(tables)) {
    const dataset = getDataset(datasetId);
    const columns = storedColumns(dataset);
    const uploadId = `up-20250101000000-${String(++n).padStart(8, '0')}`;
    const file = `curated/${dataset.id}/upload_id=${uploadId}/part-00000.parquet`;
    const sink = new ParquetSink(columns, platform.storage.openWriter(file));
    for (const row of rows) {
      const filled: Record<string, Scalar> = { ...(dataset.eventDate ? { [dataset.eventDate]: DEFAULT_EVENT_DAY } : {}), ...row };
      for (const linked of linkedColumns(dataset)) {
        if (filled[linked.name] === undefined) continue;
        const source = linkSources().find((s) => s.dataset === datasetId && s.personColumn === linked.name)!;
        links.records.push(recordId(source, source.idColumns.map((c) => filled[c] ?? null)));
        links.persons.push(String(filled[linked.name]));
        delete filled[linked.name];
      }
      for (const name of Object.keys(filled)) if (!columns.some((c) => c.name === name)) throw new Error(`spec table ${datasetId} has no column ${name}`);
      await sink.append(columns.map((c) => {
        const v = filled[c.name] ?? null;
        if (v === null) return null;
        if (c.type === 'date') return isoToDay(String(v));
        if (c.type === 'timestamp') return Date.parse(`${String(v).replace(' ', 'T')}Z`);
        return v;
      }));
    }
    await sink.close();
    await platform.catalog.add({
      upload_id: uploadId, dataset: dataset.id, partner: PARTNER, content_key: uploadId, file, rows: rows.length,
      period_from: dataset.eventDate ? '2000-01-01' : null, period_to: dataset.eventDate ? '2099-12-31' : null,
      accepted_at: '2025-01-01T00:00:00.000Z',
    });
  }
  if (links.records.length) await storeRunLinks(platform.storage, 'spec', links.records, links.persons, new Date('2025-01-01T00:00:00Z'));
}

const run = (engine: Engine, c: SpecCase) => 'count' in c.query
  ? engine.count(c.query.count, c.params ?? {})
  : 'persons' in c.query ? engine.persons(c.query.persons, c.params ?? {})
  : engine.rows(c.query.rows, c.params ?? {}).then((rows) => sortRows(rows, Object.keys((c.query as { rows: RowQuery }).rows.select)));

/** Sorts a case's expected rows as the engines' are sorted, so a case may list them in any order. */
export const expectedRows = (c: SpecCase) => sortRows([...c.expected],
  'count' in c.query ? Object.keys(c.query.count.groupBy) : 'persons' in c.query ? ['person_id', ...(c.query.persons.recordsBy ?? [])] : Object.keys(c.query.rows.select));

/** The deployment bundles every case runs under: the engines must not depend on which VRU's store they read. */
export const specDeployments = deploymentNames;

/** A fresh local platform of a deployment holding a case's tables as accepted extracts; the caller cleans it up. */
export async function specPlatform(tables: SpecCase['tables'], deployment = DEFAULT_DEPLOYMENT): Promise<{ platform: Platform; cleanup: () => void }> {
  const t = testPlatform(undefined, { deployment: loadDeployment(deployment) });
  try { await load(t.platform, tables); } catch (error) { t.cleanup(); throw error; }
  return t;
}

/** Runs a case on Arquero or on the SQL engine over DuckDB. */
export async function runOn(name: Exclude<SpecEngine, 'athena'>, platform: Platform, c: SpecCase): Promise<ResultRow[]> {
  const engine = await openEngine(name === 'arquero' ? 'arquero' : 'sql', platform);
  try { return await run(engine, c); } finally { await engine.close(); }
}

/** The SQL the engine sends Athena for a case, also kept in `sent` (nothing runs: each statement is answered with no rows). */
export async function athenaStatements(c: SpecCase, sent: { sql: string; values: SqlValue[] }[] = []): Promise<{ sql: string; values: SqlValue[] }[]> {
  const athena: CompiledSql = {
    dialect: 'athena',
    runCompiled: async (sql, values) => { sent.push({ sql, values }); return []; },
    close: async () => {},
  };
  const engine = await SqlEngine.open({ openSql: async () => athena });
  await run(engine, c);
  return sent;
}
