import {
  BatchCreatePartitionCommand, CreateTableCommand, GetTableCommand, GetTablesCommand, UpdateTableCommand,
  type GlueClient, type StorageDescriptor, type Table, type TableInput,
} from '@aws-sdk/client-glue';
import { datasets } from '../../../schemas/datasets/index.ts';
import type { Dataset } from '../../../schemas/dataset.ts';
import { createHash } from 'node:crypto';
import {
  HIVE_TYPE, PARTITION_KEY, PERSON_LINKS_PARTITION, PERSON_LINKS_PREFIX, PERSON_LINKS_TABLE, storedTableName, TRINO_TYPE, type PersonLinksPointer,
} from '../../../schemas/glue.ts';
import { linkedColumns, storedColumns, type StoredColumn } from '../../../schemas/stored.ts';
import { countingRowsSql, peopleSql, type LinksRelation } from '../sql/views.ts';
import type { CatalogDocument } from './catalog.ts';
import { countingParts, type CountingPart } from '../../../analytics/counting.ts';

export interface GlueSettings {
  database: string;
  curatedBucket: string;
}

/** The catalog sequence number a view was built from: a view is rebuilt only by a newer catalog. */
const SEQ = 'vrn_catalog_seq';
/** The person links a view joins (run and parts), and the people view's SQL: a change rebuilds the view. */
const LINKS = 'vrn_person_links';
const SQL_HASH = 'vrn_view_sql';
const PEOPLE_VIEW = 'people';
const isNamed = (name: string) => (error: unknown) => (error as Error)?.name === name;

interface ViewState { seq: number; links: string; sql: string; versionId?: string }

/** Which links a view joins: the run and its parts (an upload linked on arrival adds one), or none before any run. */
const linksState = (links: PersonLinksPointer | null) =>
  links ? `${links.run}/${createHash('sha256').update(links.parts.join('\n')).digest('hex').slice(0, 16)}` : 'none';

/**
 * Makes Athena see exactly the rows that count, as DuckDB's views do locally. Per dataset, the CDK app defines a
 * table of every stored row partitioned by upload id; this adapter registers each extract's partition and keeps a
 * view per dataset whose SQL is the local view's SQL (sql/views.ts) over that table: the counting extracts, each
 * limited to the dates it still owns. A view records the catalog seq it was built from; a rebuild is a conditional
 * Glue update (VersionId), so two ingests finishing together cannot leave the older catalog's view in place.
 *
 * Why a view over explicit partitions, not partition projection: the supersession rule cuts extracts by date
 * ranges, which a projection cannot express; the view's `upload_id IN (…)` still prunes to the counting
 * partitions, and superseded extracts stay registered for audit but are never read.
 */
export class GlueCountingViews {
  private readonly storedDescriptors = new Map<string, Promise<StorageDescriptor>>();

  constructor(private readonly glue: GlueClient, private readonly settings: GlueSettings) {}

  /**
   * Brings every dataset's partitions and view up to the catalog and the person links (the current run's partition
   * of person_links__runs, which the views join), and the people view; returns the views that changed.
   */
  async sync(catalog: CatalogDocument, links: PersonLinksPointer | null = null): Promise<string[]> {
    const views = await this.views();
    const changed: string[] = [];
    const state = linksState(links);
    if (links) await this.addLinksPartition(links.run);
    for (const dataset of Object.values(datasets)) {
      const linked = linkedColumns(dataset).length > 0;
      if (!stale(views.get(dataset.id), catalog.seq, linked ? state : 'none')) continue;
      if (await this.syncDataset(dataset, catalog, links, views.get(dataset.id))) changed.push(dataset.id);
    }
    if (await this.syncPeople(views.get(PEOPLE_VIEW))) changed.push(PEOPLE_VIEW);
    return changed;
  }

