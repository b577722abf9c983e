import { parquetRead } from 'hyparquet';
import { PERSON_LINKS_POINTER, type PersonLinksPointer } from '../../schemas/glue.ts';
import type { ExtractStore } from './ports.ts';

/**
 * Record id → person, from the current run's parts of the person links (empty before any linking run). A record in
 * two parts takes the smaller person id, as the views' join does.
 */
export async function readPersonLinks(storage: ExtractStore['storage']): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const pointer = await storage.get(PERSON_LINKS_POINTER);
  if (!pointer) return map;
  for (const part of (JSON.parse(new TextDecoder().decode(pointer.body)) as PersonLinksPointer).parts) {
    const object = await storage.get(part);
    if (!object) throw new Error(`person links part missing: ${part}`);
    const file = object.body.buffer.slice(object.body.byteOffset, object.body.byteOffset + object.body.byteLength) as ArrayBuffer;
    const [records, persons] = [await textColumn(file, 'record_id'), await textColumn(file, 'person_id')];
    for (let i = 0; i < records.length; i++) {
      const known = map.get(records[i]);
      if (known === undefined || persons[i] < known) map.set(records[i], persons[i]);
    }
  }
  return map;
}

async function textColumn(file: ArrayBuffer, name: string): Promise<string[]> {
  const out: string[] = [];
  await parquetRead({ file, columns: [name], onChunk: ({ columnData, rowStart }) => { for (let i = 0; i < columnData.length; i++) out[rowStart + i] = String(columnData[i]); } });
  return out;
}
