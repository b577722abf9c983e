import { GlueClient } from '@aws-sdk/client-glue';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets } from '../../schemas/datasets/index.ts';
import { PERSON_LINKS_TABLE, PERSON_LINKS_TABLE_COLUMNS, storedTableName } from '../../schemas/glue.ts';
import { linkAllPeople } from '../../functions/linkage/people.ts';
import { readLinksPointer } from '../../functions/linkage/links.ts';
import { ASB_HEADER, ingestTommy } from '../analytics/fuzzy-child.ts';
import { trinoSyntaxErrors } from '../sql/trino.ts';
import { GlueCountingViews, viewSql } from '../../functions/platform/catalog/glue.ts';
import type { CatalogDocument } from '../../functions/platform/catalog/catalog.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv, ingestText, sql, testPlatform } from '../helpers.ts';
import { fakeJsonService, type Call } from './fake-aws.ts';

const DB = 'vrn_test';
const BUCKET = 'vrn-test-curated';

/** Glue's tables, partitions and optimistic VersionId checks, in memory behind the real Glue client. */
function fakeGlue({ failUpdatesOnce = false } = {}) {
  const tables = new Map<string, Record<string, any>>();
  const partitions = new Map<string, Map<string, string>>();
  tables.set(PERSON_LINKS_TABLE, { Name: PERSON_LINKS_TABLE, TableType: 'EXTERNAL_TABLE', VersionId: '0', StorageDescriptor: { Location: `s3://${BUCKET}/curated/person_links/`, Columns: PERSON_LINKS_TABLE_COLUMNS.map((c) => ({ Name: c.name, Type: 'string' })) } });
  for (const id of Object.keys(datasets)) {
    tables.set(storedTableName(id), { Name: storedTableName(id), TableType: 'EXTERNAL_TABLE', VersionId: '0', StorageDescriptor: { Location: `s3://${BUCKET}/curated/${id}/`, Columns: [{ Name: 'x', Type: 'string' }], InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' } });
  }
  let failNext = failUpdatesOnce;
  const service = fakeJsonService(({ action, body }: Call) => {
    switch (action) {
      case 'GetTables': return { TableList: [...tables.values()] };
      case 'GetTable': return tables.has(body.Name) ? { Table: tables.get(body.Name) } : { error: 'EntityNotFoundException', message: 'no such table' };
      case 'CreateTable':
        if (tables.has(body.TableInput.Name)) return { error: 'AlreadyExistsException', message: 'exists' };
        tables.set(body.TableInput.Name, { ...body.TableInput, VersionId: '1' });
        return {};
      case 'UpdateTable': {
        const table = tables.get(body.TableInput.Name)!;
        if (failNext || body.VersionId !== table.VersionId) {
          failNext = false;
          table.VersionId = String(Number(table.VersionId) + 1); // someone else's update
          return { error: 'ConcurrentModificationException', message: 'version changed' };
        }
        tables.set(body.TableInput.Name, { ...body.TableInput, VersionId: String(Number(table.VersionId) + 1) });
        return {};
      }
      case 'BatchCreatePartition': {
        const mine = partitions.get(body.TableName) ?? new Map<string, string>();
        partitions.set(body.TableName, mine);
        const Errors = [];
        for (const p of body.PartitionInputList) {
          if (mine.has(p.Values[0])) Errors.push({ PartitionValues: p.Values, ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' } });
          else mine.set(p.Values[0], p.StorageDescriptor.Location);
        }
        return { Errors };
      }
      default: return { error: 'InvalidInputException', message: action };
    }
  });
  return { tables, partitions, calls: service.calls, views: new GlueCountingViews(new GlueClient(service.config), { database: DB, curatedBucket: BUCKET }) };
}

let t: ReturnType<typeof testPlatform>;
let catalog: CatalogDocument;
let ids: string[];
beforeAll(async () => {
  t = testPlatform();
  const april = await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('A', 30, '2024-04-01')), { periodFrom: '2024-04-01', periodTo: '2024-04-30' });
  const correction = await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('B', 16, '2024-04-15')), { periodFrom: '2024-04-15', periodTo: '2024-04-30' });
  ids = [april.upload_id, correction.upload_id];
  catalog = await t.platform.catalog.read();
});
afterAll(() => t?.cleanup());

describe('Glue partitions and views: Athena sees the rows that count', () => {
  it('registers each extract\'s partition and a view whose SQL, run over all stored rows, gives exactly the counting rows', async () => {
    const glue = fakeGlue();
    expect(await glue.views.sync(catalog)).toEqual([...Object.keys(datasets), 'people']);
    expect(Object.fromEntries(glue.partitions.get('police_crime__extracts')!)).toEqual({
      [ids[0]!]: `s3://${BUCKET}/curated/police_crime/upload_id=${ids[0]}/`,
      [ids[1]!]: `s3://${BUCKET}/curated/police_crime/upload_id=${ids[1]}/`,
    });
    const view = glue.tables.get('police_crime')!;
    expect(view).toMatchObject({ TableType: 'VIRTUAL_VIEW', Parameters: { presto_view: 'true', vrn_catalog_seq: '2' } });

    // The view's SQL on DuckDB, over a relation of every stored row with its upload_id (the Glue table's shape).
    const files = (await t.platform.storage.list('curated/police_crime')).map((k) => `'${t.platform.storage.locate(k)}'`);
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    await db.run(`CREATE VIEW police_crime__extracts AS SELECT * FROM read_parquet([${files.join(', ')}], hive_partitioning = true)`);
    const athenaRows = (await db.runAndReadAll(`SELECT record_key, upload_id FROM (${viewSql(view)}) ORDER BY 1`)).getRowObjectsJson();
    const localRows = await sql(t.platform, 'SELECT record_key, upload_id FROM police_crime ORDER BY 1');
    expect(athenaRows).toHaveLength(30);
    expect(athenaRows).toEqual(localRows);
    expect(new Set(athenaRows.map((r) => r.upload_id))).toEqual(new Set(ids));
    db.closeSync();

    const empty = viewSql(glue.tables.get('hospital_admission')!);
    expect(empty).toContain('WHERE 1 = 0');
  });

  it('changes nothing when the views are already up to the catalog', async () => {
    const glue = fakeGlue();
    await glue.views.sync(catalog);
    const before = glue.calls.length;
    expect(await glue.views.sync(catalog)).toEqual([]);
    expect(glue.calls.slice(before).map((c) => c.action)).toEqual(['GetTables']);
  });

  it('joins the current run\'s person links: registers its partition, shows person_id as DuckDB does, rebuilds when the links change', async () => {
    const p = testPlatform();
    try {
      await ingestTommy(p.platform);
      await linkAllPeople(p.platform);
      const glue = fakeGlue();
      const pointer = (await readLinksPointer(p.platform.storage))!.value;
      const first = await p.platform.catalog.read();
      expect(await glue.views.sync(first, pointer)).toEqual([...Object.keys(datasets), 'people']);
      expect(Object.fromEntries(glue.partitions.get(PERSON_LINKS_TABLE)!)).toEqual({ [pointer.run]: `s3://${BUCKET}/curated/person_links/run=${pointer.run}/` });
      const view = glue.tables.get('asb_incident')!;
      const text = viewSql(view);
      expect(text).toContain(`(SELECT source, ref, person_id FROM person_links__runs WHERE run = '${pointer.run}')`);
      expect(text).toContain("WHERE source = 'asb_incident/perpetrator'");
      expect(trinoSyntaxErrors(text)).toEqual([]);
      expect(view.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name).slice(-2)).toEqual(['upload_id', 'perpetrator_linked_person_id']);
      // The people view, from the same SQL as DuckDB's, parses as Trino.
      expect(trinoSyntaxErrors(viewSql(glue.tables.get('people')!))).toEqual([]);
      expect(glue.tables.get('people')!.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).toEqual(['person_id', 'first_seen', 'last_seen', 'partners', 'datasets', 'records']);

      // The view's SQL on DuckDB, over the stored rows and the run's partition, gives the local view's persons.
      const locate = async (prefix: string) => (await p.platform.storage.list(prefix)).filter((k) => k.endsWith('.parquet')).map((k) => `'${p.platform.storage.locate(k)}'`);
      const db = await (await DuckDBInstance.create(':memory:')).connect();
      await db.run(`CREATE VIEW asb_incident__extracts AS SELECT * FROM read_parquet([${(await locate('curated/asb_incident')).join(', ')}], hive_partitioning = true)`);
      await db.run(`CREATE VIEW person_links__runs AS SELECT * FROM read_parquet([${(await locate('curated/person_links/')).join(', ')}], hive_partitioning = true)`);
      const athenaRows = (await db.runAndReadAll(`SELECT record_key, perpetrator_linked_person_id FROM (${text}) ORDER BY 1`)).getRowObjectsJson();
      const localRows = await sql(p.platform, 'SELECT record_key, perpetrator_linked_person_id FROM asb_incident ORDER BY 1');
      expect(athenaRows).toEqual(localRows);
      expect(athenaRows.filter((r) => r.perpetrator_linked_person_id !== null)).toHaveLength(3);
      db.closeSync();

      // An upload linked on arrival adds a part: the views that show persons are rebuilt, the others are not.
      await ingestText(p.platform, 'asb_incident', 'leicester-city-council', csv(ASB_HEADER, 'C9,case_management,2025-08-01T20:00,personal,,Tom,Bradshaw,2011-03-15,LE2 1AB'));
      const grown = (await readLinksPointer(p.platform.storage))!.value;
      expect(grown.parts).toHaveLength(2);
      const changed = await glue.views.sync(await p.platform.catalog.read(), grown);
      expect(changed).toContain('asb_incident');
      expect(await glue.views.sync(await p.platform.catalog.read(), grown)).toEqual([]);
      const police = await glue.views.sync({ ...(await p.platform.catalog.read()) }, { ...grown, parts: [...grown.parts, 'another'] });
      expect(police).not.toContain('police_crime');
      expect(police).toContain('police_person');
    } finally {
      p.cleanup();
    }
  });

  it('never replaces a view built from a newer catalog, and retries when another update lands first', async () => {
    const glue = fakeGlue({ failUpdatesOnce: true });
    await glue.views.sync({ ...catalog, seq: 1, extracts: catalog.extracts.slice(0, 1) });
    expect(glue.tables.get('police_crime')!.Parameters.vrn_catalog_seq).toBe('1');
    expect(await glue.views.sync(catalog)).toContain('police_crime');
    expect(glue.calls.filter((c) => c.action === 'UpdateTable' && c.body.TableInput.Name === 'police_crime')).toHaveLength(2);
    expect(glue.tables.get('police_crime')!.Parameters.vrn_catalog_seq).toBe('2');
    expect(viewSql(glue.tables.get('police_crime')!)).toContain(ids[1]);

    glue.tables.get('police_crime')!.Parameters.vrn_catalog_seq = '9';
    expect(await glue.views.sync(catalog)).not.toContain('police_crime');
  });
});