  private async syncDataset(dataset: Dataset, catalog: CatalogDocument, links: PersonLinksPointer | null, known: ViewState | undefined): Promise<boolean> {
    const parts = countingParts(dataset, catalog.extracts);
    await this.addPartitions(dataset, parts);
    const input = viewInput(dataset, parts, catalog.seq, this.settings.database, links);
    const wanted = input.Parameters![LINKS];
    let state = known;
    for (let attempt = 0; attempt < 10; attempt++) {
      if (!stale(state, catalog.seq, wanted)) return false;
      try {
        if (state) {
          await this.glue.send(new UpdateTableCommand({ DatabaseName: this.settings.database, TableInput: input, VersionId: state.versionId, SkipArchive: true }));
        } else {
          await this.glue.send(new CreateTableCommand({ DatabaseName: this.settings.database, TableInput: input }));
        }
        return true;
      } catch (error) {
        if (!isNamed('ConcurrentModificationException')(error) && !isNamed('AlreadyExistsException')(error)) throw error;
        state = await this.view(dataset.id);
      }
    }
    throw new Error(`the Glue view ${dataset.id} kept changing; try again`);
  }

  /** The people view: created once, replaced when its SQL changes (a new release). */
  private async syncPeople(known: ViewState | undefined): Promise<boolean> {
    const input = peopleViewInput(this.settings.database);
    if (known && known.sql === input.Parameters![SQL_HASH]) return false;
    try {
      if (known) await this.glue.send(new UpdateTableCommand({ DatabaseName: this.settings.database, TableInput: input, VersionId: known.versionId, SkipArchive: true }));
      else await this.glue.send(new CreateTableCommand({ DatabaseName: this.settings.database, TableInput: input }));
      return true;
    } catch (error) {
      // Another sync put the same view in place first.
      if (isNamed('ConcurrentModificationException')(error) || isNamed('AlreadyExistsException')(error)) return false;
      throw error;
    }
  }

