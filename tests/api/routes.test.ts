import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CohortResult } from '../../analytics/products/cohort.ts';
import { LocalTokens, localTokenKeyFile } from '../../functions/api/auth/local.ts';
import { runProduct } from '../../functions/products/service.ts';
import { CRIME_HEADER, crimeRows, csv, tamper } from '../helpers.ts';
import { startSampleServer } from './sample-server.ts';
import { localUsers } from '../deployments.ts';

let s: Awaited<ReturnType<typeof startSampleServer>>;
let policeUpload: string;
let cityMember: string;
beforeAll(async () => {
  s = await startSampleServer();
  const catalog = await s.platform.catalog.read();
  policeUpload = catalog.extracts.find((e) => e.partner === 'leicestershire-police' && e.dataset === 'police_crime')!.upload_id;
  const cohort = await runProduct(s.platform, 'sql', { product: 'cohort', panel: 'city', asOf: '2025-09-30' }) as CohortResult;
  cityMember = cohort.members.find((m) => m.records.some((r) => r.partner === 'leicester-city-council'))!.person_id;
});
afterAll(() => s?.stop());

type User = 'police-uploader' | 'city-education-uploader' | 'vrn-analyst' | 'charnwood-csp' | 'city-panel' | 'county-panel' | 'performance-lead' | 'phoenix-lead' | 'admin';
const users: User[] = ['police-uploader', 'city-education-uploader', 'vrn-analyst', 'charnwood-csp', 'city-panel', 'county-panel', 'performance-lead', 'phoenix-lead', 'admin'];

interface RouteCase {
  name: string;
  /** The route pattern the audit trail records. */
  route: string;
  request: () => { method: string; path: string; body?: string | object };
  /** The status for each user; users not listed get 403. */
  allowed: Partial<Record<User, number>>;
  /** What an allowed answer holds. */
  shape?: (body: any, user: User) => void;
}

