import { AthenaClient } from '@aws-sdk/client-athena';
import { describe, expect, it } from 'vitest';
import { compileCount, dialects } from '../../analytics/engines/sql-compile.ts';
import { SqlEngine } from '../../analytics/engines/sql.ts';
import { measureQueries, successMeasures } from '../../analytics/products/success-measures.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { AthenaEngine, sqlLiteral, type Clock } from '../../functions/platform/sql/athena.ts';
import { QueryRefused } from '../../functions/platform/sql/port.ts';
import { fakeJsonService, type Answer } from '../platform/fake-aws.ts';

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

describe('the Athena SQL engine', () => {
  it('runs a product\'s compiled SQL unchanged, with values as ExecutionParameters in the workgroup and database', async () => {
    let n = 0;
    const { client, calls } = fakeAthena(({ action }) => {
      if (action === 'StartQueryExecution') return { QueryExecutionId: `q-${++n}` };
      if (action === 'GetQueryExecution') return succeeded;
      return resultSet([['month', 'varchar'], ['count', 'integer']], [['2024-04', '3'], ['2024-05', '4']], true);
    });
    const athena = new AthenaEngine(client, settings, fakeClock());
    const engine = await SqlEngine.open({ openSql: async () => athena } as unknown as Platform);
    const result = await successMeasures(engine, '2024-25', '2019-20');

    const starts = calls.filter((c) => c.action === 'StartQueryExecution').map((c) => c.body);
    const expected = measureQueries('2024-25', '2019-20').map(({ query }) => compileCount(query, { from: '2019-04-01', to: '2025-03-31' }, dialects.athena));
    expect(starts).toHaveLength(6);
    expect(starts.map((s) => s.QueryString)).toEqual(expected.map((e) => e.sql));
    expect(starts.map((s) => s.ExecutionParameters)).toEqual(expected.map((e) => e.values.map(sqlLiteral)));
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
