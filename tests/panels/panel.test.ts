import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CohortResult } from '../../analytics/products/cohort.ts';
import { loadSampleExtracts } from '../../functions/ingest/sample-loader.ts';
import { panelList, PanelRefused, PanelRequestError, recordDecision, recordMeeting, type PanelDeps } from '../../functions/panels/panels.ts';
import { decisionsKey, loadDecisions } from '../../functions/panels/store.ts';
import { runProduct } from '../../functions/products/service.ts';
import type { User } from '../../schemas/access.ts';
import { localUsers } from '../deployments.ts';
import { testPlatform } from '../helpers.ts';
import { vrnInProcess } from '../cli/in-process.ts';

let t: ReturnType<typeof testPlatform>;
let deps: PanelDeps;
const cohorts = new Map<string, CohortResult>();
const user = (id: string) => localUsers.find((u) => u.id === id) as User;
const city = () => user('city-panel');
const FIRST = '2025-06-30', SECOND = '2025-09-30';

beforeAll(async () => {
  t = testPlatform();
  await loadSampleExtracts(t.platform);
  deps = {
    platform: t.platform, audit: t.platform.audit, route: 'test',
    async cohort(panel, asOf) {
      const key = `${panel}|${asOf}`;
      if (!cohorts.has(key)) cohorts.set(key, await runProduct(t.platform, 'sql', { product: 'cohort', panel, asOf }) as CohortResult);
      return cohorts.get(key)!;
    },
  };
}, 600_000);
afterAll(() => t?.cleanup());

describe('a panel across two meetings', () => {
  it('lists everyone new at the first meeting, then new, still and no longer eligible (with why) at the second', async () => {
    await recordMeeting(deps, city(), 'city', FIRST);
    const first = await panelList(deps, city(), 'city', FIRST);
    const june = (await deps.cohort('city', FIRST)).members.map((m) => m.person_id);
    expect(first.rows.map((r) => r.person_id).sort()).toEqual([...june].sort());
    expect(new Set(first.rows.map((r) => r.status))).toEqual(new Set(['new']));

    await recordMeeting(deps, city(), 'city', SECOND);
    const second = await panelList(deps, city(), 'city', undefined);
    expect(second).toMatchObject({ meeting: SECOND, previous: FIRST });
    const september = (await deps.cohort('city', SECOND)).members.map((m) => m.person_id);
    const of = (status: string) => second.rows.filter((r) => r.status === status).map((r) => r.person_id).sort();
    expect(of('still_eligible')).toEqual(september.filter((p) => june.includes(p)).sort());
    expect(of('new')).toEqual(september.filter((p) => !june.includes(p)).sort());
    expect(of('no_longer_eligible')).toEqual(june.filter((p) => !september.includes(p)).sort());
    expect(of('new').length).toBeGreaterThan(0);
    expect(of('no_longer_eligible').length).toBeGreaterThan(0);
    for (const r of second.rows.filter((x) => x.status === 'no_longer_eligible')) expect(r.why).toMatch(/^(Now lives in the area of|Now older than 17|No longer meets M1 or M2 in the last 12 months)/);
    // Someone who moved is found on the county list the same day.
    const county = new Set((await deps.cohort('county', SECOND)).members.map((m) => m.person_id));
    for (const r of second.rows.filter((x) => x.why?.startsWith('Now lives'))) expect(county.has(r.person_id)).toBe(true);
  });

  it('explains each member in words and sorts and filters by status, score, locality, age and criterion', async () => {
    const list = await panelList(deps, city(), 'city', SECOND);
    expect(list.legend.criteria.find((c) => c.code === 'M1')).toEqual({ code: 'M1', kind: 'mandatory', words: 'suspect or offender in 2 or more crimes in the last 12 months', weight: 3 });
    for (const r of list.rows) {
      expect(r.reasons.length).toBeGreaterThanOrEqual(r.criteria.length + r.factors.length);
      for (const c of [...r.criteria, ...r.factors]) expect(r.reasons.some((x) => x.startsWith(`${c}: `))).toBe(true);
    }
    const m2 = list.rows.find((r) => r.criteria.includes('M2'))!;
    expect(m2.reasons.find((x) => x.startsWith('M2'))).toBe(`M2: Perpetrator in ${m2.events.asb_incident} anti-social behaviour incidents in the last 12 months`);
    const scores = list.rows.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const byAge = await panelList(deps, city(), 'city', SECOND, { sort: 'age', ageFrom: 14, ageTo: 15 });
    expect(byAge.rows.length).toBeGreaterThan(0);
    expect(byAge.rows.every((r) => r.age >= 14 && r.age <= 15)).toBe(true);
    expect(byAge.rows.map((r) => r.age)).toEqual([...byAge.rows.map((r) => r.age)].sort((a, b) => a - b));
    const d2 = await panelList(deps, city(), 'city', SECOND, { criterion: 'D2', status: 'still_eligible', minScore: 4 });
    expect(d2.rows.map((r) => r.person_id)).toEqual(list.rows.filter((r) => r.factors.includes('D2') && r.status === 'still_eligible' && r.score >= 4).map((r) => r.person_id));
    const locality = list.rows[0].locality;
    expect((await panelList(deps, city(), 'city', SECOND, { locality })).rows.every((r) => r.locality === locality)).toBe(true);
  });
});

