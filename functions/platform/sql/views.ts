import type { Dataset } from '../../../schemas/dataset.ts';
import { storedColumns, type StoredType } from '../../../schemas/stored.ts';
import type { CountingPart } from '../../../analytics/counting.ts';

/** SQL types both DuckDB and Athena (Trino) accept. */
export const SQL_TYPE: Record<StoredType, string> = {
  string: 'VARCHAR', date: 'DATE', timestamp: 'TIMESTAMP', int: 'INTEGER', double: 'DOUBLE', boolean: 'BOOLEAN',
};

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * The SELECT that shows exactly the rows of a dataset that count under the supersession rule: the counting
 * extracts' files, each limited to the event dates it still owns. `source` names the relation holding all stored
 * rows with their upload_id (a read_parquet call locally, the Glue table on Athena).
 */
export function countingRowsSql(dataset: Dataset, parts: CountingPart[], source: string): string {
  const columns = storedColumns(dataset);
  const select = [...columns.map((c) => `CAST(r.${c.name} AS ${SQL_TYPE[c.type]}) AS ${c.name}`), 'r.upload_id AS upload_id'].join(', ');
  if (parts.length === 0) {
    const nulls = [...columns.map((c) => `CAST(NULL AS ${SQL_TYPE[c.type]}) AS ${c.name}`), 'CAST(NULL AS VARCHAR) AS upload_id'].join(', ');
    return `SELECT ${nulls} WHERE 1 = 0`;
  }
  if (dataset.kind === 'snapshot' || !dataset.eventDate) {
    return `SELECT ${select} FROM ${source} r WHERE r.upload_id IN (${parts.map((p) => quote(p.upload_id)).join(', ')})`;
  }
  const eventColumn = dataset.columns.find((c) => c.name === dataset.eventDate)!;
  const eventDay = eventColumn.type.kind === 'datetime' ? `CAST(r.${eventColumn.name} AS DATE)` : `r.${eventColumn.name}`;
  const owned = parts.map((p) => `(${quote(p.upload_id)}, DATE ${quote(p.from!)}, DATE ${quote(p.to!)})`).join(', ');
  return `SELECT ${select} FROM ${source} r JOIN (VALUES ${owned}) AS owned(upload_id, date_from, date_to) `
    + `ON r.upload_id = owned.upload_id AND ${eventDay} BETWEEN owned.date_from AND owned.date_to`;
}