let uploadSeq = 0;
const routes: RouteCase[] = [
  {
    name: 'direct upload', route: '/v1/uploads',
    request: () => ({ method: 'POST', path: '/v1/uploads?dataset=police_crime&partner=leicestershire-police&period_from=2016-04-01&period_to=2016-04-30', body: csv(CRIME_HEADER, ...crimeRows(`T${++uploadSeq}`, 3, '2016-04-01')) }),
    allowed: { 'police-uploader': 201 },
    shape: (b) => expect(b).toMatchObject({ dataset: 'police_crime', partner: 'leicestershire-police', status: 'accepted', rows_read: 3, rows_accepted: 3, rows_rejected: 0 }),
  },
  {
    name: 'two-step upload', route: '/v1/uploads',
    request: () => ({ method: 'POST', path: '/v1/uploads?dataset=school_exclusion&partner=leicester-city-council' }),
    allowed: { 'city-education-uploader': 202 },
    shape: (b) => {
      expect(b).toMatchObject({ status: 'waiting_for_file', method: 'PUT' });
      expect(b.upload_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/local-uploads\/up-\d{14}-[0-9a-f]{8}\?expires=\d+&signature=/);
    },
  },
  {
    name: 'upload under another partner', route: '/v1/uploads',
    request: () => ({ method: 'POST', path: '/v1/uploads?dataset=asb_incident&partner=leicester-city-council', body: 'x' }),
    allowed: { 'city-education-uploader': 422 },
    shape: (b) => expect(b).toMatchObject({ status: 'rejected', partner: 'leicester-city-council' }),
  },
  {
    name: 'upload list', route: '/v1/uploads',
    request: () => ({ method: 'GET', path: '/v1/uploads?limit=200' }),
    allowed: { 'police-uploader': 200, 'city-education-uploader': 200, 'vrn-analyst': 200 },
    shape: (b, user) => {
      const partners = new Set(b.uploads.map((u: { partner: string }) => u.partner));
      if (user === 'police-uploader') expect(partners).toEqual(new Set(['leicestershire-police']));
      else if (user === 'city-education-uploader') expect(partners).toEqual(new Set(['leicester-city-council']));
      else expect(partners.size).toBeGreaterThan(5);
    },
  },
  {
    name: 'upload list of another partner', route: '/v1/uploads',
    request: () => ({ method: 'GET', path: '/v1/uploads?partner=uhl' }),
    allowed: { 'vrn-analyst': 200 },
    shape: (b) => expect(b.uploads).toMatchObject([{ partner: 'uhl', dataset: 'ae_attendance' }]),
  },
  {
    name: 'upload status', route: '/v1/uploads/:id',
    request: () => ({ method: 'GET', path: `/v1/uploads/${policeUpload}` }),
    // Another partner's upload answers as a missing one would (tests/api/upload-lifecycle.test.ts).
    allowed: { 'police-uploader': 200, 'vrn-analyst': 200, 'city-education-uploader': 404 },
    shape: (b) => expect(b).toMatchObject({ upload_id: policeUpload, status: 'accepted', report: { dataset: 'police_crime', partner: 'leicestershire-police' } }),
  },
  {
    name: 'measures', route: '/v1/measures',
    request: () => ({ method: 'GET', path: '/v1/measures?period=2024-25' }),
    allowed: { 'vrn-analyst': 200, 'charnwood-csp': 200, 'performance-lead': 200 },
    shape: (b) => {
      expect(b).toMatchObject({ period: '2024-25', baseline: '2019-20' });
      expect(b.measures.map((m: any) => `${m.id}/${m.split}`)).toContain('knife_serious_violence/under_25');
    },
  },
  {
    name: 'indicators, a quarter', route: '/v1/indicators',
    request: () => ({ method: 'GET', path: '/v1/indicators?period=2025-26-Q1' }),
    // A CSP officer gets their own locality by default, disclosure-controlled; the lead and analysts the whole area.
    allowed: { 'vrn-analyst': 200, 'charnwood-csp': 200, 'performance-lead': 200 },
    shape: (b, user) => {
      expect(b).toMatchObject({ period: '2025-26-Q1', kind: 'quarter', from: '2025-04-01', to: '2025-06-30' });
      expect(b.area).toBe(user === 'charnwood-csp' ? 'charnwood' : 'llr');
      expect(b.audience).toBe(user === 'charnwood-csp' ? 'csp' : 'analyst');
      expect(b.rounded).toBe(user === 'charnwood-csp');
      const total = b.indicators.find((i: any) => i.id === 'total_crime');
      expect(total).toMatchObject({ data_to: '2025-09-30', partial: false, previous: { period: '2024-25-Q1' } });
      expect(total.by_locality).toHaveLength(9);
      if (user === 'charnwood-csp') for (const l of total.by_locality) expect(l.count === null || l.count % 5 === 0).toBe(true);
    },
  },
  {
    name: 'indicators, every figure (analyst audience)', route: '/v1/indicators',
    request: () => ({ method: 'GET', path: '/v1/indicators?period=R12-2025-09&area=leicester&audience=analyst&format=csv' }),
    allowed: { 'vrn-analyst': 200, 'performance-lead': 200 },
    shape: (b) => expect(b).toMatch(/^Produced by,.*\r\nPeriod,R12-2025-09\r\nData to,2025-09-30\r\n/s),
  },
  {
    name: 'indicators, another locality', route: '/v1/indicators',
    request: () => ({ method: 'GET', path: '/v1/indicators?period=2025-26-YTD&area=leicester&audience=csp' }),
    allowed: { 'vrn-analyst': 200, 'performance-lead': 200 },
    shape: (b) => expect(b).toMatchObject({ area: 'leicester', kind: 'ytd', rounded: true }),
  },
  {
    name: 'public monitoring report', route: '/v1/reports/public',
    request: () => ({ method: 'GET', path: '/v1/reports/public?period=2025-26-Q1' }),
    allowed: { 'vrn-analyst': 200, 'charnwood-csp': 200, 'performance-lead': 200 },
    shape: (b) => {
      expect(b).toMatch(/public monitoring report 2025-26-Q1/);
      expect(b).toMatch(/data to 2025-/);
    },
  },
  {
    name: 'own locality profile', route: '/v1/localities/:slug/profile',
    request: () => ({ method: 'GET', path: '/v1/localities/charnwood/profile?period=2024-25' }),
    allowed: { 'vrn-analyst': 200, 'charnwood-csp': 200 },
    shape: (b) => expect(b).toMatchObject({ locality: 'charnwood', period: '2024-25', audience: 'csp', serious_violence: expect.any(Object) }),
  },
  {
    name: 'another locality profile', route: '/v1/localities/:slug/profile',
    request: () => ({ method: 'GET', path: '/v1/localities/leicester/profile?period=2024-25&audience=analyst' }),
    allowed: { 'vrn-analyst': 200 },
    shape: (b) => expect(b).toMatchObject({ locality: 'leicester', audience: 'analyst' }),
  },
  {
    name: 'own profile without disclosure control', route: '/v1/localities/:slug/profile',
    request: () => ({ method: 'GET', path: '/v1/localities/charnwood/profile?period=2024-25&audience=analyst' }),
    allowed: { 'vrn-analyst': 200 },
  },
  {
    name: 'city cohort', route: '/v1/panels/:panel/cohort',
    request: () => ({ method: 'GET', path: '/v1/panels/city/cohort?as_of=2025-09-30' }),
    allowed: { 'vrn-analyst': 200, 'city-panel': 200 },
    shape: (b) => {
      expect(b).toMatchObject({ panel: 'city', as_of: '2025-09-30' });
      expect(b.count).toBe(b.members.length);
      expect(b.members[0]).toMatchObject({ person_id: expect.stringMatching(/^P-/), criteria: expect.any(Array), score: expect.any(Number) });
    },
  },
  {
    name: 'county cohort', route: '/v1/panels/:panel/cohort',
    request: () => ({ method: 'GET', path: '/v1/panels/county/cohort?as_of=2025-09-30&format=csv' }),
    allowed: { 'vrn-analyst': 200, 'county-panel': 200 },
    // An export opens with the VRU, the period, the data to date and when, then the labelled header.
    shape: (b) => expect(b).toMatch(/^Produced by,"Leicester, Leicestershire and Rutland Violence Reduction Network"\r\nPeriod,as of 2025-09-30\r\nData to,2025-09-30\r\n[^\r]*\r\n\r\nPerson id,Age,Sex,Locality,Criteria/),
  },
  {
    name: 're-identification', route: '/v1/panels/:panel/cohort/:person_id/reidentify',
    request: () => ({ method: 'POST', path: `/v1/panels/city/cohort/${cityMember}/reidentify`, body: { as_of: '2025-09-30', reason: 'panel_referral' } }),
    allowed: { 'city-panel': 200 },
    shape: (b) => {
      expect(b).toMatchObject({ person_id: cityMember, organisation: 'leicester-city-council', reason: 'panel_referral' });
      expect(b.records.length).toBeGreaterThan(0);
      for (const r of b.records) expect(r.reference).toEqual(expect.any(String));
    },
  },
  {
    name: 'record a panel meeting', route: '/v1/panels/:panel/meetings',
    request: () => ({ method: 'POST', path: '/v1/panels/city/meetings', body: { date: '2025-09-30' } }),
    allowed: { 'city-panel': 201 },
    shape: (b) => expect(b).toMatchObject({ panel: 'city', date: '2025-09-30', previous: null, members: expect.any(Number), recorded_by: 'city-panel' }),
  },
  {
    name: 'record a county panel meeting', route: '/v1/panels/:panel/meetings',
    request: () => ({ method: 'POST', path: '/v1/panels/county/meetings', body: { date: '2025-09-30' } }),
    allowed: { 'county-panel': 201 },
  },
  {
    name: 'panel meetings', route: '/v1/panels/:panel/meetings',
    request: () => ({ method: 'GET', path: '/v1/panels/city/meetings' }),
    allowed: { 'vrn-analyst': 200, 'city-panel': 200 },
    shape: (b) => expect(b.meetings).toMatchObject([{ date: '2025-09-30', recorded_by: 'city-panel' }]),
  },
  {
    name: 'panel list', route: '/v1/panels/:panel/list',
    request: () => ({ method: 'GET', path: '/v1/panels/city/list?sort=age' }),
    allowed: { 'vrn-analyst': 200, 'city-panel': 200 },
    shape: (b) => {
      expect(b).toMatchObject({ panel: 'city', meeting: '2025-09-30', legend: { criteria: expect.any(Array) } });
      expect(b.rows[0]).toMatchObject({ status: 'new', reasons: expect.any(Array), events_words: expect.any(String) });
    },
  },
  {
    name: 'county panel list as CSV', route: '/v1/panels/:panel/list',
    request: () => ({ method: 'GET', path: '/v1/panels/county/list?format=csv' }),
    allowed: { 'vrn-analyst': 200, 'county-panel': 200 },
    shape: (b) => expect(b).toMatch(/\r\nPerson id,Status,Why,Age,Sex,Locality,Criteria,Factors,Score,Reasons,Events,/),
  },
  {
    name: 'panel decision', route: '/v1/panels/:panel/decisions/:person_id',
    request: () => ({ method: 'POST', path: `/v1/panels/city/decisions/${cityMember}`, body: { meeting: '2025-09-30', decision: 'refer_programme', programme: 'reach', consent: 'given' } }),
    allowed: { 'city-panel': 200 },
    shape: (b) => expect(b).toMatchObject({ person_id: cityMember, decision: 'refer_programme', programme: 'reach', by: 'city-panel' }),
  },
  {
    name: 'panel monitoring', route: '/v1/panels/:panel/monitor',
    request: () => ({ method: 'GET', path: '/v1/panels/city/monitor' }),
    allowed: { 'vrn-analyst': 200, 'city-panel': 200, 'performance-lead': 200 },
    shape: (b) => {
      expect(b).toMatchObject({ panel: 'city', months: expect.any(Array), all: { month: 'all' }, reached: { age_band: expect.any(Object) } });
      expect(JSON.stringify(b)).not.toMatch(/P-[A-Za-z0-9_-]{12}/); // counts, never the list
    },
  },
  {
    name: 'deep dive', route: '/v1/deep-dive',
    request: () => ({ method: 'GET', path: '/v1/deep-dive?groups=robbery_personal,robbery_business&area=leicester&period=2024-25' }),
    allowed: { 'vrn-analyst': 200 },
    shape: (b) => expect(b).toMatchObject({ area: 'leicester', period: '2024-25' }),
  },
  {
    name: 'programme', route: '/v1/programmes/:id',
    request: () => ({ method: 'GET', path: '/v1/programmes/phoenix?period=2023-24' }),
    allowed: { 'vrn-analyst': 200, 'performance-lead': 200, 'phoenix-lead': 200 },
    shape: (b, user) => {
      expect(b).toMatchObject({ programme: 'phoenix', period: '2023-24', audience: user === 'vrn-analyst' ? 'analyst' : 'csp' });
      expect(b.outcomes.windows.map((w: { months: number }) => w.months)).toEqual([6, 12]);
    },
  },
  {
    name: "another programme's report", route: '/v1/programmes/:id',
    request: () => ({ method: 'GET', path: '/v1/programmes/vip?period=2023-24' }),
    allowed: { 'vrn-analyst': 200, 'performance-lead': 200 },
    shape: (b) => expect(b).toMatchObject({ programme: 'vip' }),
  },
  {
    name: 'programme, uncontrolled', route: '/v1/programmes/:id',
    request: () => ({ method: 'GET', path: '/v1/programmes/phoenix?period=2023-24&audience=analyst' }),
    allowed: { 'vrn-analyst': 200 },
    shape: (b) => expect(b).toMatchObject({ programme: 'phoenix', audience: 'analyst' }),
  },
  {
    name: 'SQL', route: '/v1/queries',
    request: () => ({ method: 'POST', path: '/v1/queries', body: { sql: 'SELECT count(*) AS crimes FROM police_crime' } }),
    allowed: { 'vrn-analyst': 200 },
    shape: (b) => expect(b).toMatchObject({ columns: [{ name: 'crimes' }], rows: [{ crimes: expect.stringMatching(/^\d+$/) }], truncated: false }),
  },
  {
    name: 'linkage review queue', route: '/v1/linkage/review',
    request: () => ({ method: 'GET', path: '/v1/linkage/review' }),
    allowed: { 'vrn-analyst': 200 },
    shape: (b) => expect(b).toEqual({ total: expect.any(Number), offset: 0, limit: 100, pairs: expect.any(Array) }),
  },
  {
    name: 'linkage review decision', route: '/v1/linkage/review/:pair',
    request: () => ({ method: 'POST', path: '/v1/linkage/review/R-notqueued', body: { decision: 'accept' } }),
    allowed: { 'vrn-analyst': 404 },
  },
  {
    name: 'linkage review undo', route: '/v1/linkage/review/:pair',
    request: () => ({ method: 'DELETE', path: '/v1/linkage/review/R-notdecided' }),
    allowed: { 'vrn-analyst': 404 },
  },
  {
    name: 'blind review of auto-links', route: '/v1/linkage/review/blind',
    request: () => ({ method: 'GET', path: '/v1/linkage/review/blind' }),
    allowed: { 'vrn-analyst': 200 },
    shape: (b) => {
      expect(b).toEqual({ total: expect.any(Number), offset: 0, limit: 100, pairs: expect.any(Array) });
      for (const p of b.pairs) expect(Object.keys(p).sort()).toEqual(['fields', 'pair', 'records']);
    },
  },
  {
    name: 'blind review decision', route: '/v1/linkage/review/blind/:pair',
    request: () => ({ method: 'POST', path: '/v1/linkage/review/blind/B-notoffered', body: { decision: 'accept' } }),
    allowed: { 'vrn-analyst': 404 },
  },
  {
    name: 'linkage review stats', route: '/v1/linkage/review/stats',
    request: () => ({ method: 'GET', path: '/v1/linkage/review/stats' }),
    allowed: { 'vrn-analyst': 200 },
    shape: (b) => expect(b).toMatchObject({ blind: { autoLinked: expect.any(Number) }, queue: { waiting: expect.any(Number) } }),
  },
  {
    name: 'audit trail', route: '/v1/audit',
    request: () => ({ method: 'GET', path: '/v1/audit?limit=5' }),
    allowed: { admin: 200 },
    shape: (b) => expect(b.entries.length).toBe(5),
  },
];