describe('decisions', () => {
  it('refuses a decision by another panel\'s coordinator, and audits the refusal', async () => {
    const member = (await deps.cohort('city', SECOND)).members[0].person_id;
    const before = await t.platform.storage.etag(decisionsKey('city'));
    await expect(recordDecision(deps, user('county-panel'), 'city', member, { meeting: SECOND, decision: 'monitor' })).rejects.toThrow(PanelRefused);
    expect(await t.platform.storage.etag(decisionsKey('city'))).toBe(before);
    const [entry] = await t.platform.audit.read({ limit: 1, outcome: 'denied' });
    expect(entry).toMatchObject({ user: 'county-panel', role: 'panel_coordinator', scope: { panel: 'city' }, outcome: 'denied', status: 403, touched: { person_id: member } });
    expect(entry.reason).toMatch(/panel city is outside this user's panel/);
  });

  it('accepts fixed codes only: no free text about a child, anywhere', async () => {
    const member = (await deps.cohort('city', SECOND)).members[0].person_id;
    const before = await t.platform.storage.etag(decisionsKey('city'));
    const refused = [
      [{ meeting: SECOND, decision: 'monitor', note: 'Lives with his aunt, known to the school' }, /not a field of a decision: note \(free text is not accepted\)/],
      [{ meeting: SECOND, decision: 'Referred to the boxing club by his aunt' }, /^decision: /],
      [{ meeting: SECOND, decision: 'refer_programme', programme: 'boxing_club' }, /programme: not a programme of the catalogue/],
      [{ meeting: SECOND, decision: 'refer_service', service: 'camhs', outcome: 'Went twice then stopped' }, /^outcome: /],
      [{ meeting: SECOND, decision: 'monitor', consent: 'given' }, /consent is recorded for a referral only/],
      [{ meeting: SECOND, decision: 'refer_programme' }, /a referral to a programme names the programme/],
    ] as const;
    for (const [input, message] of refused) {
      const error = await recordDecision(deps, city(), 'city', member, input).catch((e: Error) => e);
      expect(error).toBeInstanceOf(PanelRequestError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toMatch(/aunt|boxing|twice/); // the value sent is never quoted
    }
    await expect(recordDecision(deps, city(), 'city', 'Jane Smith', { meeting: SECOND, decision: 'monitor' })).rejects.toThrow(/pseudonymous person id/);
    await expect(recordDecision(deps, city(), 'city', 'P-notamember', { meeting: SECOND, decision: 'monitor' })).rejects.toThrow(/is not on the city panel's list/);
    expect(await t.platform.storage.etag(decisionsKey('city'))).toBe(before);
    // The CLI refuses a flag that is not a code.
    const cli = await vrnInProcess('panel', 'decide', '--data-dir', t.dir, '--panel', 'city', '--person', member, '--meeting', SECOND, '--decision', 'monitor', '--note', 'free text', '--user', 'city-panel');
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/not a flag of vrn panel decide: --note/);
  });

  it('keeps every decision of two coordinators writing at once, each audited by codes', async () => {
    const [a, b] = (await deps.cohort('city', SECOND)).members.map((m) => m.person_id);
    await Promise.all([
      recordDecision(deps, city(), 'city', a, { meeting: SECOND, decision: 'refer_programme', programme: 'reach', consent: 'given', support_start: '2025-10-06' }),
      recordDecision(deps, city(), 'city', b, { meeting: SECOND, decision: 'refer_service', service: 'camhs', consent: 'not_sought' }),
    ]);
    const stored = await loadDecisions(t.platform.storage, 'city');
    expect(stored[a].at(-1)).toMatchObject({ decision: 'refer_programme', programme: 'reach', by: 'city-panel' });
    expect(stored[b].at(-1)).toMatchObject({ decision: 'refer_service', service: 'camhs' });
    const entries = await t.platform.audit.read();
    expect(entries.filter((e) => e.touched?.person_id === a && e.outcome === 'allowed').at(-1)?.touched).toEqual({ person_id: a, meeting: SECOND, decision: 'refer_programme', programme: 'reach', consent: 'given', support_start: '2025-10-06' });
  });
});

describe('vrn panel', () => {
  it('lists, refuses another panel, and writes the monitoring return as JSON, CSV and XLSX', async () => {
    const list = await vrnInProcess('panel', 'list', '--data-dir', t.dir, '--panel', 'city', '--user', 'city-panel', '--status', 'new', '--format', 'json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ panel: 'city', meeting: SECOND, rows: expect.arrayContaining([expect.objectContaining({ status: 'new' })]) });
    const refused = await vrnInProcess('panel', 'meeting', '--data-dir', t.dir, '--panel', 'city', '--date', '2025-10-31', '--user', 'county-panel');
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringMatching(/refused \(recorded in the audit trail\): panel city is outside this user's panel/)]);
    expect((await t.platform.audit.read({ limit: 1 }))[0]).toMatchObject({ user: 'county-panel', route: 'panel meeting', outcome: 'denied' });
    const json = await vrnInProcess('panel', 'monitor', '--data-dir', t.dir, '--panel', 'city', '--format', 'json');
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(r).toMatchObject({ panel: 'city', months: [{ month: '2025-06' }, { month: '2025-09' }], all: { month: 'all' } });
    expect(json.stdout).not.toMatch(/P-[A-Za-z0-9_-]{12}/);
    const csv = await vrnInProcess('panel', 'monitor', '--data-dir', t.dir, '--panel', 'city', '--format', 'csv');
    const lines = csv.stdout.split('\r\n');
    expect(lines[5]).toBe('Panel,Month,Measure,Breakdown,Category,Value');
    expect(lines.find((l) => l.includes(',2025-06,Identified,All,All,'))!.split(',').at(-1)).toBe(String(r.months[0].identified ?? ''));
    const out = `${t.dir}/monitor.xlsx`;
    expect((await vrnInProcess('panel', 'monitor', '--data-dir', t.dir, '--panel', 'city', '--format', 'xlsx', '--out', out)).code).toBe(0);
  });
});

describe('seen again', () => {
  it('flags a member referred at the first meeting who is in new crime or ASB records at the second, with what is new', async () => {
    const t2 = testPlatform();
    try {
      await loadSampleExtracts(t2.platform);
      const own: PanelDeps = { ...deps, platform: t2.platform, audit: t2.platform.audit };
      await recordMeeting(own, city(), 'city', FIRST);
      await recordMeeting(own, city(), 'city', SECOND);
      const seen = (date: string, person: string) => new Set(cohorts.get(`city|${date}`)!.members.find((m) => m.person_id === person)!.records
        .filter((r) => r.dataset === 'police_person' || r.dataset === 'asb_incident').map((r) => `${r.dataset}:${r.record_key}`));
      const both = cohorts.get(`city|${FIRST}`)!.members.map((m) => m.person_id).filter((p) => cohorts.get(`city|${SECOND}`)!.members.some((m) => m.person_id === p));
      // On the sample, the children on both lists all have new records by September: one is referred, one is not.
      const [grew, notReferred] = both.filter((p) => [...seen(SECOND, p)].some((k) => !seen(FIRST, p).has(k)));
      expect(notReferred).toBeDefined();
      await recordDecision(own, city(), 'city', grew, { meeting: FIRST, decision: 'refer_programme', programme: 'early_intervention' });
      await recordDecision(own, city(), 'city', notReferred, { meeting: FIRST, decision: 'monitor' });
      const list = await panelList(own, city(), 'city', SECOND);
      const fresh = [...seen(SECOND, grew)].filter((k) => !seen(FIRST, grew).has(k));
      const crimes = fresh.filter((k) => k.startsWith('police_person:')).length, asb = fresh.filter((k) => k.startsWith('asb_incident:')).length;
      const flag = list.rows.find((r) => r.person_id === grew)!.seen_again!;
      expect(flag).toMatch(/^Referred at the meeting of 30 June 2025; since the meeting of 30 June 2025: /);
      if (crimes) expect(flag).toContain(`${crimes} new crime record`);
      if (asb) expect(flag).toContain(`${asb} new anti-social behaviour incident`);
      expect(list.rows.find((r) => r.person_id === notReferred)!.seen_again).toBeNull();
      expect(list.rows.filter((r) => r.seen_again).map((r) => r.person_id)).toEqual([grew]);
      // Not flagged at the meeting that referred.
      expect((await panelList(own, city(), 'city', FIRST)).rows.every((r) => r.seen_again === null)).toBe(true);
    } finally {
      t2.cleanup();
    }
  }, 600_000);
});
