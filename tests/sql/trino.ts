import { TrinoSQL } from 'dt-sql-parser';

/**
 * Athena's engine is Trino: SQL meant for it is parsed with dt-sql-parser's Trino grammar, so a syntax error that
 * DuckDB would forgive fails a test here. The import takes seconds: only a few test files use this module.
 */
const trino = new TrinoSQL();

/** The grammar's complaints about one statement, each with its line and column; none when it parses. */
export function trinoSyntaxErrors(sql: string): string[] {
  return trino.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
}
