import type { Dataset } from '../../../schemas/dataset.ts';
import { linkedColumns, storedColumns, type StoredType } from '../../../schemas/stored.ts';
import { linkSources, recordIdSql, recordRefSql, sourceName } from '../../../analytics/matching/link-rows.ts';
import type { PersonLinksPointer } from '../../../schemas/glue.ts';
import { personSources } from '../../../analytics/matching/person-sources.ts';
import type { CountingPart } from '../../../analytics/counting.ts';

/** SQL types both DuckDB and Athena (Trino) accept. */
export const SQL_TYPE: Record<StoredType, string> = {
  string: 'VARCHAR', date: 'DATE', timestamp: 'TIMESTAMP', int: 'INTEGER', double: 'DOUBLE', boolean: 'BOOLEAN',
};

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The person links a view joins: a relation over the current run's parts, and their format (schemas/glue.ts). */
export interface LinksRelation { relation: string; format: PersonLinksPointer['format'] }

/**
 * The SELECT that shows exactly the rows of a dataset that count under the supersession rule: the counting
 * extracts' files, each limited to the event dates it still owns. `source` names the relation holding all stored
 * rows with their upload_id (a read_parquet call locally, the Glue table on Athena).
 */
export function countingRowsSql(dataset: Dataset, parts: CountingPart[], source: string, links: LinksRelation | null = null): string {
  const linked = linkedColumns(dataset);
  if (!linked.length) return storedRowsSql(dataset, parts, source);
  // Each person block's person, by its record id (analytics/matching/link-rows.ts); none before the first linking run.
  // Format 2 holds each record once, by source and ref: an equality on the ref over the block's own links. Format 1
  // holds whole ids, a record possibly twice (the smaller person is taken).
  const blocks = linkSources().filter((s) => s.dataset === dataset.id);
  const joins = blocks.map((b, i) => !links ? ''
    : links.format === 2
      ? `LEFT JOIN (SELECT ref, person_id FROM ${links.relation} WHERE source = '${sourceName(b)}') l${i} ON l${i}.ref = ${recordRefSql(b, (c) => `c.${c}`)}`
      : `LEFT JOIN (SELECT record_id, min(person_id) AS person_id FROM ${links.relation} GROUP BY record_id) l${i} ON l${i}.record_id = ${recordIdSql(b, (c) => `c.${c}`)}`);
  const persons = blocks.map((b, i) => (links ? `l${i}.person_id AS ${b.personColumn}` : `CAST(NULL AS VARCHAR) AS ${b.personColumn}`));
  return `SELECT c.*, ${persons.join(', ')} FROM (${storedRowsSql(dataset, parts, source)}) c ${joins.join(' ')}`.trimEnd();
}

/**
 * Stored columns only: the counting rows as countingRowsSql gives them, before the person join (DuckDB keeps it as a
 * view of its own beside a linked dataset's, for the queries that read no linked person: analytics/engines/sql-compile.ts).
 */
export function storedRowsSql(dataset: Dataset, parts: CountingPart[], source: string): string {
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

/**
 * The people view: one row per linked person with when and by whom they were first and last seen and how many
 * records they have, over the datasets' views (so it shows the rows that count). Partners are listed `;`-separated.
 */
export function peopleSql(dialect: 'duckdb' | 'athena'): string {
  const records = personSources.map((s) => {
    const day = s.viaCrime ? 'k.recorded_date' : `CAST(r.${s.date} AS DATE)`;
    const crime = s.viaCrime ? ` LEFT JOIN police_crime k ON k.record_key = r.${s.viaCrime}` : '';
    return `SELECT r.${s.person} AS person_id, r.partner AS partner, ${day} AS day, '${s.dataset}' AS dataset FROM ${s.dataset} r${crime} WHERE r.${s.person} IS NOT NULL`;
  }).join(' UNION ALL ');
  const partners = dialect === 'duckdb' ? "string_agg(DISTINCT partner, ';' ORDER BY partner)" : "array_join(array_sort(array_agg(DISTINCT partner)), ';')";
  const datasets = dialect === 'duckdb' ? "string_agg(DISTINCT dataset, ';' ORDER BY dataset)" : "array_join(array_sort(array_agg(DISTINCT dataset)), ';')";
  return `SELECT person_id, min(day) AS first_seen, max(day) AS last_seen, ${partners} AS partners, ${datasets} AS datasets, `
    + `CAST(count(*) AS INTEGER) AS records FROM (${records}) p GROUP BY person_id`;
}
