/** A read-only SQL engine over the pseudonymised tables, one per dataset. */
export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

export type SqlDialect = 'duckdb' | 'athena';
export type SqlValue = string | number | boolean | null | (string | number)[];

export interface SqlEngine {
  /** Which SQL the products compile to for this engine (DuckDB here, Athena/Trino in AWS). */
  readonly dialect: SqlDialect;
  /** An analyst's query: untrusted text, read-only guard, row limit, and a time limit after which it is cancelled. */
  query(sql: string, options?: { maxRows?: number; timeoutMs?: number }): Promise<QueryResult>;
  /** SQL compiled from a product definition (trusted text, values bound to `?` positional parameters; a list binds as an array). */
  runCompiled(sql: string, values: SqlValue[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** A statement the read-only guard refuses, with the reason. */
export class QueryRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryRefused';
  }
}
