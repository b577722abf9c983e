import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingParts } from '../../analytics/counting.ts';
import type { SqlValue } from '../../analytics/engines/ports.ts';
import { SqlEngine } from '../../analytics/engines/sql.ts';
import type { CountQuery, Engine, Params, PersonQuery, RowQuery } from '../../analytics/ir.ts';
import { loadLinkRows } from '../../analytics/matching/link-rows.ts';
import { preventionPanelCohort } from '../../analytics/products/cohort.ts';
import { countMeasures } from '../../analytics/products/csp-release.ts';
import { deepDive } from '../../analytics/products/deep-dive.ts';
import { localityProfile } from '../../analytics/products/locality-profile.ts';
import { countProgrammeReport } from '../../analytics/products/programme-report.ts';
import { successMeasures } from '../../analytics/products/success-measures.ts';
import { viewInput, viewSql } from '../../functions/platform/catalog/glue.ts';
import { AthenaEngine, type Clock } from '../../functions/platform/sql/athena.ts';
import { QueryRefused } from '../../functions/platform/sql/port.ts';
import { datasets } from '../../schemas/datasets/index.ts';
import { agreement, cohortRules, llr, llrDeployment } from '../deployments.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';
import { fakeJsonService, type Answer } from '../platform/fake-aws.ts';
import { athenaSyntaxErrors, trinoSyntaxErrors } from './trino.ts';

/** Athena with no network (see fakeJsonService). */
function fakeAthena(answer: Answer) {
  const { calls, config } = fakeJsonService(answer);
  return { client: new AthenaClient(config), calls };
}

/** A clock that never waits: it records the sleeps and moves time on by them. */
function fakeClock(): Clock & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return { sleeps, now: () => t, sleep: async (ms) => { sleeps.push(ms); t += ms; } };
}

const settings = { workGroup: 'vrn-test-analytics', database: 'vrn_test' };
const resultSet = (columns: [string, string][], rows: (string | null)[][], header: boolean) => ({
  ResultSet: {
    ResultSetMetadata: { ColumnInfo: columns.map(([Name, Type]) => ({ Name, Type, Label: Name })) },
    Rows: [...(header ? [{ Data: columns.map(([n]) => ({ VarCharValue: n })) }] : []), ...rows.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) }))],
  },
});
const succeeded = { QueryExecution: { Status: { State: 'SUCCEEDED' } } };

const PERSON_HEADER = 'crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome';

/** Answers every query on DuckDB, and hands it also to the SQL engine in the Athena dialect, which records what it would send. */
class BesideAthena implements Engine {
  readonly name = 'sql' as const;
  constructor(private readonly answers: Engine, private readonly athena: Engine) {}
  async count(query: CountQuery, params: Params) { await this.athena.count(query, params); return this.answers.count(query, params); }
  async rows(query: RowQuery, params: Params) { await this.athena.rows(query, params); return this.answers.rows(query, params); }
  async scan(query: RowQuery, params: Params, each: Parameters<Engine['scan']>[2]) { await this.athena.rows(query, params); return this.answers.scan(query, params, each); }
  async persons(query: PersonQuery, params: Params) { await this.athena.persons(query, params); return this.answers.persons(query, params); }
  async close() { await this.answers.close(); await this.athena.close(); }
}