  /** Registers the run's partition of the person links (all its parts are under one folder). */
  private async addLinksPartition(run: string): Promise<void> {
    const descriptor = await this.storedDescriptor(PERSON_LINKS_TABLE);
    const out = await this.glue.send(new BatchCreatePartitionCommand({
      DatabaseName: this.settings.database, TableName: PERSON_LINKS_TABLE,
      PartitionInputList: [{ Values: [run], StorageDescriptor: { ...descriptor, Location: `s3://${this.settings.curatedBucket}/${PERSON_LINKS_PREFIX}${PERSON_LINKS_PARTITION}=${run}/` } }],
    }));
    const failed = (out.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
    if (failed.length) throw new Error(`could not register the person links of run ${run}: ${failed.map((e) => e.ErrorDetail?.ErrorMessage).join('; ')}`);
  }

  /** Registers the counting extracts' partitions (already registered ones are left as they are). */
  private async addPartitions(dataset: Dataset, parts: CountingPart[]): Promise<void> {
    const files = new Map(parts.map((p) => [p.upload_id, p.file]));
    if (files.size === 0) return;
    const table = storedTableName(dataset.id);
    const descriptor = await this.storedDescriptor(table);
    const inputs = [...files].map(([uploadId, file]) => ({
      Values: [uploadId],
      StorageDescriptor: { ...descriptor, Location: `s3://${this.settings.curatedBucket}/${file.slice(0, file.lastIndexOf('/') + 1)}` },
    }));
    for (let i = 0; i < inputs.length; i += 100) {
      const out = await this.glue.send(new BatchCreatePartitionCommand({
        DatabaseName: this.settings.database, TableName: table, PartitionInputList: inputs.slice(i, i + 100),
      }));
      const failed = (out.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
      if (failed.length) {
        throw new Error(`could not register partitions of ${table}: ${failed.map((e) => `${e.PartitionValues?.join('/')}: ${e.ErrorDetail?.ErrorMessage}`).join('; ')}`);
      }
    }
  }

  private storedDescriptor(table: string): Promise<StorageDescriptor> {
    let descriptor = this.storedDescriptors.get(table);
    if (!descriptor) {
      descriptor = this.glue.send(new GetTableCommand({ DatabaseName: this.settings.database, Name: table })).then((out) => out.Table!.StorageDescriptor!);
      descriptor.catch(() => this.storedDescriptors.delete(table));
      this.storedDescriptors.set(table, descriptor);
    }
    return descriptor;
  }

  private async views(): Promise<Map<string, ViewState>> {
    const views = new Map<string, ViewState>();
    let token: string | undefined;
    do {
      const page = await this.glue.send(new GetTablesCommand({ DatabaseName: this.settings.database, NextToken: token }));
      for (const table of page.TableList ?? []) if (table.TableType === 'VIRTUAL_VIEW') views.set(table.Name!, stateOf(table));
      token = page.NextToken;
    } while (token);
    return views;
  }

  private async view(name: string): Promise<ViewState | undefined> {
    return this.glue.send(new GetTableCommand({ DatabaseName: this.settings.database, Name: name }))
      .then((out) => stateOf(out.Table!), (error) => { if (isNamed('EntityNotFoundException')(error)) return undefined; throw error; });
  }
}

const stateOf = (table: Table): ViewState => ({
  seq: Number(table.Parameters?.[SEQ] ?? -1), links: table.Parameters?.[LINKS] ?? 'none', sql: table.Parameters?.[SQL_HASH] ?? '', versionId: table.VersionId,
});

/** A view needs building from an older catalog, or from the same catalog with other links; never from a newer catalog's. */
const stale = (state: ViewState | undefined, seq: number, links: string) => !state || state.seq < seq || (state.seq === seq && state.links !== links);

/** The links relation a view joins on Athena: the current run's partition. */
const linksRelation = (links: PersonLinksPointer): LinksRelation => ({
  relation: `(SELECT ${links.format === 2 ? 'source, ref' : 'record_id'}, person_id FROM ${PERSON_LINKS_TABLE} WHERE ${PERSON_LINKS_PARTITION} = '${links.run.replace(/'/g, "''")}')`,
  format: links.format,
});

/** A dataset's view as Athena stores views in Glue: the SQL and its columns, base64 JSON in a Presto View comment. */
export function viewInput(dataset: Dataset, parts: CountingPart[], seq: number, database: string, links: PersonLinksPointer | null = null): TableInput {
  // In the order the SQL gives them: the stored columns, the extract, then each person block's linked person.
  const columns: StoredColumn[] = [...storedColumns(dataset), { name: PARTITION_KEY, type: 'string', description: 'the extract' }, ...linkedColumns(dataset)];
  const linked = linkedColumns(dataset).length > 0;
  const input = prestoView(dataset.id, countingRowsSql(dataset, parts, storedTableName(dataset.id), links ? linksRelation(links) : null), columns, database,
    `The rows of ${dataset.id} that count (latest extract per partner and date); built from catalog seq ${seq}`);
  input.Parameters = { ...input.Parameters, [SEQ]: String(seq), [LINKS]: linked ? linksState(links) : 'none' };
  return input;
}

const PEOPLE_COLUMNS: StoredColumn[] = [
  { name: 'person_id', type: 'string', description: 'the person' }, { name: 'first_seen', type: 'date', description: '' },
  { name: 'last_seen', type: 'date', description: '' }, { name: 'partners', type: 'string', description: '' },
  { name: 'datasets', type: 'string', description: '' }, { name: 'records', type: 'int', description: '' },
];

/** The people view over the datasets' views (sql/views.ts peopleSql). */
export function peopleViewInput(database: string): TableInput {
  const sql = peopleSql('athena');
  const input = prestoView(PEOPLE_VIEW, sql, PEOPLE_COLUMNS, database, 'One row per linked person: first and last seen, partners, datasets and records');
  input.Parameters = { ...input.Parameters, [SQL_HASH]: createHash('sha256').update(sql).digest('hex').slice(0, 16) };
  return input;
}

function prestoView(name: string, sql: string, columns: StoredColumn[], database: string, description: string): TableInput {
  const definition = {
    originalSql: sql,
    catalog: 'awsdatacatalog',
    schema: database,
    columns: columns.map((c) => ({ name: c.name, type: TRINO_TYPE[c.type] })),
    owner: 'vrn-data-service',
    runAsInvoker: false,
    properties: {},
  };
  return {
    Name: name,
    TableType: 'VIRTUAL_VIEW',
    Description: description,
    Parameters: { presto_view: 'true', comment: 'Presto View' },
    ViewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(definition)).toString('base64')} */`,
    ViewExpandedText: '/* Presto View */',
    PartitionKeys: [],
    StorageDescriptor: { Columns: columns.map((c) => ({ Name: c.name, Type: HIVE_TYPE[c.type] })), SerdeInfo: {}, Location: '' },
  };
}

/** The SQL of a view made by viewInput. */
export function viewSql(input: Pick<TableInput, 'ViewOriginalText'>): string {
  const encoded = /^\/\* Presto View: (.*) \*\/$/.exec(input.ViewOriginalText ?? '')?.[1];
  if (!encoded) throw new Error('not a Presto view');
  return (JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { originalSql: string }).originalSql;
}
