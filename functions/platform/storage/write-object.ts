import type { Storage } from './port.ts';

/**
 * Streams chunks into one object that appears only when all of them are written: a failure of the source or of the
 * store aborts the writer, so no part of the object is left under its key.
 */
export async function writeObject(storage: Storage, key: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
  const writer = storage.openWriter(key);
  try {
    for await (const chunk of chunks) await writer.write(chunk);
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