describe('every product\'s SQL in the Athena dialect parses as Trino', () => {
  let t: ReturnType<typeof testPlatform>;
  beforeAll(async () => {
    t = testPlatform();
    await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER,
      crimeRow('R1', { recorded_date: '2024-07-10', offence_date: '2024-07-09', offence_group: 'robbery_personal', knife_flag: 'Y' }),
      crimeRow('R2', { recorded_date: '2025-02-10', offence_date: '2025-02-10', offence_group: 'homicide', victim_age: '19', victim_date_of_birth: '' }),
      crimeRow('T1', { recorded_date: '2024-09-15', offence_date: '2024-09-15', offence_group: 'theft', postcode: 'LE11 1AA' })));
    await ingestText(t.platform, 'police_person', POLICE, csv(PERSON_HEADER,
      'R1,suspect,NOM-1,Amy,Lee,2010-05-14,female,LE2 1AB,charged', 'R1,victim,,Bob,Ray,,male,,',
      'R2,suspect,NOM-1,Amy,Lee,2010-05-14,female,LE2 1AB,', 'T1,suspect,NOM-2,Cy,Fox,2009-01-01,male,LE1 1AA,'));
  });
  afterAll(() => t.cleanup());

  const products: [string, (engine: Engine) => Promise<unknown>][] = [
    ['success measures', (e) => successMeasures(e, '2024-25', '2019-20')],
    ['the CSP measures', (e) => countMeasures(e, llr, agreement, '2024-25', '2019-20', 'csp')],
    ['a locality profile (CSP)', (e) => localityProfile(e, llr, agreement, { locality: 'leicester', period: '2024-25' })],
    ['a locality profile (analyst)', (e) => localityProfile(e, llr, agreement, { locality: 'charnwood', period: '2024-25', audience: 'analyst' })],
    ['a Prevention Panel cohort', (e) => preventionPanelCohort(e, llr, cohortRules, 'city', '2025-09-30')],
    ['a deep dive (the whole area)', (e) => deepDive(e, llr, { groups: ['robbery_personal', 'homicide'], area: 'llr', period: '2024-25' })],
    ['a deep dive (a locality)', (e) => deepDive(e, llr, { groups: ['robbery_personal'], area: 'leicester', period: '2024-25' })],
    ['a programme report (monitoring and outcomes)', (e) => countProgrammeReport(e, agreement, llrDeployment.programmes, { programme: 'vip', period: '2024-25', audience: 'analyst' })],
    ['the linkage rows', (e) => loadLinkRows(e)],
  ];
  it.each(products)('%s', async (product, run) => {
    const sent: { sql: string; values: SqlValue[] }[] = [];
    const athena = await SqlEngine.open({ openSql: async () => ({ dialect: 'athena', runCompiled: async (sql, values) => { sent.push({ sql, values }); return []; }, close: async () => {} }) });
    const engine = new BesideAthena(await SqlEngine.open(t.platform), athena);
    try { await run(engine); } finally { await engine.close(); }
    expect(sent.length).toBeGreaterThan(0);
    for (const { sql, values } of sent) expect(athenaSyntaxErrors(sql, values), `${product}: ${sql}`).toEqual([]);
  });

  it('the Glue views of every dataset parse as Trino: no extract, one, and a later one that supersedes part of it', () => {
    const extract = (upload_id: string, seq: number, period_from: string, period_to: string) => ({ upload_id, partner: POLICE, file: `curated/x/upload_id=${upload_id}/part-00000.parquet`, period_from, period_to, seq });
    for (const dataset of Object.values(datasets)) {
      const extracts = [extract('up-20250101000000-00000001', 1, '2024-04-01', '2025-03-31'), extract('up-20250201000000-00000002', 2, '2024-10-01', '2024-12-31')].map((e) => ({ ...e, dataset: dataset.id }));
      for (const counted of [[], extracts.slice(0, 1), extracts]) {
        const sql = viewSql(viewInput(dataset, countingParts(dataset, counted), counted.length, 'vrn_test'));
        expect(trinoSyntaxErrors(sql), `the ${dataset.id} view: ${sql}`).toEqual([]);
      }
    }
  });
});

