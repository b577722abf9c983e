import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { readCsv } from '../../functions/ingest/read-csv.ts';
import { readXlsx } from '../../functions/ingest/read-xlsx.ts';
import { bytesSource, decodeText } from '../../functions/ingest/source.ts';
import { Catalog, type ExtractEntry } from '../../functions/platform/catalog/catalog.ts';
import { collectGarbage } from '../../functions/platform/catalog/orphans.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { StoreFailed } from '../../functions/platform/storage/port.ts';
import { CRIME_HEADER, crimeRow, crimeRows, csv, ingestText, POLICE, sql, testPlatform } from '../helpers.ts';
import { FaultyStorage, filesUnder } from './faulty-storage.ts';

const NOTHING_STORED = 'the store ran out of space while writing the extract; nothing was stored';
const ACCEPTED_NO_REPORT = /^the extract was accepted \(upload up-\d{14}-[0-9a-f]{8}\), but the store ran out of space before its report was written$/;

let t: ReturnType<typeof testPlatform>;
afterEach(() => t?.cleanup());

/** The platform with its storage failing at the Nth write (null: counting only). */
function failing(platform: Platform, failAt: number | null, mode: 'full' | 'once' = 'full') {
  const storage = new FaultyStorage(platform.storage, failAt, mode);
  return { storage, platform: { ...platform, storage, catalog: new Catalog(storage) } };
}

/** Event extracts covering the same period replace each other: each of these gets its own 30 days. */
const month = (i: number) => new Date(Date.UTC(2021, 0, 1) + i * 30 * 86_400_000).toISOString().slice(0, 10);
const crimes = async (platform: Platform) => (await sql(platform, 'SELECT count(*)::INT AS n FROM police_crime'))[0].n as number;

describe('a storage write that fails part way (a full disk)', () => {
  it('at any write of an ingest: nothing half-written stays, nothing accepted is lost, a re-run stores the extract once', async () => {
    t = testPlatform();
    const store = join(t.dir, 'store');
    await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('EARLIER', 5, month(0))));
    const counting = failing(t.platform, null);
    expect((await ingestText(counting.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('COUNTED', 30, month(1))))).status).toBe('accepted');
    const writes = counting.storage.writes;
    expect(writes).toBeGreaterThanOrEqual(5); // the Parquet, the vault, their closes, the catalog, the report

    let stored = await crimes(t.platform);
    const seen = new Set<string>();
    for (const mode of ['full', 'once'] as const) {
      for (let n = 1; n <= writes; n++) {
        const extract = csv(CRIME_HEADER, ...crimeRows(`${mode}${n}`, 30, month(2 + n + (mode === 'once' ? writes : 0))));
        const before = { files: filesUnder(store).files, extracts: (await t.platform.catalog.read()).extracts };
        const error = await ingestText(failing(t.platform, n, mode).platform, 'police_crime', POLICE, extract).then(() => null, (e: Error) => e);
        // Moving the catalog's head is best effort (readers look past it), so one failure there fails nothing.
        if (error !== null || mode === 'full') expect(error, `${mode} ${n}`).toBeInstanceOf(StoreFailed);

        const extracts = (await t.platform.catalog.read()).extracts;
        expect(extracts).toEqual(expect.arrayContaining(before.extracts));
        const accepted = extracts.length > before.extracts.length;
        seen.add(accepted ? 'accepted' : 'nothing');
        if (error === null) {
          expect(accepted, `${mode} ${n}`).toBe(true);
          seen.add('accepted despite a failed write');
        } else if (accepted) {
          expect(error!.message).toMatch(ACCEPTED_NO_REPORT);
          expect(extracts.filter((e) => !before.extracts.some((b) => b.upload_id === e.upload_id))).toEqual([expect.objectContaining({ rows: 30 })]);
        } else {
          expect(error!.message).toBe(NOTHING_STORED);
          expect(filesUnder(store).files).toEqual(before.files);
        }
        expect(filesUnder(store).stray).toEqual([]);
        expect(await crimes(t.platform)).toBe(stored + (accepted ? 30 : 0));

        const again = await ingestText(t.platform, 'police_crime', POLICE, extract);
        expect(again.status).toBe('accepted');
        expect(Boolean(again.duplicate_of)).toBe(accepted);
        stored += 30;
        expect(await crimes(t.platform)).toBe(stored);
        expect(await collectGarbage(t.platform, 0)).toEqual({ orphans: [], leftovers: [] });
      }
    }
    expect([...seen].sort()).toEqual(['accepted', 'accepted despite a failed write', 'nothing']);
  });

  it('at any write of a catalog commit: the catalog keeps every entry it had and has the new one whole or not at all', async () => {
    t = testPlatform();
    const store = join(t.dir, 'store');
    await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('A', 3)));
    await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('B', 3)));
    const entry = (i: number): Omit<ExtractEntry, 'seq'> => ({
      upload_id: `up-20251101120000-${String(i).padStart(8, '0')}`, dataset: 'police_crime', partner: POLICE, content_key: `fault-test|${i}`,
      file: `curated/police_crime/upload_id=up-20251101120000-${String(i).padStart(8, '0')}/part-00000.parquet`, rows: 3,
      period_from: '2024-04-01', period_to: '2024-04-03', accepted_at: '2025-11-01T12:00:00.000Z',
    });
    const counting = new FaultyStorage(t.platform.storage);
    expect((await new Catalog(counting).add(entry(0))).added).toBe(true);
    const writes = counting.writes;
    expect(writes).toBeGreaterThanOrEqual(1);

    let i = 0;
    for (const mode of ['full', 'once'] as const) {
      for (let n = 1; n <= writes; n++) {
        const next = entry(++i);
        const before = (await t.platform.catalog.read()).extracts;
        const outcome = await new Catalog(new FaultyStorage(t.platform.storage, n, mode)).add(next).then((r) => r, (e: NodeJS.ErrnoException) => e);
        const after = (await t.platform.catalog.read()).extracts;
        // A failure after the entry landed (moving the head, best effort) still commits it, whole.
        if (outcome instanceof Error) expect(outcome).toMatchObject({ code: 'ENOSPC' });
        else expect(outcome.added && after.some((e) => e.content_key === next.content_key)).toBe(true);
        expect(after).toEqual(expect.arrayContaining(before));
        expect(after.filter((e) => !before.some((b) => b.upload_id === e.upload_id))).toEqual(after.length === before.length ? [] : [expect.objectContaining(next)]);
        expect(filesUnder(store).stray).toEqual([]);

        const retry = await t.platform.catalog.add(next);
        // The same upload again: committed once, whether or not the failed attempt landed.
        expect(retry).toMatchObject({ added: true, entry: { upload_id: next.upload_id } });
        expect((await t.platform.catalog.read()).extracts.filter((e) => e.content_key === next.content_key)).toHaveLength(1);
      }
    }
  });
});

