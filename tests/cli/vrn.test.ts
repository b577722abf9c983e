import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
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

describe('vrn serve on a port in use (the one spawned serve)', () => {
  it('says the port is in use and exits 1, with no stack trace, before loading anything', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const data = join(t.dir, 'busy');
      const served = await vrn('serve', '--port', String(port), '--data-dir', data);
      expect(served).toEqual({ code: 1, stdout: '', stderr: `vrn: port ${port} is in use: stop what is listening there, or choose another with --port N (or PORT)\n` });
      expect(existsSync(join(data, 'catalog'))).toBe(false); // nothing was loaded
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
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
    // The data runs to 2024-04-20 (20 days of crimes): an export names it, and a cohort after it is refused in words.
    const cohort = await vrnInProcess('cohort', '--panel', 'city', '--as-of', '2024-04-20', '--data-dir', data(), '--format', 'csv');
    expect(cohort.stdout.trim().split('\r\n')).toEqual([
      'Produced by,"Leicester, Leicestershire and Rutland Violence Reduction Network"', 'Period,as of 2024-04-20', 'Data to,2024-04-20',
      expect.stringMatching(/^Produced,\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/), '',
      'Person id,Age,Sex,Locality,Criteria,Factors,Score,Reasons,Events,Last event date,Partners',
    ]);
    const beyond = await vrnInProcess('cohort', '--panel', 'city', '--as-of', '2025-09-30', '--data-dir', data());
    expect([beyond.code, beyond.stderr.split('\n')[0]]).toEqual([2, 'vrn: as of 2025-09-30 is after the data, which runs to 2024-04-20: choose a date on or before 2024-04-20']);
    const year = await vrnInProcess('measures', '--period', '2025-26', '--data-dir', data());
    expect([year.code, year.stderr.split('\n')[0]]).toEqual([2, 'vrn: 2025-26 starts after the data, which runs to 2024-04-20: choose a period that starts on or before 2024-04-20']);
    expect((await vrnInProcess('cohort', '--panel', 'atlantis', '--as-of', '2024-04-20', '--data-dir', data())).code).toBe(2);
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

  it('an error prints the error and one line of usage for that command, not the whole help', async () => {
    const cases: [string[], string, string][] = [
      [['ingest', '--dataset', 'police_crime'], 'vrn: --file is required', 'usage: vrn ingest --dataset ID --partner ID --file PATH'],
      [['measures', '--period', '2024'], 'vrn: "2024" is not a financial year like 2024-25', 'usage: vrn measures --period 2024-25'],
      [['review', 'list', '--limit'], 'vrn: --limit needs a value', 'usage: vrn review list [--limit 50]'],
      [['template', '--dataset', 'crime'], 'vrn: --dataset must be one of police_crime, police_person, asb_incident, ae_attendance, hospital_admission, school_exclusion, support_episode, programme_delivery, police_uk_crime', 'usage: vrn template --dataset ID --out FILE'],
      [['frobnicate'], 'vrn: unknown command "frobnicate"', 'usage: vrn <command> [--data-dir DIR] [--format json]'],
    ];
    for (const [args, error, usage] of cases) {
      const out = await vrnInProcess(...args, '--data-dir', join(t.dir, 'data'));
      const lines = out.stderr.trimEnd().split('\n');
      expect([out.code, lines.length, lines[0]]).toEqual([2, 2, error]);
      expect(lines[1]).toMatch(new RegExp(`^${usage.replace(/[[\]|.*+?()]/g, '\\$&')}.*\\(vrn help: every command\\)$`));
    }
    const help = await vrnInProcess('help');
    expect(help.stdout.split('\n').length).toBeGreaterThan(20);
  });

  it('--out says what it wrote: a product, the rejected rows and a template', async () => {
    const xlsx = join(t.dir, 'measures.xlsx');
    const measures = await vrnInProcess('measures', '--period', '2024-25', '--format', 'xlsx', '--out', xlsx, '--data-dir', data());
    expect([measures.code, measures.stdout]).toEqual([0, '']);
    expect(measures.stderr).toMatch(new RegExp(`^wrote the measures as XLSX \\([\\d,]+ bytes\\) to ${xlsx}\n$`));
    const rejected = join(t.dir, 'rejected.csv');
    const ingest = await vrnInProcess('ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', join(t.dir, 'good.csv'), '--rejected-out', rejected, '--data-dir', join(t.dir, 'out'));
    expect(ingest.stderr).toContain(`wrote 1 problem(s) of the rejected rows to ${rejected}`);
    expect(ingest.stdout).toContain('knife_flag [invalid_boolean]: expected true/false, yes/no, y/n or 1/0');
    expect(readFileSync(rejected, 'utf8').split('\r\n').slice(0, 2)).toEqual(['line,column,code,reason,expected', '22,knife_flag,invalid_boolean,"not one of true/false, yes/no, y/n, 1/0","true/false, yes/no, y/n or 1/0"']);
    expect(readFileSync(rejected, 'utf8')).not.toContain('sometimes');
    const template = join(t.dir, 'template.csv');
    const made = await vrnInProcess('template', '--dataset', 'school_exclusion', '--out', template);
    expect([made.code, made.stderr]).toEqual([0, `wrote the school_exclusion header and an example row to ${template}\n`]);
    expect(readFileSync(template, 'utf8').split('\r\n')).toHaveLength(3);
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
