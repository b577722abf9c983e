import { afterEach, describe, expect, it } from 'vitest';
import { findOrphans, removeOrphans } from '../../functions/platform/catalog/orphans.ts';
import { main } from '../../functions/cli/main.ts';
import { csv, CRIME_HEADER, crimeRows, ingestText, POLICE, sql, testPlatform } from '../helpers.ts';

let t: ReturnType<typeof testPlatform>;
afterEach(() => t?.cleanup());

/** An ingest that stops after writing its files and before the catalog records them. */
async function interruptedIngest(platform: ReturnType<typeof testPlatform>['platform'], prefix: string) {
  await expect(ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows(prefix, 3)), {
    beforeCommit: async () => { throw new Error('power cut'); },
  })).rejects.toThrow('power cut');
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
});
