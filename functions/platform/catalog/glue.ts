import {
  BatchCreatePartitionCommand, CreateTableCommand, GetTableCommand, GetTablesCommand, UpdateTableCommand,
  type GlueClient, type StorageDescriptor, type Table, type TableInput,
} from '@aws-sdk/client-glue';
import { datasets } from '../../../schemas/datasets/index.ts';
import type { Dataset } from '../../../schemas/dataset.ts';
import { HIVE_TYPE, PARTITION_KEY, storedTableName, TRINO_TYPE } from '../../../schemas/glue.ts';
import { storedColumns, type StoredColumn } from '../../../schemas/stored.ts';
import { countingRowsSql } from '../sql/views.ts';
import type { CatalogDocument } from './catalog.ts';
import { countingParts, type CountingPart } from '../../../analytics/counting.ts';

export interface GlueSettings {
  database: string;
  curatedBucket: string;
}

/** The catalog sequence number a view was built from: a view is rebuilt only by a newer catalog. */
const SEQ = 'vrn_catalog_seq';
const isNamed = (name: string) => (error: unknown) => (error as Error)?.name === name;

interface ViewState { seq: number; versionId?: string }

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

  /** Brings every dataset's partitions and view up to the catalog; returns the datasets whose view changed. */
  async sync(catalog: CatalogDocument): Promise<string[]> {
    const views = await this.views();
    const changed: string[] = [];
    for (const dataset of Object.values(datasets)) {
      if ((views.get(dataset.id)?.seq ?? -1) >= catalog.seq) continue;
      if (await this.syncDataset(dataset, catalog, views.get(dataset.id))) changed.push(dataset.id);
    }
    return changed;
  }

  private async syncDataset(dataset: Dataset, catalog: CatalogDocument, known: ViewState | undefined): Promise<boolean> {
    const parts = countingParts(dataset, catalog.extracts);
    await this.addPartitions(dataset, parts);
    const input = viewInput(dataset, parts, catalog.seq, this.settings.database);
    let state = known;
    for (let attempt = 0; attempt < 10; attempt++) {
      if (state && state.seq >= catalog.seq) return false;
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

const stateOf = (table: Table): ViewState => ({ seq: Number(table.Parameters?.[SEQ] ?? -1), versionId: table.VersionId });

/** A dataset's view as Athena stores views in Glue: the SQL and its columns, base64 JSON in a Presto View comment. */
export function viewInput(dataset: Dataset, parts: CountingPart[], seq: number, database: string): TableInput {
  const columns: StoredColumn[] = [...storedColumns(dataset), { name: PARTITION_KEY, type: 'string', description: 'the extract' }];
  const definition = {
    originalSql: countingRowsSql(dataset, parts, storedTableName(dataset.id)),
    catalog: 'awsdatacatalog',
    schema: database,
    columns: columns.map((c) => ({ name: c.name, type: TRINO_TYPE[c.type] })),
    owner: 'vrn-data-service',
    runAsInvoker: false,
    properties: {},
  };
  return {
    Name: dataset.id,
    TableType: 'VIRTUAL_VIEW',
    Description: `The rows of ${dataset.id} that count (latest extract per partner and date); built from catalog seq ${seq}`,
    Parameters: { presto_view: 'true', comment: 'Presto View', [SEQ]: String(seq) },
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
