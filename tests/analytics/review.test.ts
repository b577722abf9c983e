import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../analytics/engine.ts';
import type { Engine } from '../../analytics/ir.ts';
import { UnionFind } from '../../analytics/matching/union-find.ts';
import { linkPeople, loadLinkRows, loadLinkTable } from '../../analytics/matching/link-rows.ts';
import { autoLinkedPairs, blindSample, blindSampleSize } from '../../analytics/matching/blind.ts';
import { unitCandidates } from '../../analytics/matching/candidates.ts';
import { withTrainedModel } from '../../analytics/matching/training.ts';
import { estimateQuality, wilson } from '../../analytics/matching/quality.ts';
import { resolveTable } from '../../analytics/matching/resolve.ts';
import { findItem, type Explanation } from '../../analytics/matching/review.ts';
import { waterfallChart, waterfallLayout } from '../../analytics/render/waterfall.ts';
import { decide, DECISIONS_KEY, loadDecisions } from '../../functions/linkage/decisions.ts';
import { currentReviewQueue } from '../../functions/linkage/people.ts';
import { main } from '../../functions/cli/main.ts';
import { parseArgs } from '../../functions/cli/args.ts';
import { upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import type { AuditEntry, AuditSink } from '../../functions/platform/audit/port.ts';
import { getJson } from '../../functions/platform/storage/port.ts';
import { clkFields, LinkageConfig, linkageConfig } from '../../schemas/linkage.ts';
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

    // Records sharing an exact key, joined: five clusters, none of them the child's three records.
    const exact = new UnionFind(), keyIndex = new Map<string, number>();
    const indexOf = (k: string) => keyIndex.get(k) ?? keyIndex.set(k, exact.add()).get(k)!;
    const keysOf = (r: (typeof rows)[number]) => [r.key_nhs, r.key_upn, r.key_local, r.key_name_dob].filter((k): k is string => !!k);
    for (const r of rows) for (const k of keysOf(r)) exact.union(indexOf(keysOf(r)[0]), indexOf(k));
    expect(new Set(rows.map((r) => exact.find(indexOf(keysOf(r)[0])))).size).toBe(5);
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
    const queue = await currentReviewQueue(t.platform, engine, wide);
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
    const queue = await currentReviewQueue(t.platform, engine, wide);
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

    const after = await currentReviewQueue(t.platform, engine, wide);
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
    // A page at a time, and a clear error for a bad page.
    const all = listed.pairs.map((p) => p.pair);
    expect(all.length).toBeGreaterThan(0);
    const pairs = `${all.length} pair${all.length === 1 ? '' : 's'} to review, those touching a panel cohort member first, then best score first`;
    expect((await vrn('review', 'list', '--limit', '1')).stdout.split('\n').slice(0, 2))
      .toEqual([all.length > 1 ? `${pairs} (1–1 shown; --offset and --limit for others)` : pairs, expect.stringMatching(new RegExp(`^${all[0]}  `))]);
    expect((await vrn('review', 'list', '--offset', String(all.length))).stdout.trim()).toBe(`${pairs} (none shown; --offset and --limit for others)`);
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
    await expect(vrn('review', 'list', '--limit', 'ten')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--limit must be a whole number') });
  });
});

