import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localAppOptions, startLocalServer } from '../../functions/api/local-server.ts';
import { FileAuditSink } from '../../functions/platform/audit/file.ts';
import { localAuditFile } from '../../functions/platform/local.ts';
import { testPlatform } from '../helpers.ts';
import { faultyTrailFiles } from '../platform/faulty-trail-files.ts';

let t: ReturnType<typeof testPlatform>;
let server: Awaited<ReturnType<typeof startLocalServer>>;
let audit: FileAuditSink;
let token: string;
const disk = faultyTrailFiles();
beforeAll(async () => {
  t = testPlatform();
  audit = new FileAuditSink(localAuditFile(t.dir), t.platform.keys, disk.files);
  const platform = { ...t.platform, audit };
  const options = localAppOptions(t.dir, platform);
  server = await startLocalServer(platform, 0, options);
  token = await options.tokens.sign('police-uploader');
});
afterAll(async () => {
  await new Promise((resolve) => server.server.close(resolve));
  t.cleanup();
});

const listUploads = () => fetch(`${server.url}/v1/uploads?limit=5`, { headers: { authorization: `Bearer ${token}` } });
const seqs = () => readFileSync(localAuditFile(t.dir), 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);

describe('a request whose audit entry cannot be written', () => {
  it('is answered 503, not with the withheld answer, and the trail records the 503 the client got', async () => {
    expect((await listUploads()).status).toBe(200);
    disk.failOnly(1);
    const response = await listUploads();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'audit_unavailable', message: 'the request could not be recorded in the audit trail, so it was not answered; try again later' });
    expect((await audit.read()).map((e) => [e.route, e.outcome, e.status])).toEqual([['/v1/uploads', 'allowed', 200], ['/v1/uploads', 'error', 503]]);
    expect((await audit.read({ limit: 1 }))[0]!.reason).toBe('the audit trail could not record the answer (status 200), so it was withheld');
    expect((await audit.verify()).problems).toEqual([]);
  });

  it('on the red team\'s full disk: six requests get 503 and leave no line, and after the disk is freed the chain continues', async () => {
    const before = await audit.read();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      disk.fullFrom(1);
      for (let i = 0; i < 6; i++) expect((await listUploads()).status).toBe(503);
      expect(logged.mock.calls).toEqual(Array.from({ length: 6 }, () => ['audit trail: an entry could not be written']));
    } finally {
      logged.mockRestore();
    }
    expect(await audit.read()).toEqual(before);
    disk.heal();
    for (let i = 0; i < 6; i++) expect((await listUploads()).status).toBe(200);
    const after = await audit.read();
    expect(after.slice(before.length).map((e) => e.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(seqs()).toEqual(after.map((_, i) => i + 1));
    expect(await audit.verify()).toEqual({ entries: after.length, unkeyed: 0, uncommitted: 0, problems: [] });
  });
});