describe('the Athena SQL engine', () => {
  it('sends a product\'s compiled SQL, Trino-shaped, with values as ExecutionParameters in the workgroup and database', async () => {
    let n = 0;
    const { client, calls } = fakeAthena(({ action }) => {
      if (action === 'StartQueryExecution') return { QueryExecutionId: `q-${++n}` };
      if (action === 'GetQueryExecution') return succeeded;
      return resultSet([['month', 'varchar'], ['count', 'integer']], [['2024-04', '3'], ['2024-05', '4']], true);
    });
    const athena = new AthenaEngine(client, settings, fakeClock());
    const engine = await SqlEngine.open({ openSql: async () => athena });
    const result = await successMeasures(engine, '2024-25', '2019-20');

    const starts = calls.filter((c) => c.action === 'StartQueryExecution').map((c) => c.body);
    expect(starts).toHaveLength(6);
    for (const start of starts) {
      expect(trinoSyntaxErrors(start.QueryString), start.QueryString).toEqual([]);
      expect(start.ExecutionParameters).toHaveLength(start.QueryString.split('?').length - 1);
    }
    expect(starts[0]!.ExecutionParameters).toContain("'2019-04-01'");
    expect(starts.every((s) => s.WorkGroup === 'vrn-test-analytics' && s.QueryExecutionContext.Database === 'vrn_test')).toBe(true);
    expect(result.measures[0]!.monthly.slice(0, 2)).toEqual([{ month: '2024-04', count: 3 }, { month: '2024-05', count: 4 }]);
    expect(result.measures[0]!.count).toBe(7);
  });

  it('polls with growing waits, reads every page once, skips the header row and types the cells', async () => {
    const states = ['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'];
    const columns: [string, string][] = [['upload_id', 'varchar'], ['n', 'bigint'], ['rate', 'double'], ['knife', 'boolean'], ['day', 'date'], ['at', 'timestamp']];
    const pages: Record<string, object> = {
      '': { ...resultSet(columns, [['u1', '1', '0.5', 'true', '2024-06-09', '2024-06-09 22:15:00.000']], true), NextToken: 'p2' },
      p2: { ...resultSet(columns, [['u2', '2', null, 'false', null, null]], false), NextToken: 'p3' },
      p3: resultSet(columns, [['u3', '9007199254740993', '1', 'false', '2024-01-01', '2024-01-01 00:00:00.000']], false),
    };
    const { client, calls } = fakeAthena(({ action, body }) => {
      if (action === 'StartQueryExecution') return { QueryExecutionId: 'q-pages' };
      if (action === 'GetQueryExecution') return { QueryExecution: { Status: { State: states.shift() } } };
      return pages[body.NextToken ?? '']!;
    });
    const clock = fakeClock();
    const result = await new AthenaEngine(client, settings, clock).query('SELECT * FROM police_crime');

    expect(clock.sleeps).toEqual([100, 200, 400, 800]);
    expect(calls.filter((c) => c.action === 'GetQueryResults').map((c) => [c.body.QueryExecutionId, c.body.NextToken, c.body.MaxResults]))
      .toEqual([['q-pages', undefined, 1000], ['q-pages', 'p2', 1000], ['q-pages', 'p3', 1000]]);
    expect(result.truncated).toBe(false);
    expect(result.columns.map((c) => c.type)).toEqual(['VARCHAR', 'BIGINT', 'DOUBLE', 'BOOLEAN', 'DATE', 'TIMESTAMP']);
    expect(result.rows).toEqual([
      { upload_id: 'u1', n: 1, rate: 0.5, knife: true, day: '2024-06-09', at: '2024-06-09 22:15:00' },
      { upload_id: 'u2', n: 2, rate: null, knife: false, day: null, at: null },
      { upload_id: 'u3', n: '9007199254740993', rate: 1, knife: false, day: '2024-01-01', at: '2024-01-01 00:00:00' },
    ]);
    expect(calls.find((c) => c.action === 'StartQueryExecution')!.body.ExecutionParameters).toBeUndefined();
  });

  it('stops reading at the row limit and says the result was truncated', async () => {
    const { client, calls } = fakeAthena(({ action }) => {
      if (action === 'StartQueryExecution') return { QueryExecutionId: 'q-big' };
      if (action === 'GetQueryExecution') return succeeded;
      return { ...resultSet([['x', 'integer']], [['1'], ['2'], ['3']], true), NextToken: 'more' };
    });
    const result = await new AthenaEngine(client, settings, fakeClock()).query('SELECT x FROM police_crime', { maxRows: 2 });
    expect([result.rows, result.truncated]).toEqual([[{ x: 1 }, { x: 2 }], true]);
    expect(calls.filter((c) => c.action === 'GetQueryResults')).toHaveLength(1);
  });

  it('stops a query that runs past its time limit, and says so', async () => {
    const { client, calls } = fakeAthena(({ action }) => {
      if (action === 'StartQueryExecution') return { QueryExecutionId: 'q-slow' };
      if (action === 'GetQueryExecution') return { QueryExecution: { Status: { State: 'RUNNING' } } };
      return {};
    });
    const clock = fakeClock();
    const engine = new AthenaEngine(client, { ...settings, queryTimeoutMs: 10_000, compiledTimeoutMs: 30_000 }, clock);
    const refused = engine.query('SELECT count(*) FROM police_crime');
    await expect(refused).rejects.toBeInstanceOf(QueryRefused);
    await expect(refused).rejects.toThrow('the query ran longer than the time limit (10 s) and was cancelled');
    expect(calls.at(-1)).toEqual({ action: 'StopQueryExecution', body: { QueryExecutionId: 'q-slow' } });
    expect(clock.now()).toBeLessThanOrEqual(10_000);

    await expect(engine.query('SELECT 1', { timeoutMs: 2_000 })).rejects.toThrow('time limit (2 s)');
    await expect(engine.runCompiled('SELECT 1', [])).rejects.toThrow('Athena query q-slow ran longer than 30 s and was stopped');
    expect(calls.filter((c) => c.action === 'StopQueryExecution')).toHaveLength(3);
    expect(calls.filter((c) => c.action === 'GetQueryResults')).toHaveLength(0);
  });

  it('turns failed and cancelled queries into clear errors; an analyst\'s mistake is a refusal', async () => {
    const failing = (status: object) => fakeAthena(({ action }) =>
      action === 'StartQueryExecution' ? { QueryExecutionId: 'q-bad' } : { QueryExecution: { Status: status } }).client;
    const userError = { State: 'FAILED', StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved", AthenaError: { ErrorCategory: 2, ErrorType: 1006 } };
    const systemError = { State: 'FAILED', StateChangeReason: 'Internal error', AthenaError: { ErrorCategory: 1, ErrorType: 401 } };

    const refused = new AthenaEngine(failing(userError), settings, fakeClock()).query('SELECT nope FROM police_crime');
    await expect(refused).rejects.toBeInstanceOf(QueryRefused);
    await expect(refused).rejects.toThrow("Column 'nope' cannot be resolved");
    await expect(new AthenaEngine(failing(userError), settings, fakeClock()).runCompiled('SELECT nope FROM police_crime', []))
      .rejects.toThrow(/^Athena query q-bad failed \(1006\): COLUMN_NOT_FOUND/);
    await expect(new AthenaEngine(failing(systemError), settings, fakeClock()).query('SELECT 1'))
      .rejects.toThrow('Athena query q-bad failed (401): Internal error');
    await expect(new AthenaEngine(failing({ State: 'CANCELLED' }), settings, fakeClock()).query('SELECT 1'))
      .rejects.toThrow('Athena query q-bad was cancelled');
  });

  it('passes on Athena\'s own refusal to start (an AWS error) unchanged', async () => {
    const { client } = fakeAthena(() => ({ error: 'InvalidRequestException', message: 'WorkGroup vrn-test-analytics is disabled' }));
    await expect(new AthenaEngine(client, settings, fakeClock()).query('SELECT 1')).rejects.toThrow('WorkGroup vrn-test-analytics is disabled');
  });

  it.each([
    ['DROP VIEW police_crime', 'only SELECT'],
    ['CREATE TABLE t AS SELECT 1', 'only SELECT'],
    ["UNLOAD (SELECT * FROM police_crime) TO 's3://elsewhere/' WITH (format = 'PARQUET')", 'only SELECT'],
    ['/* hello */ INSERT INTO police_crime SELECT * FROM police_crime', 'only SELECT'],
    ['MSCK REPAIR TABLE police_crime__extracts', 'only SELECT'],
    ['SET SESSION query_max_run_time = \'1h\'', 'only SELECT'],
    ['SELECT 1; SELECT 2', 'exactly one'],
    ['SELECT 1; DROP TABLE police_crime', 'exactly one'],
    ['WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', 'INSERT is not allowed'],
    ['SELECT * FROM police_crime__extracts', 'stored extract tables'],
    ["SELECT 'it''s fine; DROP TABLE x", 'unterminated'],
  ])('refuses %s before anything reaches Athena', async (query, why) => {
    const { client, calls } = fakeAthena(() => ({ QueryExecutionId: 'never' }));
    await expect(new AthenaEngine(client, settings, fakeClock()).query(query)).rejects.toThrow(why);
    expect(calls).toEqual([]);
  });

  it.each([
    "-- the count\n  select 1 AS one",
    "SELECT 'DROP TABLE x; --' AS text, \"delete\" FROM police_crime;",
    'WITH x AS (SELECT locality FROM police_crime) /* set */ SELECT DISTINCT locality FROM x',
    '(SELECT 1)',
  ])('lets the read-only query %j through', async (query) => {
    const { client, calls } = fakeAthena(({ action }) => action === 'StartQueryExecution' ? { QueryExecutionId: 'q' }
      : action === 'GetQueryExecution' ? succeeded : resultSet([['one', 'integer']], [['1']], true));
    await new AthenaEngine(client, settings, fakeClock()).query(query);
    expect(calls[0]!.body.QueryString).toBe(query);
  });
});
