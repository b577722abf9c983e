import { getDataset } from '../../../schemas/datasets/index.ts';
import { getJson, PreconditionFailed, type Storage } from '../storage/port.ts';
import { countsWhole, type CountedExtract } from '../../../analytics/counting.ts';

/** One accepted extract: immutable once written. */
export interface ExtractEntry extends CountedExtract {
  /** sha256 of the file's bytes, with the dataset, partner and stated period: the same upload is recognised. */
  content_key: string;
  rows: number;
  accepted_at: string;
}

/** The catalog as of one sequence number: entries 1…seq, in order. */
export interface CatalogDocument {
  seq: number;
  extracts: ExtractEntry[];
}

export interface Added {
  entry: ExtractEntry;
  before: ExtractEntry[];
  after: ExtractEntry[];
  added: boolean;
  /** The earlier upload of the same content that no longer counted whole, now the latest again. */
  restores?: string;
}

/** Every commit creates one object under this prefix: a write there is a new data version (the refresh runs on it in AWS). */
export const CATALOG_ENTRIES = 'catalog/entries/';
/** The latest seq known to have landed: where readers start looking (entries beyond it are found by probing). */
const HEAD_KEY = 'catalog/head.json';
/** The catalog before entries: one document, rewritten on every commit. Still read for the seqs it holds. */
export const LEGACY_KEY = 'catalog/extracts.json';
/** Entries per compacted segment, written once by the commit that fills it, so a cold reader fetches few objects. */
export const SEGMENT = 100;
const PARALLEL = 16;

const pad = (seq: number) => String(seq).padStart(10, '0');
const entryKey = (seq: number) => `${CATALOG_ENTRIES}${pad(seq)}.json`;
const segmentKey = (end: number) => `catalog/segments/${pad(end)}.json`;

interface Head { format: 2; seq: number; /** seqs 1…base are in the legacy document */ base: number }
interface LegacyDocument { format: 1; seq: number; extracts: ExtractEntry[] }

/**
 * The catalog of accepted extracts, one immutable object per commit. A commit claims the next seq by creating
 * `catalog/entries/<seq>.json` only if it does not exist (If-None-Match: *): the loser of a race re-reads and takes
 * the next. The entry is the commit point: it is written only after the extract's Parquet and vault are complete,
 * and once it lands every reader sees it. The head then records the new seq; a reader starts at the head and probes
 * for entries beyond it, so a commit that stopped before moving the head is neither lost nor half-shown, and the
 * next commit moves the head past it. Entries never change, so a reader caches them and fetches only new ones; every
 * SEGMENT-th commit also writes the last SEGMENT entries as one segment for cold readers. A commit writes at most
 * three objects, each of a size that does not depend on the catalog's.
 */
export class Catalog {
  private readonly known: ExtractEntry[] = [];
  /** Indexes of `known`: the latest entry per content key and per upload, and each partner's entries per dataset. */
  private readonly byContent = new Map<string, ExtractEntry>();
  private readonly byUpload = new Map<string, ExtractEntry>();
  private readonly byStream = new Map<string, ExtractEntry[]>();
  private base: number | null = null;
  private legacy: Promise<LegacyDocument | null> | null = null;
  private readonly entryEtags = new Map<number, string>();
  private syncing: Promise<unknown> = Promise.resolve();

  constructor(private readonly storage: Storage) {}

  async read(): Promise<CatalogDocument> {
    await this.sync();
    return { seq: this.known.length, extracts: this.known.slice() };
  }

  /** A version that changes whenever the catalog does (the etag of its latest entry): products cache on it. */
  async version(): Promise<string> {
    const { head } = await this.headState();
    const seq = await this.probe(head?.value.seq ?? (await this.baseSeq()));
    if (seq === 0) return 'empty';
    if (seq === this.base) return `legacy:${await this.storage.etag(LEGACY_KEY)}`;
    let etag = this.entryEtags.get(seq);
    if (!etag) {
      etag = (await this.storage.etag(entryKey(seq)))!;
      this.entryEtags.set(seq, etag);
    }
    return `${seq}:${etag}`;
  }

