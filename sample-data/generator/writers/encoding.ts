/**
 * Text to bytes: UTF-8, or Windows-1252 for partners whose systems still export it. The Windows-1252 encoder
 * maps U+0000–U+007F and U+00A0–U+00FF to the same byte and the typographic characters of 0x80–0x9F to theirs;
 * anything else cannot be written in that encoding and is an error (the generator never produces it).
 */

export type Encoding = 'utf-8' | 'windows-1252';

const CP1252_HIGH: Record<number, number> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02c6: 0x88,
  0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91, 0x2019: 0x92, 0x201c: 0x93,
  0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98, 0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b,
  0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

export function encodeWindows1252(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 || (c >= 0xa0 && c <= 0xff)) out[i] = c;
    else {
      const b = CP1252_HIGH[c];
      if (b === undefined) throw new Error(`character U+${c.toString(16).padStart(4, '0')} cannot be written in Windows-1252`);
      out[i] = b;
    }
  }
  return out;
}

export function encode(text: string, encoding: Encoding): Buffer {
  // Names are composed (NFC) so that "ë" is one Latin-1 character, never "e" and a combining mark.
  return encoding === 'utf-8' ? Buffer.from(text, 'utf8') : encodeWindows1252(text.normalize('NFC'));
}
