import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAuditSink } from '../../functions/platform/audit/file.ts';
import type { AuditEntry } from '../../functions/platform/audit/port.ts';
import { localAuditFile } from '../../functions/platform/local.ts';
import { tempDataDir } from '../helpers.ts';

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  time: `2025-11-01T12:00:0${i}.000Z`, user: i % 2 ? 'vrn-analyst' : 'charnwood-csp', role: i % 2 ? 'analyst' : 'csp_officer',
  method: 'GET', route: '/v1/measures', scope: {}, outcome: i === 3 ? 'denied' : 'allowed', status: i === 3 ? 403 : 200,
  touched: { product: 'measures' }, ...over,
});

let t: ReturnType<typeof tempDataDir>;
let path: string;
beforeEach(async () => {
  t = tempDataDir();
  path = localAuditFile(t.dir);
  const sink = new FileAuditSink(path);
  await Promise.all([1, 2, 3, 4, 5].map((i) => sink.append(entry(i))));
});
afterEach(() => t.cleanup());

const lines = () => readFileSync(path, 'utf8').trimEnd().split('\n');
const rewrite = (next: string[]) => writeFileSync(path, next.join('\n') + '\n');
const vrnAuditVerify = () => promisify(execFile)('node', ['functions/cli/vrn.js', 'audit', 'verify', '--data-dir', t.dir]).then(
  (r) => ({ code: 0, out: r.stdout }), (e: { code: number; stderr: string }) => ({ code: e.code, out: e.stderr }));

describe('the local audit trail', () => {
  it('keeps entries in order, appended concurrently, and filters them', async () => {
    const sink = new FileAuditSink(path);
    expect((await sink.read()).map((e) => e.time)).toEqual([1, 2, 3, 4, 5].map((i) => entry(i).time));
    expect((await sink.read({ user: 'vrn-analyst' })).length).toBe(3);
    expect((await sink.read({ outcome: 'denied' })).map((e) => e.status)).toEqual([403]);
    expect((await sink.read({ from: entry(2).time, to: entry(4).time })).length).toBe(3);
    expect((await sink.read({ limit: 2 })).map((e) => e.time)).toEqual([entry(4).time, entry(5).time]);
    expect(await sink.verify()).toEqual({ entries: 5, problems: [] });
  });

  it('continues the chain across sink instances (a restarted server)', async () => {
    await new FileAuditSink(path).append(entry(6));
    expect(await new FileAuditSink(path).verify()).toEqual({ entries: 6, problems: [] });
  });

  it('detects an edited line', async () => {
    const edited = lines();
    edited[1] = edited[1].replace('"status":200', '"status":201');
    rewrite(edited);
    expect((await new FileAuditSink(path).verify()).problems).toEqual(['line 2: its hash does not match its content (the line was edited)']);
  });

  it('detects a deleted line, a reordered pair and lines cut from the end', async () => {
    const all = lines();
    rewrite([all[0], all[2], all[3], all[4]]);
    expect((await new FileAuditSink(path).verify()).problems.join('\n')).toMatch(/line 2: entry 3 follows entry 1/);
    rewrite([all[0], all[2], all[1], all[3], all[4]]);
    expect((await new FileAuditSink(path).verify()).problems.join('\n')).toMatch(/line 2: .*reordered/);
    rewrite(all.slice(0, 4));
    expect((await new FileAuditSink(path).verify()).problems).toEqual(['the trail ends at entry 4 but the head records entry 5 (lines cut from the end)']);
  });

  it('vrn audit verify exits 0 on a whole trail and 2 naming the line on a tampered one', async () => {
    expect(await vrnAuditVerify()).toEqual({ code: 0, out: 'audit trail whole: 5 entries, hash chain and head agree\n' });
    const edited = lines();
    edited[2] = edited[2].replace('"denied"', '"allowed"');
    rewrite(edited);
    const result = await vrnAuditVerify();
    expect(result.code).toBe(2);
    expect(result.out).toContain('line 3: its hash does not match its content');
  });
});
