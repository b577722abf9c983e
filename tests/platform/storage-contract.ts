import { expect, it } from 'vitest';
import { PreconditionFailed, type Storage } from '../../functions/platform/storage/port.ts';
import { writeObject } from '../../functions/platform/storage/write-object.ts';

/** The behaviour every storage adapter owes the core; each adapter's test file runs it. */
export function storageContract(
  newStorage: () => Promise<{ storage: Storage; cleanup: () => Promise<void> | void }>,
  /** False for a store that ignores If-Match / If-None-Match (s3rver): its test file must cover them otherwise. */
  { enforcesConditionalWrites = true } = {},
) {
  const withStorage = (fn: (storage: Storage) => Promise<void>) => async () => {
    const { storage, cleanup } = await newStorage();
    try { await fn(storage); } finally { await cleanup(); }
  };
  const text = async (storage: Storage, key: string) => {
    const object = await storage.get(key);
    return object ? new TextDecoder().decode(object.body) : null;
  };

  it('puts and gets whole objects, and reports missing ones as null', withStorage(async (storage) => {
    expect(await storage.get('a/missing.json')).toBeNull();
    const { etag } = await storage.put('a/b.json', '{"x":1}');
    const got = await storage.get('a/b.json');
    expect(new TextDecoder().decode(got!.body)).toBe('{"x":1}');
    expect(got!.etag).toBe(etag);
    expect(await storage.exists('a/b.json')).toBe(true);
    expect(await storage.etag('a/b.json')).toBe(etag);
    expect(await storage.etag('a/missing.json')).toBeNull();
    expect(await storage.exists('a/missing.json')).toBe(false);
    await storage.put('a/b.json', '{"x":2}');
    expect(await storage.etag('a/b.json')).not.toBe(etag);
  }));

  it.runIf(enforcesConditionalWrites)('conditional writes: ifNoneMatch refuses an existing object, ifMatch a changed one', withStorage(async (storage) => {
    const first = await storage.put('c/cat.json', 'one', { ifNoneMatch: '*' });
    await expect(storage.put('c/cat.json', 'two', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailed);
    const second = await storage.put('c/cat.json', 'two', { ifMatch: first.etag });
    await expect(storage.put('c/cat.json', 'three', { ifMatch: first.etag })).rejects.toBeInstanceOf(PreconditionFailed);
    expect(await text(storage, 'c/cat.json')).toBe('two');
    await storage.put('c/cat.json', 'three', { ifMatch: second.etag });
    expect(await text(storage, 'c/cat.json')).toBe('three');
  }));

  it('a streamed object appears only when closed, and an aborted one leaves no trace', withStorage(async (storage) => {
    const writer = storage.openWriter('curated/x/part.bin');
    await writer.write(new Uint8Array([1, 2, 3]));
    expect(await storage.exists('curated/x/part.bin')).toBe(false);
    await writer.write(new Uint8Array(6 * 1024 * 1024).fill(7));
    await writer.close();
    const chunks: Uint8Array[] = [];
    for await (const chunk of storage.read('curated/x/part.bin')) chunks.push(chunk);
    expect(chunks.reduce((n, c) => n + c.length, 0)).toBe(3 + 6 * 1024 * 1024);

    const aborted = storage.openWriter('curated/y/part.bin');
    await aborted.write(new Uint8Array([9]));
    await aborted.abort();
    expect(await storage.list('curated/')).toEqual(['curated/x/part.bin']);
  }));

  it('writeObject leaves nothing under the key when its source fails part way', withStorage(async (storage) => {
    async function* failing() {
      yield new Uint8Array([1, 2]);
      throw new Error('the upload was cut off');
    }
    await expect(writeObject(storage, 'raw/u1', failing())).rejects.toThrow('cut off');
    expect(await storage.exists('raw/u1')).toBe(false);
    await writeObject(storage, 'raw/u2', [new Uint8Array([1]), new Uint8Array([2, 3])]);
    expect([...(await storage.get('raw/u2'))!.body]).toEqual([1, 2, 3]);
    expect(await storage.list('raw/')).toEqual(['raw/u2']);
  }));

  it('lists by prefix and deletes', withStorage(async (storage) => {
    await storage.put('r/1.json', '1');
    await storage.put('r/2/3.json', '3');
    await storage.put('s/4.json', '4');
    expect(await storage.list('r/')).toEqual(['r/1.json', 'r/2/3.json']);
    await storage.delete('r/1.json');
    expect(await storage.list('r')).toEqual(['r/2/3.json']);
  }));
}