  /**
   * Adds an extract unless the latest one with the same content key still counts whole (what already counts), in
   * which case that one is returned and nothing changes. An earlier upload of the content that something later has
   * superseded is added again, as the newest entry: it counts again from now.
   */
  async add(entry: Omit<ExtractEntry, 'seq'>): Promise<Added> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const head = await this.sync();
      // Decided on the cached entries with no wait between the decision and the claim of the next seq.
      const before = this.known.slice();
      // A write that landed though its answer was lost (and the retry was refused) is this commit, not a rival's.
      const mine = this.byUpload.get(entry.upload_id);
      if (mine) return { entry: mine, before: before.slice(0, mine.seq - 1), after: before.slice(0, mine.seq), added: true };
      const earlier = this.counting(entry.content_key);
      if (earlier?.counting) return { entry: earlier.entry, before, after: before, added: false };
      const added: ExtractEntry = { ...entry, seq: before.length + 1 };
      try {
        await this.storage.put(entryKey(added.seq), JSON.stringify(added), { ifNoneMatch: '*' });
      } catch (error) {
        if (!(error instanceof PreconditionFailed)) throw error;
        continue;
      }
      this.remember(added);
      const after = [...before, added];
      // Committed: the head and the segment only save readers requests, so failing to write them fails nothing.
      await this.moveHead(head, added.seq).catch(() => {});
      if (added.seq % SEGMENT === 0) await this.writeSegment(after).catch(() => {});
      return { entry: added, before, after, added: true, ...(earlier ? { restores: earlier.entry.upload_id } : {}) };
    }
    throw new Error('the catalog kept changing under this ingest; try again');
  }

  /** The latest extract with this content key, and whether it still counts whole. */
  async findByContent(contentKey: string): Promise<{ entry: ExtractEntry; counting: boolean } | undefined> {
    await this.sync();
    return this.counting(contentKey);
  }

  private counting(contentKey: string): { entry: ExtractEntry; counting: boolean } | undefined {
    const entry = this.byContent.get(contentKey);
    return entry && { entry, counting: countsWhole(getDataset(entry.dataset), this.byStream.get(streamOf(entry))!, entry) };
  }

  /** Brings the cached entries up to the latest landed one (one read at a time per catalog object); returns the head. */
  private sync(): Promise<{ value: Head; etag: string } | null> {
    const run = this.syncing.then(async () => {
      const { head } = await this.headState();
      const upTo = head?.value.seq ?? (await this.baseSeq());
      await this.fill(upTo);
      for (let next = this.known.length + 1; ; next++) {
        const found = await getJson<ExtractEntry>(this.storage, entryKey(next));
        if (!found) break;
        this.remember(checked(found.value, next));
      }
      return head;
    });
    this.syncing = run.catch(() => {});
    return run;
  }

  /** Caches an entry; one already known (a commit of this process, or a concurrent read) is left as it is. */
  private remember(entry: ExtractEntry): void {
    if (entry.seq === this.known.length + 1) {
      this.known.push(entry);
      this.byContent.set(entry.content_key, entry);
      this.byUpload.set(entry.upload_id, entry);
      const stream = this.byStream.get(streamOf(entry));
      if (stream) stream.push(entry);
      else this.byStream.set(streamOf(entry), [entry]);
    } else if (entry.seq > this.known.length) throw new Error(`the catalog's entry ${entry.seq} came before entry ${this.known.length + 1}`);
  }

  private async headState() {
    const head = await getJson<Head>(this.storage, HEAD_KEY);
    if (head) this.base = head.value.base;
    return { head };
  }

  /** The seqs the legacy document holds (0 when there is none). */
  private async baseSeq(): Promise<number> {
    if (this.base === null) this.base = (await this.legacyDocument())?.seq ?? 0;
    return this.base;
  }

  private legacyDocument(): Promise<LegacyDocument | null> {
    this.legacy ??= getJson<LegacyDocument>(this.storage, LEGACY_KEY).then((doc) => doc?.value ?? null);
    return this.legacy;
  }

  /** The latest seq landed: `from` or an entry beyond it. */
  private async probe(from: number): Promise<number> {
    let seq = from;
    while (this.known.length > seq || (await this.storage.exists(entryKey(seq + 1)))) seq++;
    return seq;
  }

  /** Fetches entries known.length+1 … upTo: from the legacy document, whole segments (several at once), then single entries. */
  private async fill(upTo: number): Promise<void> {
    const base = await this.baseSeq();
    if (this.known.length < Math.min(base, upTo)) {
      const legacy = (await this.legacyDocument())!;
      for (let seq = this.known.length + 1; seq <= Math.min(base, upTo); seq++) this.remember(checked(legacy.extracts[seq - 1], seq));
    }
    while (this.known.length < upTo) {
      const next = this.known.length + 1;
      const ends: number[] = [];
      for (let end = Math.ceil(next / SEGMENT) * SEGMENT; end <= upTo && ends.length < PARALLEL; end += SEGMENT) ends.push(end);
      const segments = await Promise.all(ends.map((end) => getJson<ExtractEntry[]>(this.storage, segmentKey(end))));
      for (const [i, segment] of segments.entries()) {
        if (!segment) break;
        const first = Math.max(base, ends[i] - SEGMENT) + 1;
        for (let seq = this.known.length + 1; seq <= ends[i]; seq++) this.remember(checked(segment.value[seq - first], seq));
      }
      if (this.known.length >= next) continue;
      // No segment here (not full yet, or its commit stopped before writing it): the entries one by one.
      const last = Math.min(upTo, ends[0] ?? upTo);
      const seqs = Array.from({ length: last - next + 1 }, (_, i) => next + i);
      for (let i = 0; i < seqs.length; i += PARALLEL) {
        const found = await Promise.all(seqs.slice(i, i + PARALLEL).map((seq) => getJson<ExtractEntry>(this.storage, entryKey(seq))));
        found.forEach((object, j) => {
          if (!object) throw new Error(`the catalog has no entry ${seqs[i + j]} though its head is at ${upTo}`);
          this.remember(checked(object.value, seqs[i + j]));
        });
      }
    }
  }

  /** Records `seq` in the head unless a later one is there already. Readers do not depend on it: best effort. */
  private async moveHead(current: { value: Head; etag: string } | null, seq: number): Promise<void> {
    const base = await this.baseSeq();
    for (let attempt = 0; attempt < 5; attempt++) {
      if (current && current.value.seq >= seq) return;
      const head: Head = { format: 2, seq, base };
      try {
        await this.storage.put(HEAD_KEY, JSON.stringify(head), current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
        this.base = base;
        return;
      } catch (error) {
        if (!(error instanceof PreconditionFailed)) throw error;
        current = await getJson<Head>(this.storage, HEAD_KEY);
      }
    }
  }

  private async writeSegment(extracts: ExtractEntry[]): Promise<void> {
    const end = extracts.length;
    const first = Math.max(await this.baseSeq(), end - SEGMENT) + 1;
    try {
      await this.storage.put(segmentKey(end), JSON.stringify(extracts.slice(first - 1, end)), { ifNoneMatch: '*' });
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
  }
}

const streamOf = (entry: ExtractEntry) => `${entry.dataset}|${entry.partner}`;

function checked(entry: ExtractEntry | undefined, seq: number): ExtractEntry {
  if (entry?.seq !== seq) throw new Error(`the catalog's entry ${seq} is not where it should be`);
  return entry;
}
