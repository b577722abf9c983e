import { afterEach, describe, expect, it } from 'vitest';
import { Catalog, SEGMENT, type ExtractEntry } from '../../functions/platform/catalog/catalog.ts';
import { FsStorage } from '../../functions/platform/storage/fs.ts';
import { PreconditionFailed, type PutOptions } from '../../functions/platform/storage/port.ts';
import { tempDataDir } from '../helpers.ts';

let cleanup = () => {};
afterEach(() => cleanup());

/** FsStorage that records every object read and written, and can fail chosen writes (a process dying there). */
class CountingStorage extends FsStorage {
  reads: string[] = [];
  writes: { key: string; bytes: number }[] = [];
  failWrite: ((key: string) => boolean) | null = null;

  private writing = 0;

  override async get(key: string) {
    if (!this.writing) this.reads.push(key); // FsStorage's own check inside a conditional put is part of the write
    return super.get(key);
  }

  override async exists(key: string) {
    this.reads.push(key);
    return super.exists(key);
  }

  override async put(key: string, body: Uint8Array | string, options?: PutOptions) {
    if (this.failWrite?.(key)) throw new Error('the process stopped here');
    this.writes.push({ key, bytes: typeof body === 'string' ? Buffer.byteLength(body) : body.length });
    this.writing++;
    try {
      return await super.put(key, body, options);
    } finally {
      this.writing--;
    }
  }

  /** What `run` read and wrote. */
  async during(run: () => Promise<unknown>) {
    const [reads, writes] = [this.reads.length, this.writes.length];
    await run();
    return { reads: this.reads.slice(reads), writes: this.writes.slice(writes) };
  }
}

const store = () => {
  const t = tempDataDir();
  cleanup = t.cleanup;
  return new CountingStorage(t.dir);
};

/** Entries of the same size (fixed-width ids), each its own month, so none supersedes another. */
const entry = (i: number): Omit<ExtractEntry, 'seq'> => {
  const month = `${2000 + Math.floor(i / 12)}-${String(1 + (i % 12)).padStart(2, '0')}`;
  const id = `up-20250101000000-${i.toString(16).padStart(8, '0')}`;
  return {
    upload_id: id, dataset: 'police_crime', partner: 'leicestershire-police', period_from: `${month}-01`, period_to: `${month}-28`,
    content_key: `${i.toString(16).padStart(64, '0')}|police_crime|leicestershire-police||`, file: `curated/police_crime/upload_id=${id}/part-00000.parquet`,
    rows: 100, accepted_at: '2025-01-01T00:00:00.000Z',
  };
};

async function commit(catalog: Catalog, from: number, to: number) {
  for (let i = from; i < to; i++) expect((await catalog.add(entry(i))).added).toBe(true);
}

describe('a commit costs the same whatever the size of the catalog', () => {
  it('writes one entry and the head (and every SEGMENT-th commit a segment), the same bytes at 5 entries as at 250', async () => {
    const storage = store();
    const catalog = new Catalog(storage);
    const commits: Awaited<ReturnType<CountingStorage['during']>>[] = [];
    for (let i = 0; i < 2 * SEGMENT + 50; i++) commits.push(await storage.during(() => catalog.add(entry(i))));

    const early = commits[4];
    const late = commits[2 * SEGMENT + 44];
    expect(early.writes.map((w) => w.key)).toEqual(['catalog/entries/0000000005.json', 'catalog/head.json']);
    expect(late.writes.map((w) => w.key)).toEqual([`catalog/entries/0000000${2 * SEGMENT + 45}.json`, 'catalog/head.json']);
    // the same bytes, but for the two more digits of seq 245 than of seq 5 in each object
    expect(late.writes.map((w, i) => w.bytes - early.writes[i].bytes)).toEqual([2, 2]);
    expect(early.writes.every((w) => w.bytes < 500)).toBe(true);
    expect(late.reads.length).toBe(early.reads.length);
    expect(late.reads.length).toBeLessThanOrEqual(3); // the head and the next entry's key: nothing it has seen already

    const segments = [commits[SEGMENT - 1], commits[2 * SEGMENT - 1]].map((c) => c.writes.filter((w) => w.key.startsWith('catalog/segments/')));
    expect(segments.map((s) => s.map((w) => w.key))).toEqual([['catalog/segments/0000000100.json'], ['catalog/segments/0000000200.json']]);
    const digits = (from: number) => Array.from({ length: SEGMENT }, (_, i) => String(from + i).length).reduce((a, b) => a + b, 0);
    expect(segments[1][0].bytes - segments[0][0].bytes).toBe(digits(SEGMENT + 1) - digits(1)); // a segment's size is its entries'
  });

  it('a cold reader fetches the segments and the entries after them; a warm one only what is new', async () => {
    const storage = store();
    const writer = new Catalog(storage);
    await commit(writer, 0, 2 * SEGMENT + 7);
    const reader = new Catalog(storage);
    const cold = await storage.during(() => reader.read());
    expect(cold.reads.filter((k) => k.startsWith('catalog/segments/'))).toEqual(['catalog/segments/0000000100.json', 'catalog/segments/0000000200.json']);
    expect(cold.reads.filter((k) => k.startsWith('catalog/entries/'))).toHaveLength(7 + 1); // and one look past the head
    expect(await reader.read()).toEqual(await writer.read());
    expect((await reader.read()).extracts.map((e) => e.seq)).toEqual(Array.from({ length: 2 * SEGMENT + 7 }, (_, i) => i + 1));

    await commit(writer, 2 * SEGMENT + 7, 2 * SEGMENT + 9);
    const warm = await storage.during(() => reader.read());
    expect(warm.reads).toEqual(['catalog/head.json', 'catalog/entries/0000000208.json', 'catalog/entries/0000000209.json', 'catalog/entries/0000000210.json']);
  });
});

