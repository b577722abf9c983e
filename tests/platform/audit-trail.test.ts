import { execFile } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrailBroken, FileAuditSink } from '../../functions/platform/audit/file.ts';
import type { AuditEntry } from '../../functions/platform/audit/port.ts';
import { FileKeyStore } from '../../functions/platform/keys/file.ts';
import { localAuditFile } from '../../functions/platform/local.ts';
import { tempDataDir } from '../helpers.ts';

const auditEntry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  time: `2025-11-01T12:00:${String(i).padStart(2, '0')}.000Z`, user: i % 2 ? 'vrn-analyst' : 'city-panel', role: i % 2 ? 'analyst' : 'panel_coordinator',
  method: i % 2 ? 'GET' : 'POST', route: i % 2 ? '/v1/measures' : '/v1/panels/:panel/cohort/:person/reidentify', scope: {},
  outcome: i === 3 ? 'denied' : 'allowed', status: i === 3 ? 403 : 200, touched: { product: 'measures' }, ...over,
});
const entry = auditEntry;

let t: ReturnType<typeof tempDataDir>;
let path: string;
let keyPath: string;
const sink = () => new FileAuditSink(path, new FileKeyStore(keyPath));
const verify = async () => (await sink().verify()).problems;
beforeEach(async () => {
  t = tempDataDir();
  path = localAuditFile(t.dir);
  keyPath = join(t.dir, 'keys', 'pseudonymisation-key.json');
  const trail = sink();
  await Promise.all([1, 2, 3, 4, 5].map((i) => trail.append(entry(i))));
});
afterEach(() => t.cleanup());

interface Line { seq: number; prev: string; key?: string; hash: string; entry: AuditEntry }
const lines = () => readFileSync(path, 'utf8').trimEnd().split('\n');
const parsed = (): Line[] => lines().map((l) => JSON.parse(l));
const rewrite = (next: string[]) => writeFileSync(path, next.join('\n') + '\n');
const vrnAuditVerify = () => promisify(execFile)('node', ['functions/cli/vrn.js', 'audit', 'verify', '--data-dir', t.dir]).then(
  (r) => ({ code: 0, out: r.stdout }), (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr }));

/** What someone who can write the files but has no key can do: rechain the lines they keep under a hash of their own. */
function rechain(kept: Line[], hash: (text: string) => string, keyed: boolean) {
  let prev = '0'.repeat(64);
  const out = kept.map((line, i) => {
    const seq = i + 1;
    const next: Line = { seq, prev, ...(keyed ? { key: 'v1' } : {}), hash: hash(`${prev}\n${seq}\n${JSON.stringify(line.entry)}`), entry: line.entry };
    prev = next.hash;
    return JSON.stringify(next);
  });
  rewrite(out);
  const bytes = Buffer.byteLength(out.join('\n') + '\n');
  const head = { seq: out.length, hash: prev, bytes };
  writeFileSync(`${path}.head`, JSON.stringify(keyed ? { ...head, key: 'v1', mac: hash(`head\n${head.seq}\n${head.hash}\n${bytes}`) } : { seq: head.seq, hash: prev }));
}

