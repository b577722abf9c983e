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
 * The person links: per linking run, Parquet parts of (source, ref, person_id), each record once, under
 * `run=<run>/`, one from the full run and one per upload linked on arrival since; the pointer names the current run
 * and its parts (what the views join). A record's id is `<source>/<ref>` (analytics/matching/link-rows.ts): a view
 * joins its person block's links on the ref, which it computes from the stored columns. Runs before format 2 wrote
 * (record_id, person_id) parts, a record possibly twice; they stay readable until the next full run. Written only by
 * functions/linkage.
 */
export const PERSON_LINKS_PREFIX = 'curated/person_links/';
export const PERSON_LINKS_POINTER = `${PERSON_LINKS_PREFIX}current.json`;
export const PERSON_LINKS_TABLE = 'person_links__runs';
export const PERSON_LINKS_PARTITION = 'run';
/** The columns of every links part of format 2 (functions/linkage/links.ts writes them). */
export const PERSON_LINKS_COLUMNS: StoredColumn[] = [
  { name: 'source', type: 'string', description: 'The dataset and person block of the record (`police_person/subject`)' },
  { name: 'ref', type: 'string', description: 'The record within its source: its pseudonymous references, as the views compute them', keyed: true },
  { name: 'person_id', type: 'string', description: 'The person it was linked to' },
];
/** The parts of format 1: the record's whole id. */
export const PERSON_LINKS_COLUMNS_V1: StoredColumn[] = [
  { name: 'record_id', type: 'string', description: 'The person record (dataset, person block and its pseudonymous references); format 1', keyed: true },
  { name: 'person_id', type: 'string', description: 'The person it was linked to' },
];
/** The Glue table's columns: both formats' (a part lacks the other format's columns, which Athena reads as nulls). */
export const PERSON_LINKS_TABLE_COLUMNS: StoredColumn[] = [...PERSON_LINKS_COLUMNS, PERSON_LINKS_COLUMNS_V1[0]];
export interface PersonLinksPointer {
  /** 2: (source, ref, person_id), each record once in a run; 1: (record_id, person_id). A run's parts share it. */
  format: 1 | 2;
  run: string;
  /** Storage keys of the run's parts, the full run's first. */
  parts: string[];
  records: number;
  updated_at: string;
}