async function call(r: ReturnType<RouteCase['request']>, token?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (r.body && typeof r.body === 'object') headers['content-type'] = 'application/json';
  const response = await fetch(`${s.url}${r.path}`, { method: r.method, headers, body: typeof r.body === 'object' ? JSON.stringify(r.body) : r.body });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  return { status: response.status, body: json };
}

const lastAudit = async () => (await s.platform.audit.read({ limit: 1 }))[0];

describe('every route × every local user over HTTP', () => {
  const table = routes.flatMap((route) => users.map((user) => [route.name, user, route.allowed[user] ?? 403] as const));
  it.each(table)('%s as %s → %i, audited', async (name, user, expected) => {
    const route = routes.find((r) => r.name === name)!;
    const { status, body } = await call(route.request(), await s.token(user));
    expect({ status, body: status === expected ? 'as expected' : body }).toEqual({ status: expected, body: 'as expected' });
    if (expected < 300) route.shape?.(body, user);
    else if (expected === 403) expect(body).toMatchObject({ error: 'forbidden', message: expect.any(String) });
    const entry = await lastAudit();
    expect(entry).toMatchObject({ user, role: localUsers.find((u) => u.id === user)!.role, route: route.route, status: expected, outcome: expected === 403 ? 'denied' : 'allowed' });
    if (expected === 403) expect(entry.reason).toEqual(expect.any(String));
    // The scope asked for is recorded whether or not it was allowed.
    if (route.route.startsWith('/v1/panels/:panel/')) expect(entry.scope.panel).toMatch(/^(city|county)$/);
    if (route.route === '/v1/localities/:slug/profile') expect(entry.scope.locality).toMatch(/^(charnwood|leicester)$/);
  });

  it.each(routes.map((r) => [r.name] as const))('%s without a token → 401, audited as anonymous', async (name) => {
    const route = routes.find((r) => r.name === name)!;
    const { status, body } = await call(route.request());
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'unauthorised', message: 'a bearer token is required' });
    expect(await lastAudit()).toMatchObject({ user: 'anonymous', role: 'none', outcome: 'denied', status: 401 });
  });
});

