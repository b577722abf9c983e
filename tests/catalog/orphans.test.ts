import { spawnSync } from 'node:child_process';
import { utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findOrphans, removeOrphans } from '../../functions/platform/catalog/orphans.ts';
import { main } from '../../functions/cli/main.ts';
import { filesUnder } from '../faults/faulty-storage.ts';
import { csv, CRIME_HEADER, crimeRows, ingestText, POLICE, sql, testPlatform } from '../helpers.ts';

let t: ReturnType<typeof testPlatform>;
afterEach(() => t?.cleanup());

/**
 * An ingest that stops for good after writing its files and before the catalog records them, as a killed process
 * does: it never gets to clean up (an ingest that fails cleans up itself).
 */
async function interruptedIngest(platform: ReturnType<typeof testPlatform>['platform'], prefix: string) {
  await new Promise<void>((stopped) => {
    void ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows(prefix, 3)), {
      beforeCommit: () => { stopped(); return new Promise<void>(() => {}); },
    });
  });
}

describe('files no catalog entry names', () => {
  it('are found after the grace period and removed, while recorded extracts keep theirs', async () => {
    const now = { at: new Date('2025-11-01T12:00:00Z') };
    t = testPlatform(undefined, { now: () => now.at });
    await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('A', 5)));
    await interruptedIngest(t.platform, 'B');
    const left = (await t.platform.storage.list('curated/')).length + (await t.platform.storage.list('vault/')).length;

    expect(await findOrphans(t.platform)).toEqual([]); // an ingest that young may still be running
    now.at = new Date('2025-11-02T12:00:01Z');
    const orphans = await findOrphans(t.platform);
    expect(orphans.map((o) => o.key.split('/')[0]).sort()).toEqual(['curated', 'vault']);
    expect(new Set(orphans.map((o) => o.upload_id)).size).toBe(1);

    expect(await removeOrphans(t.platform)).toEqual(orphans);
    expect((await t.platform.storage.list('curated/')).length + (await t.platform.storage.list('vault/')).length).toBe(left - 2);
    expect(await findOrphans(t.platform, 0)).toEqual([]);
    expect(await sql(t.platform, 'SELECT count(*)::INT AS n FROM police_crime')).toEqual([{ n: 5 }]);
  });

  it('vrn gc reports and removes them; --dry-run only reports', async () => {
    t = testPlatform(new Date());
    await interruptedIngest(t.platform, 'C');
    const out: string[] = [];
    const log = console.log;
    console.log = (line: string) => { out.push(line); };
    try {
      expect(await main(['gc', '--data-dir', t.dir, '--grace-hours', '0', '--dry-run', '--format', 'json'])).toBe(0);
      expect(JSON.parse(out[0])).toMatchObject({ dry_run: true, uploads: 1, files: [expect.stringMatching(/^curated\/police_crime\/upload_id=up-/), expect.stringMatching(/^vault\/police_crime\/upload_id=up-/)] });
      expect(await findOrphans(t.platform, 0)).toHaveLength(2);
      expect(await main(['gc', '--data-dir', t.dir, '--grace-hours', '0'])).toBe(0);
      expect(out[1]).toMatch(/^removed 2 file\(s\) of 1 unrecorded upload\(s\)/);
      expect(await findOrphans(t.platform, 0)).toEqual([]);
    } finally {
      console.log = log;
    }
  });

  it('vrn gc removes the temporary files and locks killed runs left, and the folders that leaves empty, not a running write\'s', async () => {
    t = testPlatform(new Date());
    const store = join(t.dir, 'store');
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    const killed = t.platform.storage.openWriter('curated/police_crime/upload_id=up-20251101120000-0000000a/part-00000.parquet');
    await killed.write(new Uint8Array(100));
    const [killedTemp] = filesUnder(store).stray;
    utimesSync(join(store, killedTemp), dayAgo, dayAgo);
    const running = t.platform.storage.openWriter('vault/police_crime/upload_id=up-20251101120000-0000000b/references.bin');
    await running.write(new Uint8Array(100));
    // A lock whose holder has exited, and one this process holds: both a day old.
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(store, 'catalog.lock'), `${hostname()} ${exited}`);
    writeFileSync(join(store, 'reports.lock'), `${hostname()} ${process.pid}`);
    for (const lock of ['catalog.lock', 'reports.lock']) utimesSync(join(store, lock), dayAgo, dayAgo);

    const out: string[] = [];
    const log = console.log;
    console.log = (line: string) => { out.push(line); };
    try {
      expect(await main(['gc', '--data-dir', t.dir, '--dry-run', '--format', 'json'])).toBe(0);
      expect(JSON.parse(out[0]).leftovers).toEqual(['catalog.lock', killedTemp].sort());
      expect(filesUnder(store).stray).toHaveLength(4);
      expect(await main(['gc', '--data-dir', t.dir])).toBe(0);
      expect(out[1]).toMatch(/^removed 0 file\(s\) of 0 unrecorded upload\(s\) and 2 file\(s\) left by interrupted writes\n/);
      expect(filesUnder(store).stray).toEqual(['reports.lock', expect.stringMatching(/^vault\/police_crime\/upload_id=up-20251101120000-0000000b\/references\.bin\.[0-9a-f]{12}\.tmp$/)]);
      // With no grace, a temporary file being written goes too (so: only when no ingest runs); a live lock stays.
      expect(await main(['gc', '--data-dir', t.dir, '--grace-hours', '0'])).toBe(0);
      expect(filesUnder(store).stray).toEqual(['reports.lock']);
    } finally {
      console.log = log;
      await running.abort();
    }
  });
});
