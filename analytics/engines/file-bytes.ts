/**
 * A stored object's bytes as the ArrayBuffer hyparquet reads: the object's own buffer where it holds just them (a
 * file read whole has one), else a copy. Copying a large extract (police_person's is 473 MB at scale 10) doubled
 * what reading it held.
 */
export function fileBytes(body: Uint8Array): ArrayBuffer {
  const buffer = body.buffer as ArrayBuffer;
  if (body.byteOffset === 0 && body.byteLength === buffer.byteLength) return buffer;
  return buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
}
