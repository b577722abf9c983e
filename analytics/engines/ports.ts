import type { CountedExtract } from '../counting.ts';

/**
 * What the engines need from the platform, and no more: the SQL engine runs compiled queries; the reference engine
 * reads the catalog's extracts and their files. functions/platform provides both (a Platform satisfies EngineDeps).
 */
export type SqlDialect = 'duckdb' | 'athena';
export type SqlValue = string | number | boolean | null | (string | number)[];

/** Runs SQL compiled from a query description: trusted text, values bound to `?` (a list binds as an array). */
export interface CompiledSql {
  /** Which SQL the products compile to for this engine (DuckDB here, Athena/Trino in AWS). */
  readonly dialect: SqlDialect;
  runCompiled(sql: string, values: SqlValue[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** The accepted extracts and the stored files they name. */
export interface ExtractStore {
  catalog: { read(): Promise<{ extracts: CountedExtract[] }> };
  storage: { get(key: string): Promise<{ body: Uint8Array } | null> };
}

export interface EngineDeps extends ExtractStore {
  openSql(): Promise<CompiledSql>;
}
