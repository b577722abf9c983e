import { Aws, Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { datasets } from '../../schemas/datasets/index.ts';
import { curatedPrefix, HIVE_TYPE, PARTITION_KEY, PERSON_LINKS_PARTITION, PERSON_LINKS_PREFIX, PERSON_LINKS_TABLE, PERSON_LINKS_TABLE_COLUMNS, storedTableName } from '../../schemas/glue.ts';
import { storedColumns } from '../../schemas/stored.ts';
import type { Stage } from '../config.ts';
import type { DataStore } from './data-store.ts';
import { grantList, grantObjects } from './grants.ts';

/**
 * The SQL side in AWS: a Glue database with, per dataset, a table over every stored Parquet file partitioned by
 * upload id (its columns derived from schemas/stored.ts), and an Athena workgroup that enforces its encrypted
 * result location and a bytes-scanned limit per query. The views of the rows that count are kept by the service
 * (functions/platform/catalog/glue.ts), because they change with every ingest. The person links (record → person,
 * one partition per linking run) are a table too: the views join the current run's partition.
 */
export class Analytics extends Construct {
  readonly databaseName: string;
  readonly workGroup: CfnWorkGroup;
  readonly tables: CfnTable[];

  constructor(scope: Construct, id: string, stage: Stage, private readonly data: DataStore) {
    super(scope, id);
    this.databaseName = `vrn_${stage.name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
    const database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'VRN pseudonymised tables: <dataset>__extracts (all stored rows) and <dataset> views (the rows that count)' },
    });
    this.tables = Object.values(datasets).map((dataset) => {
      const table = new CfnTable(this, `Table-${dataset.id}`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: {
          name: storedTableName(dataset.id),
          description: `Every stored row of ${dataset.id}, one partition per accepted extract; query the ${dataset.id} view instead`,
          tableType: 'EXTERNAL_TABLE',
          parameters: { classification: 'parquet', EXTERNAL: 'TRUE', 'parquet.compression': 'UNCOMPRESSED' },
          partitionKeys: [{ name: PARTITION_KEY, type: 'string' }],
          storageDescriptor: {
            location: `s3://${data.curated.bucketName}/${curatedPrefix(dataset.id)}`,
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
            columns: storedColumns(dataset).map((c) => ({ name: c.name, type: HIVE_TYPE[c.type], comment: c.description.slice(0, 255) })),
          },
        },
      });
      table.node.addDependency(database);
      return table;
    });
    const links = new CfnTable(this, 'Table-person-links', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: PERSON_LINKS_TABLE,
        description: 'The person each person record was linked to, one partition per linking run; the dataset views show it as person_id',
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'parquet', EXTERNAL: 'TRUE', 'parquet.compression': 'UNCOMPRESSED' },
        partitionKeys: [{ name: PERSON_LINKS_PARTITION, type: 'string' }],
        storageDescriptor: {
          location: `s3://${data.curated.bucketName}/${PERSON_LINKS_PREFIX}`,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          columns: PERSON_LINKS_TABLE_COLUMNS.map((c) => ({ name: c.name, type: HIVE_TYPE[c.type], comment: c.description })),
        },
      },
    });
    links.node.addDependency(database);
    this.tables.push(links);
    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `vrn-${stage.name}`,
      description: 'VRN analytics: enforced, encrypted results and a bytes-scanned limit per query',
      state: 'ENABLED',
      recursiveDeleteOption: stage.destroyOnRemoval,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: stage.athenaBytesScannedCutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${data.athenaResults.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: data.key.keyArn },
        },
      },
    });
  }


  private glueArns(): string[] {
    const { partition, region, account } = Stack.of(this);
    const base = `arn:${partition}:glue:${region}:${account}`;
    return [`${base}:catalog`, `${base}:database/${this.databaseName}`, `${base}:table/${this.databaseName}/*`];
  }

  /** Registering extracts' partitions and keeping the views (the ingest worker, and the API before it queries). */
  grantMaintainViews(grantee: IGrantable) {
    Grant.addToPrincipal({
      grantee, resourceArns: this.glueArns(),
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable', 'glue:BatchCreatePartition', 'glue:GetPartition', 'glue:GetPartitions'],
    });
  }

  /** Running queries in the workgroup: Athena reads the curated Parquet and writes results with the caller's rights. */
  grantRunQueries(grantee: IGrantable) {
    const { partition, region, account } = Stack.of(this);
    Grant.addToPrincipal({
      grantee, resourceArns: [`arn:${partition}:athena:${region}:${account}:workgroup/${this.workGroup.name}`],
      actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StopQueryExecution', 'athena:GetWorkGroup'],
    });
    Grant.addToPrincipal({
      grantee, resourceArns: this.glueArns(),
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions'],
    });
    grantObjects(grantee, this.data.curated, ['s3:GetObject'], 'curated/');
    grantList(grantee, this.data.curated, 'curated/');
    grantObjects(grantee, this.data.athenaResults, ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], 'results/');
    grantList(grantee, this.data.athenaResults, 'results/');
    Grant.addToPrincipal({ grantee, actions: ['s3:GetBucketLocation'], resourceArns: [this.data.athenaResults.bucketArn, this.data.curated.bucketArn] });
  }
}
