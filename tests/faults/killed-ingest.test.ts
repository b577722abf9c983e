import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../functions/platform/catalog/orphans.ts';
import { Catalog } from '../../functions/platform/catalog/catalog.ts';
import { CRIME_HEADER, crimeRows, csv, ingestText, POLICE, sql, testPlatform } from '../helpers.ts';
import { filesUnder } from './faulty-storage.ts';
import { PausingStorage } from './pausing-storage.ts';

const CHILD = join(import.meta.dirname, 'ingest-child.ts');
const EARLIER = csv(CRIME_HEADER, ...crimeRows('EARLIER', 4, '2023-01-01'));
const EXTRACT = csv(CRIME_HEADER, ...crimeRows('KILL', 25, '2024-04-01'));

const platforms: ReturnType<typeof testPlatform>[] = [];
afterEach(() => { for (const t of platforms.splice(0)) t.cleanup(); });
function fresh() {
  const t = testPlatform();
  platforms.push(t);
  writeFileSync(join(t.dir, 'extract.csv'), EXTRACT);
  return t;
}

/** Runs the ingest in a child process and SIGKILLs it at its kth storage step; resolves with that step. */
function killAt(k: number, t: ReturnType<typeof testPlatform>): Promise<string> {
  const dataDir = t.dir;
  const child = fork(CHILD, [dataDir, join(dataDir, 'extract.csv'), String(k), t.platform.now().toISOString()], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let paused = '';
    child.on('message', (message: { paused?: string }) => {
      if (!message.paused) return reject(new Error(`the ingest ran to its end: ${JSON.stringify(message)}`));
      paused = message.paused;
      child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' && paused ? resolve(paused) : reject(new Error(`the child exited (${signal ?? _code})`))));
  });
}

const uploadless = (step: string) => step.replace(/up-\d{14}-[0-9a-f]{8}/g, 'up-…');
const crimes = async (t: ReturnType<typeof testPlatform>) => (await sql(t.platform, 'SELECT count(*)::INT AS n FROM police_crime'))[0].n as number;

describe('an ingest killed (SIGKILL) part way', () => {
  it('leaves the catalog without the extract or with all of it; a re-run stores it once; gc leaves no stray file', async () => {
    // The steps of this ingest, counted in this process, and where to stop it: its Parquet half-written, both files
    // written but not recorded, inside the catalog commit (holding its lock), recorded but without its report.
    const steps: string[] = [];
    const counted = fresh();
    await ingestText(counted.platform, 'police_crime', POLICE, EARLIER);
    const storage = new PausingStorage(join(counted.dir, 'store'), async (what) => { steps.push(what); });
    await ingestText({ ...counted.platform, storage, catalog: new Catalog(storage) }, 'police_crime', POLICE, EXTRACT);
    const firstCommitPut = steps.findIndex((s) => s.startsWith('put catalog/'));
    const points = [...new Set([
      steps.findIndex((s) => s.startsWith('write curated/')),
      steps.findIndex((s) => s.startsWith('close vault/')),
      firstCommitPut - 1,
      firstCommitPut,
    ])].map((i) => i + 1);
    expect(points.every((k) => k > 0)).toBe(true);

    const outcomes = new Set<string>();
    for (const k of points) {
      const t = fresh();
      await ingestText(t.platform, 'police_crime', POLICE, EARLIER);
      const before = (await t.platform.catalog.read()).extracts;
      const step = await killAt(k, t);
      expect(uploadless(step)).toBe(uploadless(steps[k - 1]));

      const after = (await t.platform.catalog.read()).extracts;
      expect(after.slice(0, before.length)).toEqual(before);
      const recorded = after.length > before.length;
      outcomes.add(recorded ? 'recorded' : 'not recorded');
      if (recorded) expect(after.slice(before.length)).toEqual([expect.objectContaining({ rows: 25 })]);
      expect(await crimes(t)).toBe(recorded ? 29 : 4);

      const again = await ingestText(t.platform, 'police_crime', POLICE, EXTRACT);
      expect([again.status, Boolean(again.duplicate_of)]).toEqual(['accepted', recorded]);
      expect(await crimes(t)).toBe(29);

      await collectGarbage(t.platform, 0);
      const { files, stray } = filesUnder(join(t.dir, 'store'));
      expect(stray).toEqual([]);
      const uploads = new Set((await t.platform.catalog.read()).extracts.map((e) => e.upload_id));
      expect(uploads.size).toBe(2);
      for (const f of files.filter((f) => /^(curated|vault)\//.test(f))) expect(uploads.has(/upload_id=([^/]+)/.exec(f)![1]), f).toBe(true);
    }
    expect([...outcomes].sort()).toEqual(['not recorded', 'recorded']);
  });
});
