import { createHash } from 'node:crypto';
import { PERSON_LINKS_COLUMNS, PERSON_LINKS_PARTITION, PERSON_LINKS_POINTER, PERSON_LINKS_PREFIX, type PersonLinksPointer } from '../../schemas/glue.ts';
import type { StoredColumn } from '../../schemas/stored.ts';
import { ParquetSink } from '../ingest/parquet-sink.ts';
import { getJson, type Storage } from '../platform/storage/port.ts';

/**
 * The person links the views join: which person each person record belongs to. A full linking run writes its run's
 * first part; each upload linked on arrival adds a part of its new records; the pointer names the run and its parts.
 * Parts are immutable and a record is in at most one part of a run, so a view's join finds one person per record.
 */
const COLUMNS: StoredColumn[] = PERSON_LINKS_COLUMNS;

/** A run's folder id: from the people key it stores, so a run and its links are named alike. */
export const linksRun = (peopleKey: string) => createHash('sha256').update(peopleKey).digest('hex').slice(0, 24);
const partKey = (run: string, part: string) => `${PERSON_LINKS_PREFIX}${PERSON_LINKS_PARTITION}=${run}/${part}.parquet`;

export async function readLinksPointer(storage: Storage): Promise<{ value: PersonLinksPointer; etag: string } | null> {
  return getJson<PersonLinksPointer>(storage, PERSON_LINKS_POINTER);
}

/** Writes one part of a run's links; returns its key. */
export async function writeLinksPart(storage: Storage, run: string, part: string, recordIds: readonly string[], personIds: readonly string[]): Promise<string> {
  const key = partKey(run, part);
  const sink = new ParquetSink(COLUMNS, storage.openWriter(key));
  try {
    for (let i = 0; i < recordIds.length; i++) {
      const written = sink.append([recordIds[i], personIds[i]]);
      if (written) await written;
    }
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return key;
}

/** A full run's links: its one part, and the pointer moved to it (the earlier run's parts stay until swept). */
export async function storeRunLinks(storage: Storage, run: string, recordIds: readonly string[], personIds: readonly string[], now: Date): Promise<PersonLinksPointer> {
  const key = await writeLinksPart(storage, run, 'part-full', recordIds, personIds);
  const pointer: PersonLinksPointer = { format: 1, run, parts: [key], records: recordIds.length, updated_at: now.toISOString() };
  await storage.put(PERSON_LINKS_POINTER, JSON.stringify(pointer, null, 1));
  return pointer;
}

/** The first links of a store with no pointer yet: an upload linked before any full run starts a run of its own. */
export async function startLinks(storage: Storage, run: string, part: string, recordIds: readonly string[], personIds: readonly string[], now: Date): Promise<PersonLinksPointer> {
  const key = await writeLinksPart(storage, run, part, recordIds, personIds);
  const pointer: PersonLinksPointer = { format: 1, run, parts: [key], records: recordIds.length, updated_at: now.toISOString() };
  try {
    await storage.put(PERSON_LINKS_POINTER, JSON.stringify(pointer, null, 1), { ifNoneMatch: '*' });
  } catch (error) {
    await storage.delete(key);
    throw error;
  }
  return pointer;
}

/** Adds an upload's part to the current run, conditionally on the pointer not having moved since it was read. */
export async function addLinksPart(storage: Storage, current: { value: PersonLinksPointer; etag: string }, part: string, recordIds: readonly string[], personIds: readonly string[], now: Date): Promise<PersonLinksPointer> {
  const key = await writeLinksPart(storage, current.value.run, part, recordIds, personIds);
  const pointer: PersonLinksPointer = {
    ...current.value, parts: [...current.value.parts.filter((p) => p !== key), key], records: current.value.records + recordIds.length, updated_at: now.toISOString(),
  };
  try {
    await storage.put(PERSON_LINKS_POINTER, JSON.stringify(pointer, null, 1), { ifMatch: current.etag });
  } catch (error) {
    // The part is not named by any pointer: removed, so a failed link leaves nothing behind.
    await storage.delete(key);
    throw error;
  }
  return pointer;
}
