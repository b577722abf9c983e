import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { normaliseName, Pseudonymiser } from '../../functions/ingest/pseudonymise.ts';
import { FileKeyStore } from '../../functions/platform/keys/file.ts';
import { tempDataDir } from '../helpers.ts';

let cleanup = () => {};
afterEach(() => cleanup());
const pseudonymiser = async (partner = 'leicestershire-police', dir?: string) => {
  const d = dir ?? (() => { const t = tempDataDir(); cleanup = t.cleanup; return t.dir; })();
  return { p: await Pseudonymiser.create(new FileKeyStore(join(d, 'key.json')), partner), dir: d };
};

describe('pseudonymisation', () => {
  it.each([
    ['Zoë', 'ZOE'], ['  zoe  ', 'ZOE'], ["O'Brien", 'OBRIEN'], ['OBrien', 'OBRIEN'], ['Smith-Jones', 'SMITH JONES'],
    ['smith   jones', 'SMITH JONES'], ['Renée', 'RENEE'], ['Chloé-Ann', 'CHLOE ANN'], ['Siân', 'SIAN'], ['Łukasz', 'ŁUKASZ'],
  ])('normalises %s to %s', (name, normal) => {
    expect(normaliseName(name)).toBe(normal);
  });

  it('gives one name+DOB key to spelling variants of one person, another to a different person', async () => {
    const { p } = await pseudonymiser();
    const variants = [['Zoë', "O'Brien-Smith"], ['ZOE', 'OBRIEN SMITH'], ['zoe', "o'brien smith"], [' Zoe ', 'OBrien-Smith']];
    const keys = new Set(variants.map(([f, s]) => p.nameDobKey(f, s, '2010-02-03')));
    expect(keys.size).toBe(1);
    expect(p.nameDobKey('Zoe', 'OBrien-Smith', '2010-02-04')).not.toBe([...keys][0]);
    expect(p.nameDobKey('Zoe', null, '2010-02-03')).toBeNull();
  });

  it('separates identifier domains, carries the key version, and depends on the secret key', async () => {
    const { p } = await pseudonymiser();
    const same = '1234567890';
    const keys = [p.nhsKey(same), p.upnKey(same), p.localKey('leicestershire-police', same), p.localKey('leicester-city-council', same), p.recordKey('police_crime', 'leicestershire-police', same)];
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((k) => /^v1:[A-Za-z0-9_-]{43}$/.test(k))).toBe(true);
    const other = tempDataDir();
    try {
      const q = await Pseudonymiser.create(new FileKeyStore(join(other.dir, 'key.json')), 'leicestershire-police');
      expect(q.nhsKey(same)).not.toBe(p.nhsKey(same));
    } finally {
      other.cleanup();
    }
  });

  it('reuses the key file and refuses one that others can read', async () => {
    const { p, dir } = await pseudonymiser();
    const again = await pseudonymiser('leicestershire-police', dir);
    expect(again.p.nhsKey('9434765919')).toBe(p.nhsKey('9434765919'));
    chmodSync(join(dir, 'key.json'), 0o644);
    await expect(Pseudonymiser.create(new FileKeyStore(join(dir, 'key.json')), 'uhl')).rejects.toThrow('chmod 600');
  });
});
