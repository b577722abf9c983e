import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../functions/platform/sql/duckdb.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv, ingestText, testPlatform } from '../helpers.ts';

let t: ReturnType<typeof testPlatform>;
let engine: DuckDbEngine;
beforeAll(async () => {
  t = testPlatform();
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('R', 25)));
  engine = await DuckDbEngine.open(t.platform);
});
afterAll(async () => { await engine.close(); t.cleanup(); });

describe('read-only SQL over the pseudonymised tables', () => {
  it('answers SELECT and WITH queries, with a row limit', async () => {
    expect((await engine.query('-- the count\n  select 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await engine.query('SELECT count(*)::INTEGER AS n FROM police_crime')).rows).toEqual([{ n: 25 }]);
    expect((await engine.query('WITH x AS (SELECT locality FROM police_crime) SELECT DISTINCT locality FROM x')).rows).toEqual([{ locality: 'leicester' }]);
    const limited = await engine.query('SELECT * FROM police_crime', { maxRows: 10 });
    expect([limited.rows.length, limited.truncated]).toEqual([10, true]);
    expect((await engine.query('SELECT * FROM hospital_admission')).rows).toEqual([]);
  });

  it.each([
    ['DROP VIEW police_crime', 'only SELECT'],
    ['CREATE TABLE t AS SELECT 1', 'only SELECT'],
    ["COPY police_crime TO '/tmp/out.csv'", 'only SELECT'],
    ['/* hello */ COPY (SELECT 1) TO STDOUT', 'only SELECT'],
    ['CALL pragma_version()', 'only SELECT'],
    ["ATTACH '/tmp/x.db' AS x", 'only SELECT'],
    ['INSTALL httpfs', 'only SELECT'],
    ['SET enable_external_access = true', 'only SELECT'],
    ['PRAGMA database_list', 'only SELECT'],
    ['SELECT 1; SELECT 2', 'exactly one'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'disabled by configuration'],
    ["SELECT * FROM read_text('/etc/hostname')", 'disabled by configuration'],
    ["SELECT * FROM read_parquet('https://example.org/x.parquet')", 'disabled by configuration'],
  ])('refuses %s', async (query, why) => {
    await expect(engine.query(query)).rejects.toThrow(why);
  });
});
