import { getJson, PreconditionFailed, type Storage } from '../storage/port.ts';

/** One accepted extract: immutable once written. */
export interface ExtractEntry {
  upload_id: string;
  dataset: string;
  partner: string;
  /** The period the extract covers (event datasets); null for undated snapshots. */
  period_from: string | null;
  period_to: string | null;
  /** sha256 of the file's bytes, with the dataset, partner and stated period: the same upload is recognised. */
  content_key: string;
  file: string;
  rows: number;
  accepted_at: string;
  /** Order of acceptance: later extracts win. */
  seq: number;
}

export interface CatalogDocument {
  format: 1;
  seq: number;
  extracts: ExtractEntry[];
}

/** Where the catalog is stored: a write to it is a new data version (the refresh is triggered by it in AWS). */
export const CATALOG_KEY = 'catalog/extracts.json';
const EMPTY: CatalogDocument = { format: 1, seq: 0, extracts: [] };

/**
 * The catalog of accepted extracts. It is one object replaced by conditional writes: an extract becomes visible
 * only when its entry lands, so a crash before that leaves the previous state whole, and two ingests at once
 * cannot lose each other's entries (the loser re-reads and tries again).
 */
export class Catalog {
  constructor(private readonly storage: Storage) {}

  async read(): Promise<CatalogDocument> {
    return (await getJson<CatalogDocument>(this.storage, CATALOG_KEY))?.value ?? EMPTY;
  }

  /** A version that changes whenever the catalog does: products cache on it. */
  async version(): Promise<string> {
    return (await this.storage.etag(CATALOG_KEY)) ?? 'empty';
  }

  /**
   * Adds an extract unless one with the same content key is already there, in which case that one is returned
   * and nothing changes.
   */
  async add(entry: Omit<ExtractEntry, 'seq'>): Promise<{ entry: ExtractEntry; before: ExtractEntry[]; after: ExtractEntry[]; added: boolean }> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await getJson<CatalogDocument>(this.storage, CATALOG_KEY);
      const doc = current?.value ?? EMPTY;
      const existing = doc.extracts.find((e) => e.content_key === entry.content_key);
      if (existing) return { entry: existing, before: doc.extracts, after: doc.extracts, added: false };
      const added: ExtractEntry = { ...entry, seq: doc.seq + 1 };
      const next: CatalogDocument = { format: 1, seq: added.seq, extracts: [...doc.extracts, added] };
      try {
        await this.storage.put(CATALOG_KEY, JSON.stringify(next, null, 1), current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
        return { entry: added, before: doc.extracts, after: next.extracts, added: true };
      } catch (error) {
        if (!(error instanceof PreconditionFailed)) throw error;
      }
    }
    throw new Error('the catalog kept changing under this ingest; try again');
  }

  async findByContent(contentKey: string): Promise<ExtractEntry | undefined> {
    return (await this.read()).extracts.find((e) => e.content_key === contentKey);
  }
}
