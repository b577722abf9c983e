import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../analytics/engine.ts';
import type { Engine } from '../../analytics/ir.ts';
import { KeyClusters } from '../../analytics/linkage.ts';
import { linkPeople, loadLinkRows } from '../../analytics/matching/link-rows.ts';
import { currentQueue, decide, DECISIONS_KEY, findItem, loadDecisions } from '../../analytics/matching/review.ts';
import { main } from '../../functions/cli/main.ts';
import { parseArgs } from '../../functions/cli/args.ts';
import { upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import type { AuditEntry, AuditSink } from '../../functions/platform/audit/port.ts';
import { getJson } from '../../functions/platform/storage/port.ts';
import { LinkageConfig, linkageConfig } from '../../schemas/linkage.ts';
import { csv, ingestText, testPlatform } from '../helpers.ts';
import { vrnInProcess } from '../cli/in-process.ts';

/**
 * One child known to three partners under three spellings (a nickname, a typo in the surname, the names swapped),
 * a sister at the same address, and a boy of the same name born a year later elsewhere (for review). Exact keys
 * see five people; fuzzy linkage sees three.
 */
const upn = (() => { const rest = '856202400123'; return upnCheckLetter(rest) + rest; })();
let t: ReturnType<typeof testPlatform>;
let engine: Engine;

beforeAll(async () => {
  t = testPlatform();
  const put = async (dataset: string, partner: string, ...lines: string[]) => {
    const report = await ingestText(t.platform, dataset, partner, csv(...lines));
    if (report.status !== 'accepted' || report.rows_rejected) throw new Error(`${dataset}: ${JSON.stringify(report.errors)}`);
  };
  await put('police_person', 'leicestershire-police', 'crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome',
    'LP/24/1,suspect,NOM-1,Thomas,Whitfield,2010-03-14,male,LE4 6RT,charged');
  await put('school_exclusion', 'leicester-city-council', 'exclusion_id,upn,forename,surname,date_of_birth,sex,home_postcode,category,reason_code,start_date',
    `EX-1,${upn},Tom,Whitfeild,14/03/2010,male,LE4 6RT,suspension,PA,2024-05-01`);
  await put('ae_attendance', 'uhl', 'attendance_id,arrival_at,means_of_assault,nhs_number,forename,surname,date_of_birth,sex,home_postcode',
    'AE-1,2024-06-02 01:30,knife_or_sharp,9434765919,WHITFIELD,THOMAS,2010-03-14,male,LE4 6RU',
    'AE-2,2024-07-02 01:30,other,,Amy,Whitfield,2012-08-02,female,LE4 6RT');
  await put('support_episode', 'vrn', 'episode_id,service,forename,surname,date_of_birth,sex,home_postcode,start_date',
    'EP-1,vrn_intervention,Thomas,Whitfield,2011-05-20,male,LE2 1AA,2024-03-01');
  engine = await openEngine('sql', t.platform);
});
afterAll(async () => { await engine.close(); t.cleanup(); });

const wide = LinkageConfig.parse({ ...linkageConfig, thresholds: { autoLink: 1, review: 0.5 } });

describe('person clusters from stored rows', () => {
  it('link the three spellings of one child across three partners, not his sister nor his namesake; exact keys alone do not', async () => {
    const rows = await loadLinkRows(engine);
    expect(rows.map((r) => r.dataset).sort()).toEqual(['ae_attendance', 'ae_attendance', 'police_person', 'school_exclusion', 'support_episode']);
    const { personOf } = linkPeople(rows);
    const ids = (dataset: string) => rows.filter((r) => r.dataset === dataset).map((r) => personOf.get(r.id));
    const [police] = ids('police_person');
    expect(ids('school_exclusion')).toEqual([police]);
    expect(ids('ae_attendance').filter((p) => p === police)).toHaveLength(1);
    expect(ids('support_episode')).not.toContain(police);
    expect(new Set(personOf.values()).size).toBe(3);

    const exact = new KeyClusters();
    const keysOf = (r: (typeof rows)[number]) => [r.key_nhs, r.key_upn, r.key_local, r.key_name_dob].filter((k): k is string => !!k);
    for (const r of rows) exact.add(keysOf(r));
    expect(new Set(rows.map((r) => exact.personId(keysOf(r)[0]))).size).toBe(5);
  });

  it('are the same from the Arquero engine', async () => {
    const arquero = await openEngine('arquero', t.platform);
    try {
      const byId = (rs: Awaited<ReturnType<typeof loadLinkRows>>) => [...rs].sort((a, b) => (a.id < b.id ? -1 : 1));
      const [sqlRows, arqueroRows] = [byId(await loadLinkRows(engine)), byId(await loadLinkRows(arquero))];
      expect(arqueroRows).toEqual(sqlRows);
      expect([...linkPeople(arqueroRows).personOf]).toEqual([...linkPeople(sqlRows).personOf]);
    } finally {
      await arquero.close();
    }
  });
});

describe('the review queue', () => {
  it('shows pairs between the thresholds by pseudonymous ids and field agreement only', async () => {
    const queue = await currentQueue(engine, t.platform.storage, wide);
    expect(queue.length).toBeGreaterThanOrEqual(3);
    const text = JSON.stringify(queue);
    for (const value of ['Whitfield', 'WHITFIELD', 'Thomas', 'Tom', '2010', 'LE4', 'NOM-1', 'EX-1', 'AE-1', 'EP-1', upn, '9434765919']) expect(text).not.toContain(value);
    for (const item of queue) {
      expect(item.pair).toMatch(/^R-[A-Za-z0-9_-]{10}$/);
      expect(item.score).toBeGreaterThanOrEqual(0.5);
      expect(item.score).toBeLessThanOrEqual(1);
      expect(Object.keys(item.fields)).toEqual(['forename', 'surname', 'dob', 'postcode', 'sex']);
    }
    const typo = queue.find((i) => i.records.map((r) => r.partner).sort().join() === 'leicester-city-council,leicestershire-police')!;
    expect(typo.fields).toMatchObject({ dob: 'agree', postcode: 'agree', sex: 'agree' });
    expect(['partial', 'disagree']).toContain(typo.fields.surname);
  });

  it('remembers decisions with conditional writes, audits them without values, and resolution follows them', async () => {
    const entries: AuditEntry[] = [];
    const audit: AuditSink = { append: async (e) => { entries.push(e); }, read: async () => entries };
    const queue = await currentQueue(engine, t.platform.storage, wide);
    const deps = { storage: t.platform.storage, audit, now: () => t.platform.now() };
    const police = (i: (typeof queue)[number]) => i.records.some((r) => r.partner === 'leicestershire-police');
    const accept = queue.find((i) => police(i) && i.records.some((r) => r.partner === 'leicester-city-council'))!;
    const reject = queue.find((i) => police(i) && i.records.some((r) => r.partner === 'uhl') && i.fields.sex === 'agree')!;
    // Two analysts at once: neither decision is lost.
    await Promise.all([
      decide(deps, { item: accept, decision: 'accept', user: 'analyst1', role: 'analyst' }),
      decide(deps, { item: reject, decision: 'reject', user: 'analyst2', role: 'analyst' }),
    ]);
    const stored = await getJson<{ decisions: Record<string, { decision: string }> }>(t.platform.storage, DECISIONS_KEY);
    expect(Object.values(stored!.value.decisions).map((d) => d.decision).sort()).toEqual(['accept', 'reject']);
    expect(entries.map((e) => e.touched)).toEqual(expect.arrayContaining([{ review_pair: accept.pair, decision: 'accept' }, { review_pair: reject.pair, decision: 'reject' }]));
    expect(JSON.stringify(entries)).not.toContain(accept.records[0].id);

    const after = await currentQueue(engine, t.platform.storage, wide);
    expect(after.map((i) => i.pair)).not.toContain(accept.pair);
    expect(after.map((i) => i.pair)).not.toContain(reject.pair);
    expect(() => findItem(after, accept.pair)).toThrow(/no pair/);
    const { personOf } = linkPeople(await loadLinkRows(engine), await loadDecisions(t.platform.storage), wide);
    expect(personOf.get(accept.records[0].id)).toBe(personOf.get(accept.records[1].id));
    expect(personOf.get(reject.records[0].id)).not.toBe(personOf.get(reject.records[1].id));
  });

  it('takes its action as a word after the command, and no other command does', () => {
    expect(parseArgs(['review', 'accept', '--pair', 'R-x'])).toEqual({ command: 'review', subcommand: 'accept', flags: { pair: 'R-x' } });
    expect(parseArgs(['sql', 'list'])).toMatchObject({ command: 'sql', subcommand: 'list' }); // refused by main, as below
    expect(() => parseArgs(['review', 'list', 'more'])).toThrow(/unexpected argument "more"/);
  });

  it('is the only command but audit that takes a word after it', async () => {
    const error = console.error;
    const said: string[] = [];
    console.error = (line: string) => { said.push(line); };
    try {
      expect(await main(['sql', 'list', '--data-dir', t.dir])).toBe(2);
    } finally {
      console.error = error;
    }
    expect(said[0]).toMatch(/unexpected argument "list"/);
  });

  it('works from the CLI: vrn review list and reject, and vrn link', async () => {
    // The command's logic runs in process; one real process shows that the executable answers too.
    const vrn = async (...args: string[]) => {
      const run = await vrnInProcess(...args, '--data-dir', t.dir);
      if (run.code !== 0) throw Object.assign(new Error(`vrn exited ${run.code}`), run);
      return run;
    };
    type Listed = { pairs: { pair: string; records: { partner: string }[]; fields: Record<string, string> }[] };
    const spawned = await promisify(execFile)('node', ['functions/cli/vrn.js', 'review', 'list', '--format', 'json', '--data-dir', t.dir], { env: { ...process.env, VRN_DATA_DIR: '' } });
    const listed = JSON.parse(spawned.stdout) as Listed;
    expect(JSON.parse((await vrn('review', 'list', '--format', 'json')).stdout)).toEqual(listed);
    // At the configured thresholds the three spellings link outright; the namesake born a year later waits for review.
    const namesake = listed.pairs.filter((p) => p.records.some((r) => r.partner === 'vrn'));
    expect(namesake.length).toBeGreaterThanOrEqual(1);
    expect(namesake[0].fields).toMatchObject({ forename: 'agree', surname: 'agree', sex: 'agree' });
    await expect(vrn('review', 'accept', '--pair', 'R-nosuchpair')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('no pair R-nosuchpair') });
    const out = await vrn('review', 'reject', '--pair', namesake[0].pair, '--user', 'analyst3');
    expect(out.stdout).toContain(`${namesake[0].pair}: rejected`);
    expect((JSON.parse((await vrn('review', 'list', '--format', 'json')).stdout) as Listed).pairs.map((p) => p.pair)).not.toContain(namesake[0].pair);
    // Linked ahead of time, the queue comes from the stored run, and still follows the decision.
    const linked = await vrn('link');
    expect(linked.stdout).toMatch(/^linked \d+ records into \d+ people in [\d.]+ s; \d+ pairs to review/);
    expect(linked.stderr).toContain('reading the person records of every dataset');
    expect((await vrn('link')).stdout).toMatch(/^people are linked already for this data/);
    const stored = (JSON.parse((await vrn('review', 'list', '--format', 'json')).stdout) as Listed).pairs.map((p) => p.pair);
    expect(stored).toEqual(listed.pairs.map((p) => p.pair).filter((p) => p !== namesake[0].pair));
    // A page at a time, and a clear error for a bad page.
    expect(stored.length).toBeGreaterThan(0);
    const pairs = `${stored.length} pair${stored.length === 1 ? '' : 's'} to review, best score first`;
    expect((await vrn('review', 'list', '--limit', '1')).stdout.split('\n').slice(0, 2))
      .toEqual([stored.length > 1 ? `${pairs} (1–1 shown; --offset and --limit for others)` : pairs, expect.stringMatching(new RegExp(`^${stored[0]}  `))]);
    expect((await vrn('review', 'list', '--offset', String(stored.length))).stdout.trim()).toBe(`${pairs} (none shown; --offset and --limit for others)`);
    await expect(vrn('review', 'list', '--limit', 'ten')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--limit must be a whole number') });
  });
});
