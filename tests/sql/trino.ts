import { TrinoSQL } from 'dt-sql-parser';
import type { SqlValue } from '../../analytics/engines/ports.ts';
import { sqlLiteral } from '../../functions/platform/sql/athena.ts';

/**
 * Athena's engine is Trino: SQL meant for it is parsed with dt-sql-parser's Trino grammar, so a syntax error that
 * DuckDB would forgive fails a test here. The import takes seconds: only a few test files use this module.
 */
const trino = new TrinoSQL();

/** The grammar's complaints about one statement, each with its line and column; none when it parses. */
export function trinoSyntaxErrors(sql: string): string[] {
  return trino.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
}

/**
 * What Athena is sent for a compiled query, checked both ways it meets it: the text with its `?` placeholders, and
 * the statement once each ExecutionParameter (written as the engine writes them) stands in its place.
 */
export function athenaSyntaxErrors(sql: string, values: SqlValue[]): string[] {
  const parts = sql.split('?');
  if (parts.length - 1 !== values.length) return [`${parts.length - 1} placeholders for ${values.length} values`];
  const bound = parts.map((part, i) => (i < values.length ? part + sqlLiteral(values[i]) : part)).join('');
  return [...trinoSyntaxErrors(sql), ...trinoSyntaxErrors(bound).map((e) => `with its values: ${e}`)];
}
