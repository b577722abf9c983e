import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRIME_HEADER, crimeRow, crimeRows, csv, tempDataDir } from '../helpers.ts';

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

describe('vrn CLI', () => {
  it('ingest prints the report and exits 0 for an accepted extract; --data-dir may follow the command', async () => {
    const data = join(t.dir, 'data');
    const human = await vrn('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'good.csv'), '--data-dir', data);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('ACCEPTED');
    expect(human.stdout).toMatch(/line 22, knife_flag: .*\[invalid_boolean\]/);

    const json = await vrn('--data-dir', data, 'ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'good.csv'), '--format', 'json');
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ status: 'accepted', rows_read: 21, rows_accepted: 20, rows_rejected: 1, duplicate_of: expect.any(String) });

    const rows = await vrn('sql', '--data-dir', data, '--query', 'SELECT count(*)::INTEGER AS n FROM police_crime', '--format', 'json');
    expect(JSON.parse(rows.stdout).rows).toEqual([{ n: 20 }]);
    const csvOut = await vrn('sql', '--data-dir', data, '--query', "SELECT '=1+1' AS formula, 'a,b' AS comma", '--format', 'csv');
    expect(csvOut.stdout.trim().split(/\r?\n/)).toEqual(['formula,comma', `'=1+1,"a,b"`]);

    const measures = await vrn('measures', '--period', '2024-25', '--data-dir', data, '--engine', 'arquero');
    expect(JSON.parse(measures.stdout).measures).toHaveLength(6);
    const profile = await vrn('profile', '--locality', 'leicester', '--period', '2024-25', '--data-dir', data, '--audience', 'analyst');
    expect(JSON.parse(profile.stdout).serious_violence.count).toBe(20);
    const cohort = await vrn('cohort', '--panel', 'city', '--as-of', '2025-09-30', '--data-dir', data, '--format', 'csv');
    expect(cohort.stdout.trim()).toBe('person_id,age,sex,locality,criteria,factors,score,events,last_event_date,partners');
    expect((await vrn('cohort', '--panel', 'atlantis', '--as-of', '2025-09-30', '--data-dir', data)).code).toBe(2);
    const page = await vrn('profile', '--locality', 'leicester', '--period', '2024-25', '--data-dir', data, '--format', 'html');
    expect(page.stdout).toMatch(/^<!doctype html>[\s\S]*<svg [\s\S]*<\/html>\s*$/);
    const dive = await vrn('deep-dive', '--groups', 'assault_with_injury', '--area', 'llr', '--period', '2024-25', '--data-dir', data, '--format', 'json');
    expect(JSON.parse(dive.stdout).crimes).toBe(20);
    const badPeriod = await vrn('measures', '--period', '2024', '--data-dir', data);
    expect([badPeriod.code, badPeriod.stderr]).toEqual([2, expect.stringContaining('not a financial year')]);
  });

  it('exits 2 for a rejected extract, a refused query and a usage error', async () => {
    const data = join(t.dir, 'data2');
    const rejected = await vrn('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'bad.csv'), '--data-dir', data);
    expect(rejected.code).toBe(2);
    expect(rejected.stdout).toContain('REJECTED');
    expect(rejected.stdout).toContain('offence_date');
    expect((await vrn('sql', '--data-dir', data, '--query', 'DELETE FROM police_crime')).code).toBe(2);
    const usage = await vrn('ingest', '--dataset', 'police_crime');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('is required');
  });

  it('says clearly when the file is not there', async () => {
    const missing = await vrn('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'nope.csv'), '--data-dir', join(t.dir, 'd3'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('there is no file at');
  });

  it('exits 1 on an internal error (a data dir that cannot be written)', async () => {
    const failed = await vrn('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'good.csv'), '--data-dir', join(t.dir, 'good.csv', 'sub'));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^vrn: /);
  });
});
