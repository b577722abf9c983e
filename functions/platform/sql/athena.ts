import {
  GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, StopQueryExecutionCommand,
  type AthenaClient, type ColumnInfo, type QueryExecution,
} from '@aws-sdk/client-athena';
import type { QueryResult, SqlEngine, SqlValue } from './port.ts';
import { QueryRefused } from './port.ts';
import { guardReadOnly } from './read-only-text.ts';

export interface AthenaSettings {
  /** The workgroup: it enforces the encrypted result location and the bytes-scanned limit. */
  workGroup: string;
  /** The Glue database holding one view per dataset (the rows that count). */
  database: string;
  /** Analysts' queries give up after this long; product queries after `compiledTimeoutMs`. */
  queryTimeoutMs?: number;
  compiledTimeoutMs?: number;
}

/** Waiting is injectable so tests can run the backoff and the time limit without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 2_000;
const PAGE_SIZE = 1_000;

/** A value as the SQL literal Athena's ExecutionParameters expect (they are substituted for `?` in order). */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot bind ${value} as a SQL parameter`);
    return Number.isInteger(value) ? String(value) : `DOUBLE '${value}'`;
  }
  if (Array.isArray(value)) return `ARRAY[${value.map(sqlLiteral).join(', ')}]`;
  return `'${value.replace(/'/g, "''")}'`;
}

/** An Athena cell (always text) as the value DuckDB's JSON rows give, so both engines answer alike. */
function convert(text: string | undefined, type: string): unknown {
  if (text === undefined) return null;
  switch (type) {
    case 'tinyint': case 'smallint': case 'integer': case 'int': return Number(text);
    case 'bigint': {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : text;
    }
    case 'double': case 'float': case 'real': case 'decimal': return Number(text);
    case 'boolean': return text === 'true';
    // Athena prints '2024-06-09 22:15:00.000'; DuckDB '2024-06-09 22:15:00'.
    case 'timestamp': return text.replace(/\.0+$/, '');
    default: return text;
  }
}

/**
 * The SQL engine in AWS: Athena over the Glue views of the rows that count. A query is started in the workgroup,
 * polled with backoff, stopped when it runs past its time limit, and its results are read page by page.
 */
export class AthenaEngine implements SqlEngine {
  readonly dialect = 'athena' as const;

  constructor(private readonly client: AthenaClient, private readonly settings: AthenaSettings, private readonly clock: Clock = realClock) {}

  async query(sql: string, { maxRows = 10_000, timeoutMs = this.settings.queryTimeoutMs ?? 60_000 }: { maxRows?: number; timeoutMs?: number } = {}): Promise<QueryResult> {
    guardReadOnly(sql);
    const id = await this.start(sql, [], timeoutMs, true);
    return this.results(id, maxRows);
  }

  async runCompiled(sql: string, values: SqlValue[]): Promise<Record<string, unknown>[]> {
    const id = await this.start(sql, values, this.settings.compiledTimeoutMs ?? 300_000, false);
    return (await this.results(id, Infinity)).rows;
  }

  async close(): Promise<void> {}

  /** Starts the query and waits for it to succeed; returns its id. */
  private async start(sql: string, values: SqlValue[], timeoutMs: number, untrusted: boolean): Promise<string> {
    const started = await this.client.send(new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: this.settings.workGroup,
      QueryExecutionContext: { Database: this.settings.database },
      ...(values.length ? { ExecutionParameters: values.map(sqlLiteral) } : {}),
    }));
    const id = started.QueryExecutionId!;
    const deadline = this.clock.now() + timeoutMs;
    for (let wait = FIRST_POLL_MS; ; wait = Math.min(wait * 2, MAX_POLL_MS)) {
      const { QueryExecution: execution } = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return id;
      if (state === 'FAILED' || state === 'CANCELLED') throw failure(id, execution!, untrusted);
      if (this.clock.now() + wait > deadline) {
        await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
        // As DuckDB's engine says it: an analyst's query over its time limit is refused, a product's is a failure.
        if (untrusted) throw new QueryRefused(`the query ran longer than the time limit (${timeoutMs / 1000} s) and was cancelled`);
        throw new Error(`Athena query ${id} ran longer than ${Math.round(timeoutMs / 1000)} s and was stopped`);
      }
      await this.clock.sleep(wait);
    }
  }

  private async results(id: string, maxRows: number): Promise<QueryResult> {
    let columns: ColumnInfo[] = [];
    const rows: Record<string, unknown>[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: PAGE_SIZE }));
      if (first) columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      // The first row of the first page repeats the column names.
      const data = (page.ResultSet?.Rows ?? []).slice(first ? 1 : 0);
      first = false;
      for (const row of data) {
        if (rows.length >= maxRows) return { columns: described(columns), rows, truncated: true };
        rows.push(Object.fromEntries(columns.map((c, i) => [c.Name!, convert(row.Data?.[i]?.VarCharValue, c.Type!)])));
      }
      token = page.NextToken;
    } while (token);
    return { columns: described(columns), rows, truncated: false };
  }
}

const described = (columns: ColumnInfo[]) => columns.map((c) => ({ name: c.Name!, type: c.Type!.toUpperCase() }));

/** A failed or cancelled query as an error: an analyst's mistake (Athena's USER category) is a refusal (400). */
function failure(id: string, execution: QueryExecution, untrusted: boolean): Error {
  const status = execution.Status!;
  if (status.State === 'CANCELLED') return new Error(`Athena query ${id} was cancelled`);
  const reason = status.StateChangeReason ?? status.AthenaError?.ErrorMessage ?? 'no reason given';
  if (untrusted && status.AthenaError?.ErrorCategory === 2) return new QueryRefused(`the query failed: ${reason}`);
  return new Error(`Athena query ${id} failed (${status.AthenaError?.ErrorType ?? 'unknown error'}): ${reason}`);
}
