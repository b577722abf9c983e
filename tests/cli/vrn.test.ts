import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FsStorage } from '../../functions/platform/storage/fs.ts';
import { allFiles, CRIME_HEADER, crimeRow, crimeRows, csv, tempDataDir } from '../helpers.ts';
import { PLANTED, plantedError } from '../planted-failure.ts';
import { vrnInProcess } from './in-process.ts';

const run = promisify(execFile);
/** Runs the real `vrn` command; returns its exit code and output instead of throwing. */
async function vrn(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['functions/cli/vrn.js', ...args], { env: { ...process.env, VRN_DATA_DIR: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let t: ReturnType<typeof tempDataDir>;
beforeAll(() => {
  t = tempDataDir();
  writeFileSync(join(t.dir, 'good.csv'), csv(CRIME_HEADER, ...crimeRows('CLI', 20), crimeRow('CLI-bad', { knife_flag: 'sometimes' })));
  writeFileSync(join(t.dir, 'bad.csv'), csv('crime_ref,recorded_date', 'X,2024-01-01'));
});
afterAll(() => t.cleanup());

describe('vrn CLI, the real executable (one process per command family)', () => {
  it('ingest prints the report and exits 0 for an accepted extract; sql and a product answer from the store', async () => {
    const data = join(t.dir, 'data');
    const human = await vrn('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'good.csv'), '--data-dir', data);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('ACCEPTED');
    expect(human.stdout).toMatch(/line 22, knife_flag: .*\[invalid_boolean\]/);
    const rows = await vrn('sql', '--data-dir', data, '--query', 'SELECT count(*)::INTEGER AS n FROM police_crime', '--format', 'json');
    expect(JSON.parse(rows.stdout).rows).toEqual([{ n: 20 }]);
    const measures = await vrn('measures', '--period', '2024-25', '--data-dir', data, '--engine', 'arquero');
    expect(JSON.parse(measures.stdout).measures).toHaveLength(6);
  });
});

describe('vrn commands (main, in process)', () => {
  const data = () => join(t.dir, 'data');

  it('--data-dir may stand before the command; the same file again is recognised; sql, products and pages answer', async () => {
    if (!existsSync(data())) await vrnInProcess('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'good.csv'), '--data-dir', data());
    const json = await vrnInProcess('--data-dir', data(), 'ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'good.csv'), '--format', 'json');
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ status: 'accepted', rows_read: 21, rows_accepted: 20, rows_rejected: 1, duplicate_of: expect.any(String) });

    const csvOut = await vrnInProcess('sql', '--data-dir', data(), '--query', "SELECT '=1+1' AS formula, 'a,b' AS comma", '--format', 'csv');
    expect(csvOut.stdout.trim().split(/\r?\n/)).toEqual(['formula,comma', `'=1+1,"a,b"`]);
    const profile = await vrnInProcess('profile', '--locality', 'leicester', '--period', '2024-25', '--data-dir', data(), '--audience', 'analyst');
    expect(JSON.parse(profile.stdout).serious_violence.count).toBe(20);
    const cohort = await vrnInProcess('cohort', '--panel', 'city', '--as-of', '2025-09-30', '--data-dir', data(), '--format', 'csv');
    expect(cohort.stdout.trim()).toBe('person_id,age,sex,locality,criteria,factors,score,events,last_event_date,partners');
    expect((await vrnInProcess('cohort', '--panel', 'atlantis', '--as-of', '2025-09-30', '--data-dir', data())).code).toBe(2);
    const page = await vrnInProcess('profile', '--locality', 'leicester', '--period', '2024-25', '--data-dir', data(), '--format', 'html');
    expect(page.stdout).toMatch(/^<!doctype html>[\s\S]*<svg [\s\S]*<\/html>\s*$/);
    const dive = await vrnInProcess('deep-dive', '--groups', 'assault_with_injury', '--area', 'llr', '--period', '2024-25', '--data-dir', data(), '--format', 'json');
    expect(JSON.parse(dive.stdout).crimes).toBe(20);
    const badPeriod = await vrnInProcess('measures', '--period', '2024', '--data-dir', data());
    expect([badPeriod.code, badPeriod.stderr]).toEqual([2, expect.stringContaining('not a financial year')]);
  });

  it('exits 2 for a rejected extract, a refused query and a usage error', async () => {
    const data2 = join(t.dir, 'data2');
    const rejected = await vrnInProcess('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'bad.csv'), '--data-dir', data2);
    expect(rejected.code).toBe(2);
    expect(rejected.stdout).toContain('REJECTED');
    expect(rejected.stdout).toContain('offence_date');
    expect((await vrnInProcess('sql', '--data-dir', data2, '--query', 'DELETE FROM police_crime')).code).toBe(2);
    const usage = await vrnInProcess('ingest', '--dataset', 'police_crime', '--data-dir', data2);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('is required');
  });

  it('says clearly when the file is not there', async () => {
    const missing = await vrnInProcess('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'nope.csv'), '--data-dir', join(t.dir, 'd3'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no file at');
  });

  it('exits 1 on an internal error (a data dir that cannot be written)', async () => {
    const failed = await vrnInProcess('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'good.csv'), '--data-dir', join(t.dir, 'good.csv', 'sub'));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^vrn: internal error \(Error ENOTDIR\)/);
    expect(failed.stderr).not.toContain(t.dir); // fs's message names the path: not shown
  });

  it('on an internal error that quotes a value, ingest prints a safe line, exits 1 and stores nothing', async () => {
    const dir = join(t.dir, 'planted');
    writeFileSync(join(t.dir, 'people.csv'), csv('crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome',
      `LP/24/1,suspect,NOM-1,Thomas,${PLANTED},2010-03-14,male,LE4 6RT,charged`));
    vi.spyOn(FsStorage.prototype, 'openWriter').mockImplementation(() => { throw plantedError(); });
    try {
      const failed = await vrnInProcess('ingest', '--dataset', 'police_person', '--partner', 'leicestershire-police', '--file', join(t.dir, 'people.csv'), '--data-dir', dir);
      expect(failed).toEqual({ code: 1, stdout: '', stderr: "vrn: internal error (Error); its own text is not shown, as it could quote the data\n" });
    } finally {
      vi.restoreAllMocks();
    }
    for (const file of allFiles(dir)) expect(file.bytes.toString('latin1')).not.toContain(PLANTED);
  });

  it('sql stops a query at 10 s, or at --timeout-ms, and says how to raise the limit', async () => {
    const slow = await vrnInProcess('sql', '--data-dir', join(t.dir, 'data2'), '--query', 'SELECT count(*) FROM range(100000000000)', '--timeout-ms', '200');
    expect(slow).toMatchObject({ code: 2, stderr: 'vrn: query refused: the query ran longer than the time limit (0.2 s) and was cancelled (raise the limit with --timeout-ms)\n' });
    expect((await vrnInProcess('sql', '--data-dir', join(t.dir, 'data2'), '--query', 'SELECT 1 AS one', '--timeout-ms', 'soon')).stderr).toContain('--timeout-ms must be a whole number');
  });
});
