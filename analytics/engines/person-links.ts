import { parquetMetadata, parquetRead, type FileMetaData } from 'hyparquet';
import { PERSON_LINKS_POINTER, type PersonLinksPointer } from '../../schemas/glue.ts';
import type { ExtractStore } from './ports.ts';
import { fileBytes } from './file-bytes.ts';

/**
 * Record id → person, from the current run's parts of the person links (empty before any linking run). A record in
 * two parts takes the smaller person id, as the views' join does.
 */
export async function readPersonLinks(storage: ExtractStore['storage']): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  await forEachPersonLink(storage, (record, person) => {
    const known = map.get(record);
    if (known === undefined || person < known) map.set(record, person);
  });
  return map;
}

/**
 * The person links as numbers: every person id once, sorted, and each record's place among them (the smaller id for
 * a record in two parts, as readPersonLinks). A product groups records by the place, which sorts people for free.
 */
export async function readPersonRanks(storage: ExtractStore['storage']): Promise<{ persons: string[]; rankOf: Map<string, number> }> {
  // Each link's record, with its person as a number in order of first sight (renumbered in id order below).
  const records: string[] = [], distinct: string[] = [], seen = new Map<string, number>();
  let first = new Int32Array(1 << 16), n = 0;
  await forEachPersonLink(storage, (record, person) => {
    let k = seen.get(person);
    if (k === undefined) { k = distinct.length; distinct.push(person); seen.set(person, k); }
    if (n === first.length) { const grown = new Int32Array(n * 2); grown.set(first); first = grown; }
    records.push(record);
    first[n++] = k;
  });
  seen.clear();
  const byId = Array.from(distinct.keys()).sort((a, b) => (distinct[a] < distinct[b] ? -1 : 1));
  const rankOfFirst = new Int32Array(distinct.length);
  byId.forEach((k, rank) => { rankOfFirst[k] = rank; });
  const rankOf = new Map<string, number>();
  let twice = false;
  for (let i = 0; i < n; i++) {
    const size = rankOf.size;
    rankOf.set(records[i], rankOfFirst[first[i]]);
    if (rankOf.size === size) twice = true;
  }
  // A record in two parts (rare): its smallest place, over every link of it.
  if (twice) for (let i = 0; i < n; i++) rankOf.set(records[i], Math.min(rankOf.get(records[i])!, rankOfFirst[first[i]]));
  return { persons: byId.map((k) => distinct[k]), rankOf };
}

/** Each link (record id, person) of the current run's parts (none before any linking run), a row group at a time: no map of them made. */
export async function forEachPersonLink(storage: ExtractStore['storage'], each: (record: string, person: string) => void): Promise<void> {
  const pointer = await storage.get(PERSON_LINKS_POINTER);
  if (!pointer) return;
  for (const part of (JSON.parse(new TextDecoder().decode(pointer.body)) as PersonLinksPointer).parts) {
    const object = await storage.get(part);
    if (!object) throw new Error(`person links part missing: ${part}`);
    const file = fileBytes(object.body);
    const metadata = parquetMetadata(file);
    // A part of format 1 holds whole record ids; one of format 2 their source and ref (schemas/glue.ts).
    const whole = metadata.schema.some((e) => e.name === 'record_id');
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const range = { metadata, rowStart, rowEnd: rowStart + Number(group.num_rows) };
      const persons = await textColumn(file, 'person_id', range);
      if (whole) {
        const records = await textColumn(file, 'record_id', range);
        for (let i = 0; i < records.length; i++) each(records[i], persons[i]);
      } else {
        const [sources, refs] = [await textColumn(file, 'source', range), await textColumn(file, 'ref', range)];
        for (let i = 0; i < refs.length; i++) each(`${sources[i]}/${refs[i]}`, persons[i]);
      }
      rowStart = range.rowEnd;
    }
  }
}

async function textColumn(file: ArrayBuffer, name: string, range: { metadata: FileMetaData; rowStart: number; rowEnd: number }): Promise<string[]> {
  const out: string[] = [];
  await parquetRead({ file, columns: [name], ...range, onChunk: ({ columnData, rowStart }) => { for (let i = 0; i < columnData.length; i++) out[rowStart - range.rowStart + i] = String(columnData[i]); } });
  return out.slice(0, range.rowEnd - range.rowStart);
}
