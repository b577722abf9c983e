import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../functions/cli/main.ts';
import { FileKeyStore } from '../../functions/platform/keys/file.ts';
import { CRIME_HEADER, crimeRows, csv, sql, tempDataDir, testPlatform } from '../helpers.ts';
import { filesUnder } from './faulty-storage.ts';

/**
 * A small disk, at the boundary the code meets it: every write through node:fs/promises takes from `free`; the
 * write that finds it short stores what fits (as a filling disk does) and the next one fails with ENOSPC.
 */
const disk = vi.hoisted(() => ({ free: Number.POSITIVE_INFINITY, used: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  const take = (n: number) => { const got = Math.min(n, disk.free); disk.free -= got; disk.used += got; return got; };
  const bytesOf = (data: unknown) => (typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as Uint8Array));
  const small = (handle: FileHandle) => new Proxy(handle, {
    get(target, prop) {
      if (prop === 'write') {
        return async (buffer: Uint8Array, offset = 0, length = buffer.length - offset) => {
          const got = take(length);
          if (got === 0 && length > 0) throw full();
          return target.write(buffer, offset, got);
        };
      }
      if (prop === 'writeFile') {
        return async (data: unknown) => {
          const bytes = bytesOf(data);
          const got = take(bytes.length);
          await target.write(bytes, 0, got);
          if (got < bytes.length) throw full();
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const open = async (...args: Parameters<typeof real.open>) => small(await real.open(...args));
  const writeFile = async (...args: Parameters<typeof real.writeFile>) => {
    const bytes = bytesOf(args[1]);
    if (take(bytes.length) < bytes.length) throw full();
    return real.writeFile(...args);
  };
  const appendFile = async (...args: Parameters<typeof real.appendFile>) => {
    const bytes = bytesOf(args[1]);
    if (take(bytes.length) < bytes.length) throw full();
    return real.appendFile(...args);
  };
  return { ...real, default: { ...real, open, writeFile, appendFile }, open, writeFile, appendFile };
});

const cleanups: (() => void)[] = [];
beforeEach(() => { disk.free = Number.POSITIVE_INFINITY; disk.used = 0; });
afterEach(() => { for (const c of cleanups.splice(0)) c(); vi.restoreAllMocks(); });

/** Runs `vrn` in this process on the small disk: its exit code and what it printed. */
async function vrn(free: number, ...args: string[]) {
  disk.free = free;
  disk.used = 0;
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => { out.push(line); });
  vi.spyOn(console, 'error').mockImplementation((line: string) => { err.push(line); });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(args), out: out.join('\n'), err: err.join('\n'), used: disk.used };
  } finally {
    vi.restoreAllMocks();
    disk.free = Number.POSITIVE_INFINITY;
  }
}

function dataDir() {
  const t = testPlatform();
  cleanups.push(t.cleanup);
  return t;
}

const ingest = (dir: string, file: string) => ['ingest', '--data-dir', dir, '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', file];

describe('a full disk', () => {
  it('under vrn ingest at any byte: a plain message, exit 1, nothing left behind; with space again the extract is stored', async () => {
    const t = dataDir();
    const store = join(t.dir, 'store');
    mkdirSync(store);
    const file = join(t.dir, 'extract.csv');
    writeFileSync(file, csv(CRIME_HEADER, ...crimeRows('DISK', 30)));
    const measured = dataDir();
    const whole = await vrn(Number.POSITIVE_INFINITY, ...ingest(measured.dir, file));
    expect(whole.code).toBe(0);

    const before = filesUnder(store).files;
    // The report is written last, once the extract counts: with fewer bytes free than everything before it, nothing is stored.
    const reports = join(measured.dir, 'store', 'reports');
    const reportBytes = readdirSync(reports).reduce((n, f) => n + statSync(join(reports, f)).size, 0);
    expect(reportBytes).toBeGreaterThan(0);
    for (let free = 0; free < whole.used - reportBytes; free += Math.ceil(whole.used / 12)) {
      const run = await vrn(free, ...ingest(t.dir, file));
      expect([run.code, run.err], `${free} of ${whole.used} bytes free`).toEqual([1, 'vrn: the store ran out of space while writing the extract; nothing was stored']);
      expect(filesUnder(store)).toEqual({ files: before, stray: [] });
    }
    const last = await vrn(whole.used - 1, ...ingest(t.dir, file));
    expect(last.err).toMatch(/^vrn: the extract was accepted \(upload up-\d{14}-[0-9a-f]{8}\), but the store ran out of space before its report was written$/);
    expect(filesUnder(store).stray).toEqual([]);
    expect((await vrn(Number.POSITIVE_INFINITY, ...ingest(t.dir, file))).code).toBe(0);
    expect(await sql(t.platform, 'SELECT count(*)::INT AS n FROM police_crime')).toEqual([{ n: 30 }]);
  });

  it('part way through a large extract, the reader thousands of rows ahead of the ingest', async () => {
    const t = dataDir();
    const file = join(t.dir, 'extract.csv');
    writeFileSync(file, csv(CRIME_HEADER, ...crimeRows('BIG', 50_500)));
    mkdirSync(join(t.dir, 'store'));
    const run = await vrn(1_000, ...ingest(t.dir, file));
    expect([run.code, run.err]).toEqual([1, 'vrn: the store ran out of space while writing the extract; nothing was stored']);
    expect(filesUnder(join(t.dir, 'store'))).toEqual({ files: [], stray: [] });
  });

  it('under vrn token leaves no signing key; an empty key from an earlier run gets a clear error', async () => {
    const { dir, cleanup } = tempDataDir();
    cleanups.push(cleanup);
    for (const free of [0, 20]) {
      const run = await vrn(free, 'token', '--user', 'vrn-analyst', '--data-dir', dir);
      expect([run.code, run.err]).toEqual([1, 'vrn: the data dir ran out of space; nothing half-written was kept. Free some space and run the command again']);
      expect(readdirSync(join(dir, 'keys'))).toEqual([]);
    }
    const token = await vrn(Number.POSITIVE_INFINITY, 'token', '--user', 'vrn-analyst', '--data-dir', dir);
    expect([token.code, token.out.split('.')]).toEqual([0, [expect.any(String), expect.any(String), expect.any(String)]]);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['token-signing-key']);

    writeFileSync(join(dir, 'keys', 'token-signing-key'), '', { mode: 0o600 });
    const broken = await vrn(Number.POSITIVE_INFINITY, 'token', '--user', 'vrn-analyst', '--data-dir', dir);
    expect([broken.code, broken.err]).toEqual([1, expect.stringMatching(/^vrn: the token signing key \S+token-signing-key is empty \(.*interrupted\): delete it and run again/)]);
  });

  it('creating the pseudonymisation key leaves none, and one that was cut short is refused with what to do, never replaced', async () => {
    const { dir, cleanup } = tempDataDir();
    cleanups.push(cleanup);
    const path = join(dir, 'keys', 'pseudonymisation-key.json');
    disk.free = 40;
    await expect(new FileKeyStore(path).pseudonymisationKey()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(readdirSync(join(dir, 'keys'))).toEqual([]);
    disk.free = Number.POSITIVE_INFINITY;

    mkdirSync(join(dir, 'cut'), { mode: 0o700 });
    const cut = join(dir, 'cut', 'pseudonymisation-key.json');
    writeFileSync(cut, '{"current":"v1","keys":{"v1":"q2', { mode: 0o600 });
    const error = await new FileKeyStore(cut).pseudonymisationKey().then(() => null, (e: Error) => e);
    expect(error?.message).toMatch(/^the pseudonymisation key file \S+ is damaged .*: if nothing was ever ingested .* delete the file .*; otherwise restore it from a backup/);
    expect(error?.message).not.toContain('q2');
    expect(readFileSync(cut, 'utf8')).toBe('{"current":"v1","keys":{"v1":"q2');
  });
});

describe('two processes creating a key at once', () => {
  it('end with one key, which both use', async () => {
    const { dir, cleanup } = tempDataDir();
    cleanups.push(cleanup);
    const path = join(dir, 'keys', 'pseudonymisation-key.json');
    const stores = Array.from({ length: 4 }, () => new FileKeyStore(path));
    const keys = await Promise.all(stores.map((s) => s.pseudonymisationKey()));
    expect(new Set(keys.map((k) => Buffer.from(k.key).toString('hex'))).size).toBe(1);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['pseudonymisation-key.json']);
  });
});
