/** A read-only SQL engine over the pseudonymised tables, one per dataset. */
export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

export interface SqlEngine {
  query(sql: string, options?: { maxRows?: number }): Promise<QueryResult>;
  close(): Promise<void>;
}

/** A statement the read-only guard refuses, with the reason. */
export class QueryRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryRefused';
  }
}