describe('the entry is the commit point', () => {
  it('an extract whose commit did not move the head is seen by every reader, and the next commit moves the head past it', async () => {
    const storage = store();
    await commit(new Catalog(storage), 0, 3);
    const version = await new Catalog(storage).version();

    storage.failWrite = (key) => key === 'catalog/head.json';
    expect(await new Catalog(storage).add(entry(3))).toMatchObject({ added: true, entry: { seq: 4 } });
    storage.failWrite = null;
    expect(JSON.parse(new TextDecoder().decode((await storage.get('catalog/head.json'))!.body)).seq).toBe(3);

    const reader = new Catalog(storage);
    expect((await reader.read()).extracts.map((e) => e.upload_id)).toEqual([0, 1, 2, 3].map((i) => entry(i).upload_id));
    expect(await reader.version()).not.toBe(version);
    expect((await reader.findByContent(entry(3).content_key))?.counting).toBe(true);
    expect((await new Catalog(storage).add({ ...entry(3), upload_id: entry(99).upload_id })).added).toBe(false); // the same content again changes nothing

    expect((await new Catalog(storage).add(entry(4))).entry.seq).toBe(5);
    expect(JSON.parse(new TextDecoder().decode((await storage.get('catalog/head.json'))!.body)).seq).toBe(5);
  });

  it('a commit that stopped before its entry leaves the catalog as it was', async () => {
    const storage = store();
    await commit(new Catalog(storage), 0, 2);
    const version = await new Catalog(storage).version();
    storage.failWrite = (key) => key.startsWith('catalog/entries/');
    await expect(new Catalog(storage).add(entry(2))).rejects.toThrow('the process stopped here');
    storage.failWrite = null;
    expect(await new Catalog(storage).version()).toBe(version);
    expect((await new Catalog(storage).read()).seq).toBe(2);
  });

  it('writers in separate processes (one catalog object each) lose nothing: each claims its own seq', async () => {
    const storage = store();
    await Promise.all(Array.from({ length: 8 }, (_, i) => new Catalog(storage).add(entry(i))));
    const doc = await new Catalog(storage).read();
    expect(doc.extracts.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(doc.extracts.map((e) => e.upload_id).sort()).toEqual(Array.from({ length: 8 }, (_, i) => entry(i).upload_id).sort());
  });

  it('a commit whose entry landed though its answer was lost is still its own, not a rival duplicate', async () => {
    const storage = store();
    await commit(new Catalog(storage), 0, 2);
    const put = storage.put.bind(storage);
    let lost = false;
    storage.put = async (key, body, options) => {
      const out = await put(key, body, options);
      if (key.startsWith('catalog/entries/') && !lost) { lost = true; throw new PreconditionFailed(key); } // the retry of a write that landed
      return out;
    };
    const result = await new Catalog(storage).add(entry(2));
    expect(result).toMatchObject({ added: true, entry: { seq: 3, upload_id: entry(2).upload_id } });
    expect(result.before).toHaveLength(2);
    expect((await new Catalog(storage).read()).seq).toBe(3);
  });

  it('the same content added by separate processes at once lands once', async () => {
    const storage = store();
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => new Catalog(storage).add({ ...entry(0), upload_id: `up-20250101000000-0000000${i}` })));
    expect(results.filter((r) => r.added)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entry.upload_id)).size).toBe(1);
    expect((await new Catalog(storage).read()).extracts).toHaveLength(1);
  });
});

describe("an existing data dir's catalog/extracts.json", () => {
  it('serves as the first snapshot: its entries stay, new ones follow on, and it is never rewritten', async () => {
    const storage = store();
    const legacy = { format: 1, seq: SEGMENT + 50, extracts: Array.from({ length: SEGMENT + 50 }, (_, i) => ({ ...entry(i), seq: i + 1 })) };
    await storage.put('catalog/extracts.json', JSON.stringify(legacy, null, 1));
    const { etag } = (await storage.get('catalog/extracts.json'))!;
    const before = await new Catalog(storage).version();
    expect((await new Catalog(storage).read()).extracts).toEqual(legacy.extracts);

    const writer = new Catalog(storage);
    expect((await writer.findByContent(entry(3).content_key))?.entry.seq).toBe(4);
    await commit(writer, SEGMENT + 50, 2 * SEGMENT + 10);
    expect(await new Catalog(storage).version()).not.toBe(before);
    expect((await storage.get('catalog/extracts.json'))!.etag).toBe(etag);

    // the first segment holds only what the document does not
    const segment = JSON.parse(new TextDecoder().decode((await storage.get('catalog/segments/0000000200.json'))!.body)) as ExtractEntry[];
    expect(segment.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => SEGMENT + 51 + i));
    const reader = new Catalog(storage);
    const cold = await storage.during(() => reader.read());
    expect(cold.reads.filter((k) => k.startsWith('catalog/entries/'))).toHaveLength(10 + 1);
    expect((await reader.read()).extracts).toEqual((await writer.read()).extracts);
    expect((await reader.read()).extracts.map((e) => e.seq)).toEqual(Array.from({ length: 2 * SEGMENT + 10 }, (_, i) => i + 1));
  });
});
