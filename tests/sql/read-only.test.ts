import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

describe("DuckDB's temp directory (where it spills)", () => {
  it('is a 0700 directory of its own outside the data dir and the working directory, removed on close', async () => {
    const own = await DuckDbEngine.open(t.platform);
    const spill = own.spillDirectory;
    const [row] = (await own.query("SELECT current_setting('temp_directory') AS temp, current_setting('allowed_directories')::VARCHAR AS allowed")).rows;
    expect(row.temp).toBe(spill);
    expect(statSync(spill).mode & 0o777).toBe(0o700);
    for (const inside of [resolve(t.dir), process.cwd()]) expect(spill.startsWith(inside)).toBe(false);
    // DuckDB allows its temp directory itself; nothing else is allowed but the curated store.
    expect(String(row.allowed).slice(1, -1).split(', ').sort()).toEqual([`${t.platform.storage.locate('curated')}/`, `${spill}/`].sort());
    // The default, .tmp under the working directory, is not readable.
    mkdirSync(join(t.dir, '.tmp'), { recursive: true });
    writeFileSync(join(t.dir, '.tmp', 'x.csv'), 'a\n1\n');
    await expect(own.query(`SELECT * FROM read_csv('${join(t.dir, '.tmp', 'x.csv')}')`)).rejects.toThrow('disabled by configuration');
    await expect(own.query(`SELECT * FROM read_csv('${join(process.cwd(), '.tmp', 'x.csv')}')`)).rejects.toThrow('disabled by configuration');
    await own.close();
    expect(existsSync(spill)).toBe(false);
  });
});