describe('the local audit trail', () => {
  it('keeps entries in order, appended concurrently, and filters them', async () => {
    const trail = sink();
    expect((await trail.read()).map((e) => e.time)).toEqual([1, 2, 3, 4, 5].map((i) => entry(i).time));
    expect((await trail.read({ user: 'vrn-analyst' })).length).toBe(3);
    expect((await trail.read({ outcome: 'denied' })).map((e) => e.status)).toEqual([403]);
    expect((await trail.read({ from: entry(2).time, to: entry(4).time })).length).toBe(3);
    expect((await trail.read({ limit: 2 })).map((e) => e.time)).toEqual([entry(4).time, entry(5).time]);
    expect(await trail.verify()).toEqual({ entries: 5, unkeyed: 0, uncommitted: 0, problems: [] });
  });

  it('chains every line with an HMAC under the audit key, and signs the head', async () => {
    const { key } = await new FileKeyStore(keyPath).auditKey();
    const [first] = parsed();
    expect(first).toMatchObject({ seq: 1, prev: '0'.repeat(64), key: 'v1' });
    expect(first!.hash).toBe(createHmac('sha256', key).update(`${first!.prev}\n1\n${JSON.stringify(first!.entry)}`).digest('hex'));
    expect(first!.hash).not.toBe(createHash('sha256').update(`${first!.prev}\n1\n${JSON.stringify(first!.entry)}`).digest('hex'));
    const head = JSON.parse(readFileSync(`${path}.head`, 'utf8'));
    expect(head).toEqual({ seq: 5, hash: parsed()[4]!.hash, bytes: readFileSync(path).length, key: 'v1', mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('continues the chain across sink instances (a restarted server) and across a key rotation', async () => {
    await sink().append(entry(6));
    const doc = JSON.parse(readFileSync(keyPath, 'utf8'));
    writeFileSync(keyPath, JSON.stringify({ ...doc, current: 'v2', keys: { ...doc.keys, v2: randomBytes(32).toString('base64') } }));
    await sink().append(entry(7));
    expect(parsed().map((l) => l.key)).toEqual(['v1', 'v1', 'v1', 'v1', 'v1', 'v1', 'v2']);
    expect(await sink().verify()).toEqual({ entries: 7, unkeyed: 0, uncommitted: 0, problems: [] });
  });

  it('detects an edited line', async () => {
    const edited = lines();
    edited[1] = edited[1]!.replace('"status":200', '"status":201');
    rewrite(edited);
    expect(await verify()).toEqual(['line 2: its HMAC does not match its content (the line was edited, or its hash recomputed without the key)']);
  });

  it('detects a deleted line, a reordered pair and lines cut from the end', async () => {
    const all = lines();
    rewrite([all[0]!, all[2]!, all[3]!, all[4]!]);
    expect((await verify()).join('\n')).toMatch(/line 2: entry 3 follows entry 1/);
    rewrite([all[0]!, all[2]!, all[1]!, all[3]!, all[4]!]);
    expect((await verify()).join('\n')).toMatch(/line 2: .*reordered/);
    rewrite(all.slice(0, 4));
    expect(await verify()).toEqual(['the trail ends at entry 4 but the head records entry 5 (lines cut from the end)']);
  });

  describe('the red team: a coordinator\'s re-identifications deleted and every hash recomputed without the key', () => {
    const withoutReidentifications = () => parsed().filter((l) => l.entry.user !== 'city-panel');

    it('with plain SHA-256, the lines still claiming the key', async () => {
      rechain(withoutReidentifications(), (text) => createHash('sha256').update(text).digest('hex'), true);
      const problems = await verify();
      expect(problems).toContain('line 1: its HMAC does not match its content (the line was edited, or its hash recomputed without the key)');
      expect(problems).toContain('the head\'s HMAC does not match it (the head was rewritten without the key)');
    });

    it('with a key of their own', async () => {
      const theirs = randomBytes(32);
      rechain(withoutReidentifications(), (text) => createHmac('sha256', theirs).update(text).digest('hex'), true);
      expect(await verify()).toHaveLength(4);
    });

    it('made to look like a trail from before keying', async () => {
      rechain(withoutReidentifications(), (text) => createHash('sha256').update(text).digest('hex'), false);
      expect(await verify()).toEqual([expect.stringMatching(/^the trail predates keying: its 3 lines chain under plain SHA-256/)]);
    });

    it('and the sink will not continue a trail whose head it did not sign', async () => {
      rechain(withoutReidentifications(), (text) => createHash('sha256').update(text).digest('hex'), true);
      await expect(sink().append(entry(9))).rejects.toThrow(AuditTrailBroken);
      rewrite(lines().slice(0, 2));
      writeFileSync(`${path}.head`, '');
      await expect(sink().append(entry(9))).rejects.toThrow('its lines are keyed but its head is missing or unsigned');
    });
  });

  it('reads a trail from before keying, says so, and anchors it under the key at the next append', async () => {
    rechain(parsed(), (text) => createHash('sha256').update(text).digest('hex'), false);
    expect(await sink().verify()).toMatchObject({ entries: 5, problems: [expect.stringMatching(/predates keying/)] });
    expect(await sink().read()).toHaveLength(5);
    await sink().append(entry(6));
    expect(parsed().map((l) => l.key)).toEqual([undefined, undefined, undefined, undefined, undefined, 'v1']);
    expect(await sink().verify()).toEqual({ entries: 6, unkeyed: 5, uncommitted: 0, problems: [] });
    // Once anchored, the unkeyed lines cannot be rewritten either: the first keyed line chains onto the last of them.
    const kept = parsed();
    rechain(kept.slice(0, 5).filter((l) => l.entry.user !== 'city-panel'), (text) => createHash('sha256').update(text).digest('hex'), false);
    rewrite([...lines(), JSON.stringify(kept[5])]);
    expect((await verify()).join('\n')).toMatch(/line 4: entry 6 follows entry 3[\s\S]*line 4: does not chain/);
  });

  it('keeps the chain whole when vrn serve and a CLI command append from two processes at once', async () => {
    const trail = sink();
    await trail.append(entry(6)); // a running server, which has read the head already
    let childDone = false;
    const child = promisify(execFile)('node', ['--import', 'tsx', 'tests/platform/append-audit.ts', t.dir, '30']).finally(() => { childDone = true; });
    let appended = 1;
    while (!childDone) {
      await trail.append(entry(10 + (appended % 40)));
      appended++;
    }
    await child;
    await trail.append(entry(7)); // after the other process's entries
    const total = 5 + appended + 1 + 30;
    expect(parsed().map((l) => l.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(await sink().verify()).toEqual({ entries: total, unkeyed: 0, uncommitted: 0, problems: [] });
  });

  it('vrn audit verify exits 0 on a whole trail and 2 naming the line on a tampered one', async () => {
    expect(await vrnAuditVerify()).toEqual({ code: 0, out: 'audit trail whole: 5 entries, HMAC chain and signed head agree\n' });
    const edited = lines();
    edited[2] = edited[2]!.replace('"denied"', '"allowed"');
    rewrite(edited);
    const result = await vrnAuditVerify();
    expect(result.code).toBe(2);
    expect(result.out).toContain('line 3: its HMAC does not match its content');
  });
});