describe('every other way an ingest ends', () => {
  it('leaves no temporary file, lock or empty folder: rejected, unparseable, duplicate, a lost commit race, a reader that fails', async () => {
    t = testPlatform();
    const store = join(t.dir, 'store');
    const good = csv(CRIME_HEADER, ...crimeRows('G', 4));
    expect((await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('R', 2), crimeRow('R-x', { knife_flag: 'maybe' }), crimeRow('R-y', { knife_flag: 'maybe' })))).status).toBe('rejected');
    expect((await ingestText(t.platform, 'police_crime', POLICE, `${CRIME_HEADER}\n"unclosed,2024-01-01\n`)).status).toBe('rejected');

    // Two uploads of one file at once, each waiting at its commit for the other: one lands, one is surplus.
    const ready: (() => void)[] = [];
    const both = new Promise<void>((resolve) => { let n = 0; ready.push(() => { if (++n === 2) resolve(); }, () => { if (++n === 2) resolve(); }); });
    const [a, b] = await Promise.all([0, 1].map((i) => ingestText(t.platform, 'police_crime', POLICE, good, { beforeCommit: () => { ready[i](); return both; } })));
    expect([a.duplicate_of, b.duplicate_of].filter(Boolean)).toHaveLength(1);
    expect((await ingestText(t.platform, 'police_crime', POLICE, good)).duplicate_of).toBe(a.duplicate_of ?? a.upload_id);

    const broken = async function* () {
      yield new TextEncoder().encode(csv(CRIME_HEADER, ...crimeRows('X', 3)));
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    };
    await expect(ingestText(t.platform, 'police_crime', POLICE, '', { source: broken })).rejects.toThrow('the disk failed (an I/O error) while writing the extract; nothing was stored');
    await expect(ingestText(t.platform, 'police_crime', POLICE, good, { periodFrom: '2024-01-01', beforeCommit: async () => { throw new Error('the process is stopping'); } }))
      .rejects.toThrow('the process is stopping');

    const { files, stray } = filesUnder(store);
    expect(stray).toEqual([]);
    const winner = a.duplicate_of ?? a.upload_id;
    expect(files.filter((f) => /^(curated|vault)\//.test(f))).toEqual([
      `curated/police_crime/upload_id=${winner}/part-00000.parquet`, `vault/police_crime/upload_id=${winner}/references.bin`,
    ]);
    expect(await collectGarbage(t.platform, 0)).toEqual({ orphans: [], leftovers: [] });
    expect(await crimes(t.platform)).toBe(4);
  });

  it('a reader the ingest stops reading part way through the file settles (the CLI exited 13 with no message)', async () => {
    // A failed write ends the ingest's loop part way: the reader must settle and close its source.
    const rows = crimeRows('S', 20_000);
    let closed = false;
    const source = async function* () {
      try {
        yield new TextEncoder().encode(csv(CRIME_HEADER, ...rows.slice(0, 10_000)));
        yield new TextEncoder().encode(csv(...rows.slice(10_000)));
      } finally {
        closed = true;
      }
    };
    let read = 0;
    for await (const _ of readCsv(decodeText(source(), 'utf-8'))) {
      read++;
      break;
    }
    expect(read).toBe(1);
    expect(closed).toBe(true);

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('crimes');
    for (let i = 0; i < 1_000; i++) sheet.addRow([`S-${i}`, '2024-06-10']);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    read = 0;
    for await (const _ of readXlsx(bytesSource(bytes))) if (++read === 2) break;
    expect(read).toBe(2);
  });
});