describe('a pair\'s evidence and its waterfall', () => {
  const logit = (p: number) => Math.log(p / (1 - p));

  it('each queued pair carries its evidence per comparison in log-odds, summing to its score, and no value', async () => {
    const queue = await currentReviewQueue(t.platform, engine, wide);
    for (const item of queue) {
      const e = item.evidence!;
      expect(e.comparisons.map((c) => c.comparison)).toEqual([...clkFields]);
      // Levels are the model's words (schemas/linkage.ts), or missing: never a value.
      for (const c of e.comparisons) expect(['missing', 'different', ...linkageConfig.comparisons[c.comparison].levels.map((l) => l.level)]).toContain(c.level);
      expect(e.prior + e.comparisons.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(logit(item.score), 1);
      expect(waterfallLayout(e).probability).toBeCloseTo(item.score, 3);
    }
  });

  // The agreed shape of the model to come: comparisons and levels as words, weights in nats.
  const explanation: Explanation = {
    prior: -9.2,
    comparisons: [
      { comparison: 'forename', level: 'close', weight: 3.1 }, { comparison: 'surname', level: 'exact', weight: 6.4 },
      { comparison: 'dob', level: 'exact', weight: 5.9 }, { comparison: 'postcode', level: 'different', weight: -2.3 },
      { comparison: 'sex', level: 'missing', weight: 0 },
    ],
  };

  it('lays out bars from the prior, one per comparison each starting where the last ended, to the score', () => {
    const layout = waterfallLayout(explanation);
    expect(layout.rows.map((r) => r.label)).toEqual(['prior', 'forename: close', 'surname: exact', 'dob: exact', 'postcode: different', 'sex: missing', 'score']);
    const steps = layout.rows.slice(0, -1);
    steps.slice(1).forEach((r, i) => expect(r.from).toBeCloseTo(steps[i].to, 9));
    expect(layout.total).toBeCloseTo(3.9, 9);
    expect(layout.rows.at(-1)).toMatchObject({ kind: 'total', from: 0 });
    expect(layout.rows.at(-1)!.to).toBeCloseTo(3.9, 9);
    expect(layout.probability).toBeCloseTo(1 / (1 + Math.exp(-3.9)), 12);
  });

  it('draws bars whose widths add up, signed, to the score\'s bar, with the probability, and nothing a CSP would refuse', () => {
    const svg = waterfallChart('Evidence for R-test', explanation);
    const bars = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="([^"]+)" data-kind="(\w+)" data-from="([-\d.e]+)" data-to="([-\d.e]+)"\/>/g)]
      .map((m) => ({ x: Number(m[1]), width: Number(m[2]), fill: m[3], kind: m[4], from: Number(m[5]), to: Number(m[6]) }));
    expect(bars.map((b) => b.kind)).toEqual(['prior', 'comparison', 'comparison', 'comparison', 'comparison', 'comparison', 'total']);
    const pxPerNat = bars[0].width / Math.abs(bars[0].to - bars[0].from);
    const sign = (b: (typeof bars)[number]) => Math.sign(b.to - b.from);
    const steps = bars.slice(0, -1).reduce((s, b) => s + sign(b) * b.width, 0);
    expect(Math.abs(steps - bars.at(-1)!.width)).toBeLessThan(0.05);
    expect(bars.at(-1)!.width / pxPerNat).toBeCloseTo(3.9, 1);
    // The score's bar ends where the last comparison's does.
    const end = (b: (typeof bars)[number]) => (sign(b) >= 0 ? b.x + b.width : b.x);
    expect(Math.abs(end(bars.at(-1)!) - end(bars.at(-2)!))).toBeLessThan(0.05);
    expect(bars[4].fill).not.toBe(bars[2].fill); // against, and for
    expect(svg).toContain('probability 98.0%');
    expect(svg).toContain('postcode: different');
    expect(svg).not.toMatch(/style=|<script|on\w+=/);
  });
});

describe('blind review of auto-links and the quality estimates', () => {
  it('samples auto-linked pairs deterministically by seed, one person each, without score or evidence', async () => {
    const table = await loadLinkTable(engine);
    const candidates = unitCandidates(withTrainedModel(table));
    const resolution = resolveTable(candidates);
    const links = autoLinkedPairs(candidates, resolution);
    expect(links.pairs.length).toBeGreaterThan(0);
    for (const p of links.pairs) expect(resolution.root[p.a]).toBe(resolution.root[p.b]);
    const sample = blindSample(links, 'v1');
    expect(sample).toMatchObject({ seed: 'v1', autoLinked: links.pairs.length });
    expect(sample.pairs).toHaveLength(links.pairs.length); // fewer than atLeast: all of them
    for (const p of sample.pairs) {
      expect(p.pair).toMatch(/^B-[A-Za-z0-9_-]{10}$/);
      expect(Object.keys(p)).toEqual(['pair', 'records', 'fields']);
    }
    const reversed = blindSample({ ...links, pairs: [...links.pairs].reverse() }, 'v1');
    expect(reversed).toEqual(sample);
    const one = LinkageConfig.parse({ ...linkageConfig, blindReview: { share: 0, atLeast: 1, atMost: 1 } });
    const picks = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((seed) => blindSample(links, seed, one).pairs[0].pair));
    expect(blindSample(links, 'a', one).pairs).toHaveLength(1);
    if (links.pairs.length > 1) expect(picks.size).toBeGreaterThan(1);
  });

  it('offers a share of auto-links, at least and at most as configured', () => {
    const config = LinkageConfig.parse({ ...linkageConfig, blindReview: { share: 0.01, atLeast: 30, atMost: 300 } });
    expect([0, 10, 1_000, 10_000, 100_000].map((n) => blindSampleSize(n, config))).toEqual([0, 10, 30, 100, 300]);
  });

  it('estimates precision with a Wilson interval, and recall from the queue\'s accepted pairs', () => {
    const w = wilson(8, 10)!;
    expect([w.estimate, w.low, w.high].map((x) => Math.round(x * 1000) / 1000)).toEqual([0.8, 0.49, 0.943]);
    expect(wilson(0, 0)).toBeNull();
    expect(wilson(10, 10)!.high).toBeCloseTo(1, 12);
    const q = estimateQuality({ blind: { autoLinked: 1000, offered: 30, accepted: 19, rejected: 1 }, queue: { accepted: 30, rejected: 10, waiting: 60 } });
    expect(q.precision!.estimate).toBeCloseTo(0.95, 9);
    // found 1000 × 0.95 = 950; missed 30 accepted + 60 waiting × 0.75 = 75: recall 950 / 1025.
    expect(q.recall!.estimate).toBeCloseTo(950 / 1025, 9);
    expect(q.recall!.low).toBeLessThan(q.recall!.estimate);
    expect(q.recall!.high).toBeGreaterThan(q.recall!.estimate);
    // Before any blind decision, nothing is estimated; before any queue decision with pairs waiting, no recall.
    expect(estimateQuality({ blind: { autoLinked: 10, offered: 10, accepted: 0, rejected: 0 }, queue: { accepted: 0, rejected: 0, waiting: 5 } })).toMatchObject({ precision: null, recall: null });
    expect(estimateQuality({ blind: { autoLinked: 10, offered: 10, accepted: 3, rejected: 0 }, queue: { accepted: 0, rejected: 0, waiting: 5 } }).recall).toBeNull();
  });
});

