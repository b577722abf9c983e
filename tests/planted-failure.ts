import type { ObjectWriter, Storage } from '../functions/platform/storage/port.ts';

/** A surname planted in an error's message: it must reach no log, answer, stored object or status. */
export const PLANTED = 'Zedbrook';
export const plantedError = () => new Error(`Invalid Closing Quote: value is "${PLANTED}" at line 3`);

/**
 * Real storage whose writers of the extract's Parquet throw an error quoting a value (as a library's error may) once
 * `failing` is set; and a record of every key written, so a test can see that no raw file was ever stored.
 */
export function plantedFailureStorage<S extends Storage>(inner: S) {
  const written: string[] = [];
  const state = { failing: true };
  const storage: Storage = {
    get description() { return inner.description; },
    get: (key) => inner.get(key),
    etag: (key) => inner.etag(key),
    put: (key, body, options) => { written.push(key); return inner.put(key, body, options); },
    openWriter(key): ObjectWriter {
      written.push(key);
      const writer = inner.openWriter(key);
      if (!state.failing || !key.startsWith('curated/')) return writer;
      return { write: async () => { throw plantedError(); }, close: async () => { await writer.abort(); throw plantedError(); }, abort: () => writer.abort() };
    },
    read: (key) => inner.read(key),
    exists: (key) => inner.exists(key),
    list: (prefix) => inner.list(prefix),
    delete: (key) => inner.delete(key),
    locate: (key) => inner.locate(key),
  };
  return { storage: Object.assign(Object.create(Object.getPrototypeOf(inner)), inner, storage) as S, written, state };
}
