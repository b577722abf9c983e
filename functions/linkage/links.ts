import { createHash } from 'node:crypto';
import { PERSON_LINKS_COLUMNS, PERSON_LINKS_COLUMNS_V1, PERSON_LINKS_PARTITION, PERSON_LINKS_POINTER, PERSON_LINKS_PREFIX, type PersonLinksPointer } from '../../schemas/glue.ts';
import { splitRecordId } from '../../analytics/matching/link-rows.ts';
import { ParquetSink } from '../ingest/parquet-sink.ts';
import { getJson, type Storage } from '../platform/storage/port.ts';

/**
 * The person links the views join: which person each person record belongs to. A full linking run writes its run's
 * first part; each upload linked on arrival adds a part of its new records; the pointer names the run and its parts.
 * Parts are immutable and a record is in one part of a run, once (a record twice in the records given, two identical
 * rows, takes the smaller person), so a view's join finds one person per record without grouping the links.
 */
type Format = PersonLinksPointer['format'];

/** A run's folder id: from the people key it stores, so a run and its links are named alike. */
export const linksRun = (peopleKey: string) => createHash('sha256').update(peopleKey).digest('hex').slice(0, 24);
const partKey = (run: string, part: string) => `${PERSON_LINKS_PREFIX}${PERSON_LINKS_PARTITION}=${run}/${part}.parquet`;

export async function readLinksPointer(storage: Storage): Promise<{ value: PersonLinksPointer; etag: string } | null> {
  return getJson<PersonLinksPointer>(storage, PERSON_LINKS_POINTER);
}

/** Each record once, with the smaller of its persons; in the order first given. */
function onePerRecord(recordIds: readonly string[], personIds: readonly string[]): { records: readonly string[]; persons: readonly string[] } {
  if (new Set(recordIds).size === recordIds.length) return { records: recordIds, persons: personIds };
  const persons = new Map<string, string>();
  for (let i = 0; i < recordIds.length; i++) {
    const known = persons.get(recordIds[i]);
    if (known === undefined || personIds[i] < known) persons.set(recordIds[i], personIds[i]);
  }
  return { records: [...persons.keys()], persons: [...persons.values()] };
}

/** Writes one part of a run's links in the run's format; returns its key and how many records it holds. */
export async function writeLinksPart(storage: Storage, run: string, part: string, recordIds: readonly string[], personIds: readonly string[], format: Format = 2): Promise<{ key: string; records: number }> {
  const key = partKey(run, part);
  const { records, persons } = onePerRecord(recordIds, personIds);
  const sink = new ParquetSink(format === 2 ? PERSON_LINKS_COLUMNS : PERSON_LINKS_COLUMNS_V1, storage.openWriter(key));
  try {
    for (let i = 0; i < records.length; i++) {
      const written = sink.append(format === 2 ? [...splitRecordId(records[i]), persons[i]] : [records[i], persons[i]]);
      if (written) await written;
    }
    await sink.close();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return { key, records: records.length };
}

/** A full run's links: its one part, and the pointer moved to it (the earlier run's parts stay until swept). */
export async function storeRunLinks(storage: Storage, run: string, recordIds: readonly string[], personIds: readonly string[], now: Date): Promise<PersonLinksPointer> {
  const { key, records } = await writeLinksPart(storage, run, 'part-full', recordIds, personIds);
  const pointer: PersonLinksPointer = { format: 2, run, parts: [key], records, updated_at: now.toISOString() };
  await storage.put(PERSON_LINKS_POINTER, JSON.stringify(pointer, null, 1));
  return pointer;
}

/** The first links of a store with no pointer yet: an upload linked before any full run starts a run of its own. */
export async function startLinks(storage: Storage, run: string, part: string, recordIds: readonly string[], personIds: readonly string[], now: Date): Promise<PersonLinksPointer> {
  const { key, records } = await writeLinksPart(storage, run, part, recordIds, personIds);
  const pointer: PersonLinksPointer = { format: 2, run, parts: [key], records, updated_at: now.toISOString() };
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
  // In the run's own format: an earlier run's parts stay as they are until the next full run.
  const { key, records } = await writeLinksPart(storage, current.value.run, part, recordIds, personIds, current.value.format);
  const pointer: PersonLinksPointer = {
    ...current.value, parts: [...current.value.parts.filter((p) => p !== key), key], records: current.value.records + records, updated_at: now.toISOString(),
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
