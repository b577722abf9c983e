import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileAuditSink } from '../../functions/platform/audit/file.ts';
import type { AuditEntry } from '../../functions/platform/audit/port.ts';
import { FileKeyStore } from '../../functions/platform/keys/file.ts';
import { localAuditFile } from '../../functions/platform/local.ts';
import { tempDataDir } from '../helpers.ts';
import { faultyTrailFiles } from './faulty-trail-files.ts';

const entry = (i: number): AuditEntry => ({
  time: `2025-11-01T12:00:${String(i).padStart(2, '0')}.000Z`, user: i % 2 ? 'vrn-analyst' : 'city-panel', role: i % 2 ? 'analyst' : 'panel_coordinator',
  method: 'GET', route: '/v1/measures', scope: { period: '2024-25' }, outcome: 'allowed', status: 200, touched: { product: 'measures' },
});

const dirs: (() => void)[] = [];
afterEach(() => { for (const cleanup of dirs.splice(0)) cleanup(); });

/** A trail in a fresh data dir, written through a disk that can fill up. */
function trail() {
  const t = tempDataDir();
  dirs.push(t.cleanup);
  const path = localAuditFile(t.dir);
  const disk = faultyTrailFiles();
  const keys = new FileKeyStore(join(t.dir, 'keys', 'pseudonymisation-key.json'));
  const sink = new FileAuditSink(path, keys, disk.files);
  const file = (p: string) => (existsSync(p) ? readFileSync(p) : null);
  return {
    sink, disk, path,
    snapshot: () => ({ trail: file(path), head: file(`${path}.head`) }),
    seqs: () => (file(path)?.toString('utf8') ?? '').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { seq: number }).seq),
  };
}

/** A trail written before the chain was keyed: SHA-256 lines and a head of seq and hash only. */
function unkeyedTrail(path: string, entries: AuditEntry[]) {
  let prev = '0'.repeat(64);
  const lines = entries.map((e, i) => {
    const hash = createHash('sha256').update(`${prev}\n${i + 1}\n${JSON.stringify(e)}`).digest('hex');
    const line = JSON.stringify({ seq: i + 1, prev, hash, entry: e });
    prev = hash;
    return line;
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.join('\n') + '\n');
  writeFileSync(`${path}.head`, JSON.stringify({ seq: entries.length, hash: prev }));
}

const scenarios: { name: string; before: (t: ReturnType<typeof trail>) => Promise<void>; entries: number[] }[] = [
  { name: 'one entry onto a trail of three', before: (t) => Promise.all([1, 2, 3].map((i) => t.sink.append(entry(i)))).then(() => {}), entries: [4] },
  { name: 'a batch of three onto a trail of three', before: (t) => Promise.all([1, 2, 3].map((i) => t.sink.append(entry(i)))).then(() => {}), entries: [4, 5, 6] },
  { name: 'the first entry of a new trail', before: async () => {}, entries: [1] },
  { name: 'the first entry onto a trail from before keying', before: async (t) => unkeyedTrail(t.path, [1, 2, 3].map(entry)), entries: [4] },
];

/** How many writes an append makes when nothing fails. */
async function writesOf(scenario: (typeof scenarios)[number]) {
  const t = trail();
  await scenario.before(t);
  t.disk.heal();
  await Promise.all(scenario.entries.map((i) => t.sink.append(entry(i))));
  return t.disk.writes;
}

describe('appending to the audit trail on a disk that fails', () => {
  for (const scenario of scenarios) {
    for (const mode of ['failOnly', 'fullFrom'] as const) {
      it(`${scenario.name}: failing ${mode === 'failOnly' ? 'only the Nth write' : 'every write from the Nth (a full disk)'}, for every N`, async () => {
        const total = await writesOf(scenario);
        expect(total).toBeGreaterThanOrEqual(3);
        for (let n = 1; n <= total; n++) {
          const t = trail();
          await scenario.before(t);
          const before = { ...t.snapshot(), entries: await t.sink.read(), verify: await t.sink.verify() };
          t.disk[mode](n);
          const results = await Promise.allSettled(scenario.entries.map((i) => t.sink.append(entry(i))));
          expect(results.map((r) => r.status), `write ${n}`).toEqual(scenario.entries.map(() => 'rejected'));

          // Nothing half-written is visible, nothing committed is lost, and the trail still verifies as it did.
          expect(await t.sink.read(), `write ${n}`).toEqual(before.entries);
          const after = t.snapshot();
          const verify = await t.sink.verify();
          if (before.verify.problems.length === 0) expect(verify.problems, `write ${n}`).toEqual([]);
          expect(verify.entries).toBe(before.verify.entries);
          if (before.head && !scenario.name.includes('before keying')) expect(after.head, `write ${n}`).toEqual(before.head);
          if (mode === 'failOnly') expect(after.trail ?? Buffer.alloc(0), `write ${n}`).toEqual(before.trail ?? Buffer.alloc(0));
          else {
            // The cut-back failed too: the bytes past the head are left, unread, for the next append to cut.
            const left = after.trail ?? Buffer.alloc(0);
            expect(left.subarray(0, before.trail?.length ?? 0)).toEqual(before.trail ?? Buffer.alloc(0));
            expect(verify.uncommitted).toBe(left.length - (before.trail?.length ?? 0));
          }

          // Once the disk is well again the chain continues where it was.
          t.disk.heal();
          await t.sink.append(entry(9));
          expect(await t.sink.read(), `write ${n}`).toEqual([...before.entries, entry(9)]);
          expect(t.seqs()).toEqual(before.entries.map((_, i) => i + 1).concat(before.entries.length + 1));
          expect(await t.sink.verify(), `write ${n}`).toMatchObject({ entries: before.entries.length + 1, uncommitted: 0, problems: [] });
        }
      });
    }
  }

  it('the red team\'s full disk: six requests fail, the disk is freed, and the trail has no duplicate and verifies', async () => {
    const t = trail();
    await Promise.all([1, 2, 3].map((i) => t.sink.append(entry(i))));
    t.disk.fullFrom(2); // the lock file still fits; the lines land only in part
    for (let i = 0; i < 6; i++) await expect(t.sink.append(entry(10 + i))).rejects.toThrow('ENOSPC');
    expect(await t.sink.read()).toEqual([1, 2, 3].map(entry));
    t.disk.heal();
    for (let i = 0; i < 6; i++) await t.sink.append(entry(20 + i));
    expect(t.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await t.sink.read()).map((e) => e.time)).toEqual([1, 2, 3, 20, 21, 22, 23, 24, 25].map((i) => entry(i).time));
    expect(await t.sink.verify()).toEqual({ entries: 9, unkeyed: 0, uncommitted: 0, problems: [] });
  });
});
