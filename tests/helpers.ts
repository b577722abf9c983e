import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestExtract, type IngestRequest } from '../functions/ingest/ingest.ts';
import { bytesSource } from '../functions/ingest/source.ts';
import { localPlatform } from '../functions/platform/local.ts';
import type { Platform } from '../functions/platform/platform.ts';

/** A fresh data dir; removed by the returned cleanup. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vrn-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The secret every test platform (local, and the fake Secrets Manager) starts with. Fixed, so that what fuzzy linkage
 * decides does not change from run to run: which bits a token sets depends on the key (tests/linkage/siblings.test.ts
 * scores under many keys).
 */
export const testSecret = JSON.stringify({ current: 'v1', keys: { v1: createHash('sha256').update('vrn test key').digest('base64') }, created_at: '2025-01-01T00:00:00.000Z' });

/** A local platform on a fresh data dir with a fixed clock, so "the future" is stable, and a fixed key. */
export function testPlatform(now = new Date('2025-11-01T12:00:00Z'), overrides: Partial<Platform> = {}) {
  const { dir, cleanup } = tempDataDir();
  mkdirSync(join(dir, 'keys'), { mode: 0o700 });
  writeFileSync(join(dir, 'keys', 'pseudonymisation-key.json'), testSecret, { mode: 0o600 });
  return { platform: localPlatform(dir, { now: () => now, ...overrides }), dir, cleanup };
}

export const csv = (...lines: string[]) => lines.join('\n') + '\n';

export function ingestText(platform: Platform, dataset: string, partner: string, text: string | Uint8Array, extra: Partial<IngestRequest> = {}) {
  return ingestExtract(platform, { dataset, partner, source: bytesSource(text), ...extra });
}

export async function sql(platform: Platform, query: string) {
  const engine = await platform.openSql();
  try {
    return (await engine.query(query)).rows;
  } finally {
    await engine.close();
  }
}

/** Every file under a directory, with its bytes. */
export function allFiles(dir: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push({ path, bytes: readFileSync(path) });
    }
  };
  walk(dir);
  return out;
}

export const POLICE = 'leicestershire-police';
export const CRIME_HEADER = 'crime_ref,recorded_date,offence_date,offence_time,offence_group,ho_offence_code,knife_flag,domestic_flag,location_type,postcode,lsoa_code,victim_age,victim_date_of_birth,victim_sex';

/** A valid police_crime row; override cells by column name. */
export function crimeRow(ref: string, cells: Record<string, string> = {}): string {
  const base: Record<string, string> = {
    crime_ref: ref, recorded_date: '2024-06-10', offence_date: '2024-06-09', offence_time: '22:15',
    offence_group: 'assault_with_injury', ho_offence_code: '', knife_flag: 'N', domestic_flag: 'N',
    location_type: 'public_place', postcode: 'LE1 5AB', lsoa_code: '', victim_age: '', victim_date_of_birth: '2001-03-04', victim_sex: 'female',
  };
  const row = { ...base, ...cells };
  return CRIME_HEADER.split(',').map((c) => row[c]).join(',');
}

/** n valid crime rows with refs prefix-1..n on consecutive recorded dates from a start day. */
export function crimeRows(prefix: string, n: number, start = '2024-04-01'): string[] {
  const first = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => {
    const day = new Date(first + i * 86_400_000).toISOString().slice(0, 10);
    return crimeRow(`${prefix}-${i + 1}`, { recorded_date: day, offence_date: day });
  });
}

/** A token with some payload claims changed and the old signature kept: what a forger would send. */
export function tamper(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const body = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...claims };
  return [header, Buffer.from(JSON.stringify(body)).toString('base64url'), signature].join('.');
}
