/**
 * Object storage, as the service needs it: whole small objects with conditional writes (the catalog), streamed
 * large objects that appear only when complete (extracts), listing and deletion. Keys are '/'-separated paths.
 */
export interface StoredObject {
  body: Uint8Array;
  etag: string;
}

export interface PutOptions {
  /** Write only if the object's current etag is this one. */
  ifMatch?: string;
  /** '*': write only if the object does not exist. */
  ifNoneMatch?: '*';
}

/** A streamed write: nothing is visible under the key until close() succeeds; abort() leaves no trace. */
export interface ObjectWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export interface Storage {
  /** Human-readable location of the store, for messages. */
  readonly description: string;
  get(key: string): Promise<StoredObject | null>;
  /** The object's etag without its body (for version checks on every request); null if there is none. */
  etag(key: string): Promise<string | null>;
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<{ etag: string }>;
  openWriter(key: string): ObjectWriter;
  read(key: string): AsyncIterable<Uint8Array>;
  exists(key: string): Promise<boolean>;
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  /** Where a SQL engine reads the object: a local path or an s3:// URL. */
  locate(key: string): string;
  /**
   * Removes what killed writers left and listing does not show (a filesystem's temporary files and locks) untouched
   * since `before`; returns their keys. S3 has none: the buckets' lifecycle rules abort unfinished uploads.
   */
  sweep?(before: Date, dryRun?: boolean): Promise<string[]>;
}

/** A conditional write lost: someone else changed the object first. */
export class PreconditionFailed extends Error {
  constructor(key: string) {
    super(`conditional write to ${key} failed: the object changed`);
    this.name = 'PreconditionFailed';
  }
}

/** Why the disk refused: out of space (ENOSPC, EDQUOT) or failing (EIO, EROFS); null for any other error. */
export function diskFault(error: unknown): 'full' | 'failing' | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  return code === 'EIO' || code === 'EROFS' ? 'failing' : null;
}

/** The store could not take a write; said plainly, without the paths a system error names. */
export class StoreFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFailed';
  }
}

export async function getJson<T>(storage: Storage, key: string): Promise<{ value: T; etag: string } | null> {
  const object = await storage.get(key);
  if (!object) return null;
  return { value: JSON.parse(new TextDecoder().decode(object.body)) as T, etag: object.etag };
}

/**
 * Changes a small JSON object with a conditional write, retried when another change landed first, so none is lost.
 * `edit` is given a fresh copy each attempt (or `empty` when there is none yet) and returns the value to write.
 */
export async function updateJson<T>(storage: Storage, key: string, empty: () => T, edit: (value: T) => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const current = await getJson<T>(storage, key);
    const next = edit(current ? current.value : empty());
    try {
      await storage.put(key, JSON.stringify(next, null, 1), current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
      return next;
    } catch (error) {
      if (!(error instanceof PreconditionFailed) || attempt >= 20) throw error;
    }
  }
}