describe('tokens', () => {
  it('refuses tampered, expired, foreign and malformed tokens with 401 on every route', async () => {
    const expired = await new LocalTokens(localTokenKeyFile(s.dir), undefined, () => new Date(s.platform.now().getTime() - 48 * 3600_000)).sign('admin');
    const tampered = tamper(await s.token('charnwood-csp'), { sub: 'admin' });
    for (const route of routes) {
      for (const [token, message] of [[expired, 'the token has expired'], [tampered, 'the token signature is not valid'], ['abc', 'the token is not a valid signed token']]) {
        const { status, body } = await call(route.request(), token);
        expect({ route: route.name, status, message: body.message }).toEqual({ route: route.name, status: 401, message });
      }
    }
    const { status } = await call({ method: 'GET', path: '/v1/audit' }, undefined);
    expect(status).toBe(401);
    const response = await fetch(`${s.url}/v1/audit`, { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(response.status).toBe(401);
  });
});

describe('the audit trail over HTTP', () => {
  it('never holds an identity value, a reference or query text, and stays whole', async () => {
    const text = JSON.stringify(await s.platform.audit.read());
    expect(text).not.toMatch(/SELECT count/);
    const { body } = await call(routes.find((r) => r.name === 're-identification')!.request(), await s.token('city-panel'));
    for (const r of body.records) expect(text).not.toContain(r.reference);
    const { FileAuditSink } = await import('../../functions/platform/audit/file.ts');
    expect((await (s.platform.audit as InstanceType<typeof FileAuditSink>).verify()).problems).toEqual([]);
  });

  it('filters for the admin by user and outcome', async () => {
    const { status, body } = await call({ method: 'GET', path: '/v1/audit?user=charnwood-csp&outcome=denied&limit=1000' }, await s.token('admin'));
    expect(status).toBe(200);
    expect(body.entries.length).toBeGreaterThan(3);
    for (const e of body.entries) expect(e).toMatchObject({ user: 'charnwood-csp', outcome: 'denied', status: 403 });
  });
});
