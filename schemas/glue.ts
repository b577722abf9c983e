import type { StoredColumn, StoredType } from './stored.ts';

/**
 * How the stored tables appear in the Glue catalog, for the CDK app (tables) and the Glue adapter (partitions and
 * views) alike: per dataset, a table `<dataset>__extracts` over every stored Parquet file, partitioned by upload
 * id, and a view `<dataset>` of the rows that count.
 */
export const STORED_TABLE_SUFFIX = '__extracts';
export const storedTableName = (dataset: string) => `${dataset}${STORED_TABLE_SUFFIX}`;
export const PARTITION_KEY = 'upload_id';
/** Where a dataset's Parquet lives in the curated bucket (functions/ingest writes `…/upload_id=<id>/part-*.parquet`). */
export const curatedPrefix = (dataset: string) => `curated/${dataset}/`;

/** Hive types of Glue columns for the Parquet the ingest writes (dates as DATE, timestamps as TIMESTAMP_MILLIS). */
export const HIVE_TYPE: Record<StoredType, string> = {
  string: 'string', date: 'date', timestamp: 'timestamp', int: 'int', double: 'double', boolean: 'boolean',
};

/** Trino types of a view's columns, as Athena records them in a view definition. */
export const TRINO_TYPE: Record<StoredType, string> = {
  string: 'varchar', date: 'date', timestamp: 'timestamp(3)', int: 'integer', double: 'double', boolean: 'boolean',
};

/**
 * The person links: per linking run, Parquet parts of (record_id, person_id) under `run=<run>/`, one from the full
 * run and one per upload linked on arrival since; the pointer names the current run and its parts (what the views
 * join). Written only by functions/linkage.
 */
export const PERSON_LINKS_PREFIX = 'curated/person_links/';
export const PERSON_LINKS_POINTER = `${PERSON_LINKS_PREFIX}current.json`;
export const PERSON_LINKS_TABLE = 'person_links__runs';
export const PERSON_LINKS_PARTITION = 'run';
/** The columns of every links part (functions/linkage/links.ts writes them; the Glue table reads them). */
export const PERSON_LINKS_COLUMNS: StoredColumn[] = [
  { name: 'record_id', type: 'string', description: 'The person record (dataset, person block and its pseudonymous references)', keyed: true },
  { name: 'person_id', type: 'string', description: 'The person it was linked to' },
];
export interface PersonLinksPointer {
  format: 1;
  run: string;
  /** Storage keys of the run's parts, the full run's first. */
  parts: string[];
  records: number;
  updated_at: string;
}
