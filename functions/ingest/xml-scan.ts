import { zipRejected } from './zip.ts';

/**
 * A small streaming scanner for the XML of an XLSX workbook's parts: tags with their attributes, and the text
 * the handler asks for, each bounded. It expands only XML's own five entities and character references (never a
 * DTD's), keeps at most `textMax` characters of one text and at most 64 KiB of one tag, so no part can make it
 * hold more than that.
 */
export interface XmlHandler {
  open(name: string, attrs: Record<string, string>, selfClosing: boolean): void;
  close(name: string): void;
  /** The text since the last tag, when `collect` was on; `overflow` when it was longer than the scanner keeps. */
  text(text: string, overflow: boolean): void;
}

const TAG_MAX = 64 << 10;
const ATTR = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXml(raw: string): string {
  if (raw.indexOf('&') < 0) return raw;
  return raw.replace(ENTITY, (_, e: string) => {
    if (e[0] !== '#') return NAMED[e];
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

export class XmlScanner {
  collect = false;
  private inTag = false;
  private quote = 0;
  private tag = '';
  private raw = '';
  private rawOverflow = false;
  private depth = 0;

  constructor(private readonly handler: XmlHandler, private readonly textMax: number) {}

  push(chunk: string) {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (!this.inTag) {
        const lt = chunk.indexOf('<', i);
        const end = lt < 0 ? n : lt;
        if (this.collect && !this.rawOverflow && end > i) {
          // Raw text can be up to ten times its decoded length (&#x10FFFF;), so keep that much before deciding.
          if (this.raw.length + (end - i) > this.textMax * 10) { this.rawOverflow = true; this.raw = ''; } else this.raw += chunk.slice(i, end);
        }
        if (lt < 0) return;
        this.flushText();
        this.inTag = true;
        this.tag = '';
        i = lt + 1;
        continue;
      }
      let j = i;
      for (; j < n; j++) {
        const c = chunk.charCodeAt(j);
        if (this.quote) { if (c === this.quote) this.quote = 0; } else if (c === 34 || c === 39) this.quote = c; else if (c === 62 && this.tagEnds(chunk, i, j)) break;
      }
      if (this.tag.length + (j - i) > TAG_MAX) throw zipRejected('the XLSX workbook holds an XML tag longer than 64 KiB: save it again from Excel, or send CSV');
      this.tag += chunk.slice(i, j);
      if (j === n) return;
      this.inTag = false;
      this.endTag();
      i = j + 1;
    }
  }

  end() {
    if (this.inTag || this.depth !== 0) throw zipRejected('the XLSX workbook holds an XML part that ends early: save it again from Excel, or send CSV');
    this.flushText();
  }

  /** A comment ends only at -->, so a > inside one does not end it. */
  private tagEnds(chunk: string, from: number, at: number): boolean {
    const sofar = this.tag + chunk.slice(from, at);
    if (!sofar.startsWith('!--')) return true;
    return sofar.length >= 5 && sofar.endsWith('--');
  }

  private flushText() {
    if (this.collect && (this.raw || this.rawOverflow)) {
      const text = this.rawOverflow ? '' : decodeXml(this.raw);
      const overflow = this.rawOverflow || text.length > this.textMax;
      this.handler.text(overflow ? '' : text, overflow);
    }
    this.raw = '';
    this.rawOverflow = false;
  }

  private endTag() {
    const tag = this.tag;
    this.quote = 0;
    if (tag[0] === '?' || tag[0] === '!') return;
    if (tag[0] === '/') { this.depth--; this.handler.close(localName(tag.slice(1).trim())); return; }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const space = body.search(/\s/);
    const name = localName(space < 0 ? body : body.slice(0, space));
    const attrs: Record<string, string> = {};
    if (space >= 0) {
      ATTR.lastIndex = 0;
      for (let m = ATTR.exec(body); m; m = ATTR.exec(body)) attrs[m[1]] = decodeXml(m[2] ?? m[3]);
    }
    this.handler.open(name, attrs, selfClosing);
    if (selfClosing) this.handler.close(name);
    else this.depth++;
  }
}