describe('blind review and undo, by the CLI', () => {
  const vrn = async (...args: string[]) => {
    const run = await vrnInProcess(...args, '--data-dir', t.dir);
    if (run.code !== 0) throw Object.assign(new Error(`vrn exited ${run.code}`), run);
    return run;
  };
  type Blind = { total: number; pairs: { pair: string; records: { id: string }[] }[] };
  const blind = async () => JSON.parse((await vrn('review', 'blind', '--format', 'json')).stdout) as Blind;
  const personOf = async () => linkPeople(await loadLinkRows(engine), await loadDecisions(t.platform.storage)).personOf;

  it('records blind decisions apart: an acceptance leaves linkage alone, a rejection undoes the link, and either can be undone', async () => {
    const offered = await blind();
    expect(offered.pairs.length).toBeGreaterThanOrEqual(1);
    for (const p of offered.pairs) expect(Object.keys(p).sort()).toEqual(['fields', 'pair', 'records']);
    const [pair] = offered.pairs;
    const before = await t.platform.storage.etag(DECISIONS_KEY);

    expect((await vrn('review', 'accept', '--pair', pair.pair, '--user', 'analyst4')).stdout).toContain(`${pair.pair}: accepted`);
    expect(await t.platform.storage.etag(DECISIONS_KEY)).toBe(before);
    expect((await blind()).pairs.map((p) => p.pair)).not.toContain(pair.pair);
    let stats = JSON.parse((await vrn('review', 'stats', '--format', 'json')).stdout);
    expect(stats.blind).toMatchObject({ accepted: 1, rejected: 0, autoLinked: expect.any(Number) });
    expect(stats.precision.estimate).toBe(1);
    expect(stats.precision.low).toBeLessThan(1);
    expect((await vrn('review', 'undo', '--pair', pair.pair)).stdout).toBe(`${pair.pair}: accept taken back\n`);
    expect((await blind()).pairs.map((p) => p.pair)).toContain(pair.pair);

    await vrn('review', 'reject', '--pair', pair.pair, '--user', 'analyst4');
    expect(await t.platform.storage.etag(DECISIONS_KEY)).not.toBe(before);
    const [x, y] = pair.records.map((r) => r.id);
    expect((await personOf()).get(x)).not.toBe((await personOf()).get(y));
    stats = JSON.parse((await vrn('review', 'stats', '--format', 'json')).stdout);
    expect(stats.blind).toMatchObject({ accepted: 0, rejected: 1 });
    expect(stats.queue.accepted + stats.queue.rejected).toBeGreaterThan(0); // the queue decisions above, and not this one
    expect(stats.queue.waiting).toBe(JSON.parse((await vrn('review', 'list', '--format', 'json')).stdout).total);
    expect(stats.precision.estimate).toBe(0);
    const text = (await vrn('review', 'stats')).stdout;
    expect(text).toMatch(/^auto-links: \d+ in the latest linking run/);
    expect(text).toContain('precision of auto-links: 0.0% (95% interval 0.0%–');
    expect(text).toContain('it counts only matches that reached the review queue');

    expect((await vrn('review', 'undo', '--pair', pair.pair)).stdout).toBe(`${pair.pair}: reject taken back\n`);
    expect((await personOf()).get(x)).toBe((await personOf()).get(y));
    expect((await blind()).pairs.map((p) => p.pair)).toContain(pair.pair);
    await expect(vrn('review', 'undo', '--pair', pair.pair)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining(`no decision on pair ${pair.pair}`) });
  });
});
