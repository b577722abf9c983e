import type { CompiledSql } from '../../../analytics/engines/ports.ts';

/** A read-only SQL engine over the pseudonymised tables, one per dataset. */
export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

export type { SqlDialect, SqlValue } from '../../../analytics/engines/ports.ts';

/** The engines' compiled queries (analytics/engines/ports.ts), and analysts' own SQL. */
export interface SqlEngine extends CompiledSql {
  /** An analyst's query: untrusted text, read-only guard, row limit, and a time limit after which it is cancelled. */
  query(sql: string, options?: { maxRows?: number; timeoutMs?: number }): Promise<QueryResult>;
}

/** A statement the read-only guard refuses, with the reason. */
export class QueryRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryRefused';
  }
}
