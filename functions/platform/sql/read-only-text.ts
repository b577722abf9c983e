import { STORED_TABLE_SUFFIX } from '../../../schemas/glue.ts';
import { QueryRefused } from './port.ts';

/** Words no read-only query needs; found only outside strings, quoted names and comments. */
const FORBIDDEN = /\b(insert|update|delete|merge|create|drop|alter|unload|msck|grant|revoke|truncate|vacuum|optimize|execute|prepare|deallocate|copy|attach|install|pragma|set|call)\b/i;
const STORED_TABLE = new RegExp(`\\w${STORED_TABLE_SUFFIX}\\b`, 'i');

/** The SQL with string literals, quoted identifiers and comments blanked out. */
function codeOnly(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, (m) => (m[0] === "'" ? "''" : m[0] === '"' ? '"x"' : ' '));
}

/**
 * The read-only rule of DuckDB's engine, applied to the text for an engine that cannot be asked what a
 * statement is (Athena): exactly one statement, starting SELECT or WITH, touching no stored-extract table
 * (they hold superseded rows too; analysts see the views). The
 * engine's own permissions (Glue read-only, one database) stand behind it.
 */
export function guardReadOnly(sql: string): void {
  if (/'(?:[^']|'')*$|\/\*(?![\s\S]*\*\/)/.test(sql.replace(/'(?:[^']|'')*'|--[^\n]*/g, ''))) {
    throw new QueryRefused('the query has an unterminated string or comment');
  }
  const code = codeOnly(sql).trim().replace(/;\s*$/, '');
  if (!/^[(\s]*(select|with)\b/i.test(code)) throw new QueryRefused('only SELECT (or WITH … SELECT) queries are allowed');
  if (code.includes(';')) throw new QueryRefused('send exactly one SELECT statement');
  const word = FORBIDDEN.exec(code);
  if (word) throw new QueryRefused(`${word[1].toUpperCase()} is not allowed: queries are read-only`);
  if (STORED_TABLE.test(code)) throw new QueryRefused('the stored extract tables are not open to queries; query the dataset views');
}
