import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

/** One part of a zip written by the tests: its bytes, or a text repeated many times (streamed, never held). */
export interface Part { name: string; data?: string | Buffer; repeat?: { before?: string; text: string; times: number; after?: string }; declaredSize?: number }

const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };

async function deflated(part: Part): Promise<{ body: Buffer; crc: number; size: number }> {
  if (!part.repeat) {
    const raw = Buffer.from(part.data ?? '');
    return { body: deflateRawSync(raw), crc: crc32(raw), size: raw.length };
  }
  const { before = '', text, times, after = '' } = part.repeat;
  const out: Buffer[] = [];
  const deflate = createDeflateRaw({ level: 9 });
  deflate.on('data', (b: Buffer) => out.push(b));
  let crc = 0, size = 0;
  const write = async (chunk: Buffer) => {
    crc = crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await new Promise((r) => deflate.once('drain', r));
  };
  await write(Buffer.from(before));
  const chunk = Buffer.from(text);
  for (let i = 0; i < times; i++) await write(chunk);
  await write(Buffer.from(after));
  const ended = new Promise((r) => deflate.once('end', r));
  deflate.end();
  await ended;
  return { body: Buffer.concat(out), crc, size };
}

/** A zip of the parts in the order given (deflated, sizes in the local headers), as Excel writes one. */
export async function zip(parts: Part[]): Promise<Uint8Array> {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const { body, crc, size } = await deflated(part);
    const name = Buffer.from(part.name);
    const declared = part.declaredSize ?? size;
    const common = [u16(20), u16(0), u16(8), u16(0), u16(0), u32(crc), u32(body.length), u32(declared), u16(name.length), u16(0)];
    const local = Buffer.concat([u32(0x04034b50), ...common, name, body]);
    central.push(Buffer.concat([u32(0x02014b50), u16(20), ...common, u16(0), u16(0), u16(0), u32(0), u32(offset), name]));
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(parts.length), u16(parts.length), u32(directory.length), u32(offset), u16(0)]);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const column = (i: number) => { let s = ''; for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s; return s; };

/** A worksheet of inline strings (row r of the array is row r + 1). */
export const sheetXml = (rows: string[][]) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${
    rows.map((cells, r) => `<row r="${r + 1}">${cells.map((c, i) => `<c r="${column(i)}${r + 1}" t="inlineStr"><is><t>${xml(c)}</t></is></c>`).join('')}</row>`).join('')
  }</sheetData></worksheet>`;

/** workbook.xml and its rels for sheets named in the workbook's order, each at xl/worksheets/<file>. */
export function workbookParts(sheets: { name: string; file: string }[], extraRels = ''): Part[] {
  const book = `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${
    sheets.map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`;
  const rels = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${
    sheets.map((s, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/${s.file}"/>`).join('')}${extraRels}</Relationships>`;
  return [{ name: 'xl/workbook.xml', data: book }, { name: 'xl/_rels/workbook.xml.rels', data: rels }];
}

export const sharedStringsRel = '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>';
