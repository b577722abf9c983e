import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CohortResult } from '../../analytics/products/cohort.ts';
import { runProduct } from '../../functions/products/service.ts';
import { productBodies } from '../../functions/api/routes/products.ts';
import { AuditBody, QueryResultBody, UploadStatusBody } from '../../functions/api/routes/schemas.ts';
import { startSampleServer } from './sample-server.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv } from '../helpers.ts';

let s: Awaited<ReturnType<typeof startSampleServer>>;
beforeAll(async () => { s = await startSampleServer({ limits: { queryMaxRows: 50, queryTimeoutMs: 300, directUploadBytes: 64 * 1024 } }); });
afterAll(() => s?.stop());

async function api(user: string | null, method: string, path: string, body?: BodyInit | object, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { ...headers };
  if (user) h.authorization = `Bearer ${await s.token(user)}`;
  const json = body !== undefined && typeof body === 'object' && !(body instanceof Uint8Array);
  if (json) h['content-type'] = 'application/json';
  const response = await fetch(`${s.url}${path}`, { method, headers: h, body: json ? JSON.stringify(body) : body as BodyInit | undefined });
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, body: type.includes('json') ? await response.json() : await response.text() };
}

const sampleCsv = (name: string) => readFileSync(new URL(`../../sample-data/extracts/${name}`, import.meta.url));

describe('a large extract through an upload URL', () => {
  it('hands out a signed URL; the file sent there is ingested in the background; only its partner reads the status', async () => {
    // CRLF line ends: the same rows as the committed extract, in a file not seen before.
    const file = Buffer.from(sampleCsv('leicester-city-council__school_exclusion.csv').toString().replace(/\r?\n/g, '\r\n'));
    const asked = await api('city-education-uploader', 'POST', '/v1/uploads?dataset=school_exclusion&partner=leicester-city-council', undefined, { 'content-length': String(10 ** 9) });
    expect(asked.status).toBe(202);
    const id = asked.body.upload_id;
    expect((await api('city-education-uploader', 'GET', `/v1/uploads/${id}`)).body).toEqual({ upload_id: id, status: 'waiting_for_file' });
    expect((await api('police-uploader', 'GET', `/v1/uploads/${id}`)).status).toBe(404); // another partner's: as if there were none

    const url = new URL(asked.body.upload_url);
    const forged = `${url.origin}${url.pathname}?expires=${Number(url.searchParams.get('expires')) + 1}&signature=${url.searchParams.get('signature')}`;
    expect((await fetch(forged, { method: 'PUT', body: file })).status).toBe(403);
    const put = await fetch(asked.body.upload_url, { method: 'PUT', body: file });
    expect(put.status).toBe(200);
    let status = (await api('city-education-uploader', 'GET', `/v1/uploads/${id}`)).body;
    for (let i = 0; i < 100 && !status.report; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await api('city-education-uploader', 'GET', `/v1/uploads/${id}`)).body;
    }
    expect(status).toMatchObject({ upload_id: id, status: 'accepted', report: { upload_id: id, dataset: 'school_exclusion', rows_read: 107, rows_accepted: 105, rows_rejected: 2 } });
    expect(status.report.duplicate_of).toBeUndefined();
    expect((await fetch(asked.body.upload_url, { method: 'PUT', body: file })).status).toBe(409);
    expect(await s.platform.storage.exists(`raw/${id}`)).toBe(false);
  });

  it('recognises a file sent before that still counts: the upload answers with the earlier report under its own id', async () => {
    const asked = await api('city-education-uploader', 'POST', '/v1/uploads?dataset=school_exclusion&partner=leicester-city-council');
    // the CRLF file of the test before, which replaced the committed one for its period
    const file = Buffer.from(sampleCsv('leicester-city-council__school_exclusion.csv').toString().replace(/\r?\n/g, '\r\n'));
    expect((await fetch(asked.body.upload_url, { method: 'PUT', body: file })).status).toBe(200);
    let status = { status: 'ingesting' } as { status: string; report?: object };
    for (let i = 0; i < 100 && !status.report; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await api('city-education-uploader', 'GET', `/v1/uploads/${asked.body.upload_id}`)).body;
    }
    expect(status).toMatchObject({ status: 'accepted', report: { upload_id: asked.body.upload_id, duplicate_of: expect.stringMatching(/^up-/) } });
  });

  it('answers an over-long body sent without its length with a clear 400', async () => {
    const big = new Uint8Array(70 * 1024).fill(65);
    const stream = new ReadableStream({ start(c) { c.enqueue(big); c.close(); } });
    const response = await fetch(`${s.url}/v1/uploads?dataset=police_crime&partner=leicestershire-police`, {
      method: 'POST', body: stream, headers: { authorization: `Bearer ${await s.token('police-uploader')}` }, duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/go through an upload URL: send the request with no body/);
  });
});

describe('validation: 400 with a message naming the field', () => {
  it.each([
    ['vrn-analyst', 'GET', '/v1/measures', 'period: '],
    ['vrn-analyst', 'GET', '/v1/measures?period=2024', 'period: period must be a financial year like 2024-25'],
    ['vrn-analyst', 'GET', '/v1/measures?period=2024-25&format=pdf', 'format: '],
    ['vrn-analyst', 'GET', '/v1/localities/Char!/profile?period=2024-25', 'slug: locality must be lower-case letters, digits and hyphens'],
    ['vrn-analyst', 'GET', '/v1/localities/atlantis/profile?period=2024-25', 'unknown locality "atlantis"'],
    ['vrn-analyst', 'GET', '/v1/panels/city/cohort?as_of=30/09/2025', 'as_of: as_of must be a date YYYY-MM-DD'],
    ['vrn-analyst', 'GET', '/v1/deep-dive?groups=piracy&area=leicester&period=2024-25', 'unknown offence group(s) piracy'],
    ['vrn-analyst', 'GET', '/v1/uploads/nonsense', 'id: an upload id looks like'],
    ['police-uploader', 'POST', '/v1/uploads?dataset=police_crime', 'partner: '],
    ['admin', 'GET', '/v1/audit?outcome=maybe', 'outcome: '],
  ])('%s %s %s', async (user, method, path, message) => {
    const { status, body } = await api(user, method, path);
    expect(status).toBe(400);
    expect(body.error).toBe('bad_request');
    expect(body.message).toContain(message);
  });

  it('refuses a role that may never take the action before looking at the request (403, not 400)', async () => {
    expect((await api('admin', 'GET', '/v1/measures')).status).toBe(403);
  });

  it('re-identification needs a reason from the list, and a member of the cohort', async () => {
    const bad = await api('city-panel', 'POST', '/v1/panels/city/cohort/P-abcdefgh/reidentify', { as_of: '2025-09-30', reason: 'curious about Jane Smith' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^reason: /);
    const missing = await api('city-panel', 'POST', '/v1/panels/city/cohort/P-abcdefgh/reidentify', { as_of: '2025-09-30', reason: 'safeguarding' });
    expect(missing).toMatchObject({ status: 404, body: { message: 'P-abcdefgh is not in the city cohort on 2025-09-30' } });
  });
});

describe('re-identification', () => {
  it('reveals only the coordinator\'s own organisation\'s references, audited without them', async () => {
    const cohort = await runProduct(s.platform, 'sql', { product: 'cohort', panel: 'county', asOf: '2025-09-30' }) as CohortResult;
    const member = cohort.members.find((m) => m.records.some((r) => r.partner === 'leicestershire-county-council') && m.records.some((r) => r.partner !== 'leicestershire-county-council'))!;
    const { status, body } = await api('county-panel', 'POST', `/v1/panels/county/cohort/${member.person_id}/reidentify`, { as_of: '2025-09-30', reason: 'record_check' });
    expect(status).toBe(200);
    const own = member.records.filter((r) => r.partner === 'leicestershire-county-council');
    expect(body.records.map((r: { record_key: string }) => r.record_key)).toEqual(own.map((r) => r.record_key));
    expect(body.other_organisations_records).toBe(member.records.length - own.length);
    // The references are the partner's own: the committed extract holds each one.
    const supplied = ['school_exclusion', 'asb_incident', 'support_episode'].map((d) => sampleCsv(`leicestershire-county-council__${d}.csv`).toString()).join('\n');
    for (const r of body.records) expect(supplied).toContain(`${r.reference},`);
    const [entry] = await s.platform.audit.read({ limit: 1 });
    expect(entry).toMatchObject({ user: 'county-panel', route: '/v1/panels/:panel/cohort/:person_id/reidentify', scope: { panel: 'county', partner: 'leicestershire-county-council' }, touched: { person_id: member.person_id, reason: 'record_check', references_revealed: String(own.length) } });
    expect(JSON.stringify(entry)).not.toContain(body.records[0].reference);
  });
});

describe('SQL for analysts', () => {
  const run = (sql: string, max_rows?: number) => api('vrn-analyst', 'POST', '/v1/queries', { sql, max_rows });
  it.each([
    ["COPY police_crime TO '/tmp/out.csv'", /only SELECT/],
    ["ATTACH '/tmp/x.db'", /only SELECT/],
    ['INSTALL httpfs', /only SELECT/],
    ['PRAGMA database_list', /only SELECT/],
    ["SET threads = 1", /only SELECT/],
    ['SELECT 1; DROP VIEW police_crime', /exactly one SELECT/],
    ["SELECT * FROM read_csv('/etc/passwd')", /./],
    ["SELECT * FROM read_parquet('https://example.org/x.parquet')", /./],
    ['SELECT count(*) FROM range(100000000000)', /time limit \(0.3 s\)/],
  ])('refuses %s', async (sql, message) => {
    const { status, body } = await run(sql);
    expect(status).toBe(400);
    expect(body.error).toBe('query_refused');
    expect(body.message).toMatch(message);
  });

  it('truncates at the row limit and refuses a limit above the maximum', async () => {
    const { body } = await run('SELECT * FROM range(1000)');
    expect(body).toMatchObject({ truncated: true, max_rows: 50 });
    expect(body.rows.length).toBe(50);
    expect((await run('SELECT 1', 10)).body.rows).toEqual([{ '1': 1 }]);
    expect((await run('SELECT 1', 51)).status).toBe(400);
  });

  it('records the query\'s hash, never its text', async () => {
    await run("SELECT count(*) FROM police_crime WHERE offence_group = 'robbery_personal'");
    const [entry] = await s.platform.audit.read({ limit: 1 });
    expect(entry.touched?.query_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(entry)).not.toContain('robbery_personal');
  });
});

describe('the portal session cookie', () => {
  it('reads with the cookie; writes only from the portal\'s own scripts; portal forms only from this origin', async () => {
    const cookie = `vrn_session=${await s.token('vrn-analyst')}`;
    expect((await fetch(`${s.url}/v1/measures?period=2024-25`, { headers: { cookie } })).status).toBe(200);
    const query = { method: 'POST', body: JSON.stringify({ sql: 'SELECT 1' }), headers: { cookie, 'content-type': 'application/json' } };
    expect((await fetch(`${s.url}/v1/queries`, query)).status).toBe(401);
    expect((await fetch(`${s.url}/v1/queries`, { ...query, headers: { ...query.headers, 'x-vrn-portal': '1' } })).status).toBe(200);
    const form = { method: 'POST', body: new URLSearchParams({ sql: 'SELECT 1' }), headers: { cookie } };
    expect((await fetch(`${s.url}/portal/sql`, { ...form, headers: { ...form.headers, origin: 'https://elsewhere.example' } })).status).toBe(403);
    expect((await fetch(`${s.url}/portal/sql`, { ...form, headers: { ...form.headers, origin: s.url } })).status).toBe(200);
  });
});

describe('the API through the portal (/portal/api)', () => {
  it('carries the session as the bearer token, so downloads and uploads pass a gateway that reads only Authorization', async () => {
    const cookie = `vrn_session=${await s.token('charnwood-csp')}`;
    const xlsx = await fetch(`${s.url}/portal/api/localities/charnwood/profile?period=2024-25&format=xlsx`, { headers: { cookie } });
    expect(xlsx.status).toBe(200);
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    expect((await fetch(`${s.url}/portal/api/localities/melton/profile?period=2024-25`, { headers: { cookie } })).status).toBe(403);
    const trail = await s.platform.audit.read({ user: 'charnwood-csp' });
    expect(trail.slice(-2).map((e) => [e.route, e.status])).toEqual([['/v1/localities/:slug/profile', 200], ['/v1/localities/:slug/profile', 403]]);

    const uploader = `vrn_session=${await s.token('police-uploader')}`;
    const upload = { method: 'POST', body: csv(CRIME_HEADER, ...crimeRows('PP', 2)), headers: { cookie: uploader, 'content-type': 'text/csv' } };
    const path = `${s.url}/portal/api/uploads?dataset=police_crime&partner=${POLICE}`;
    expect((await fetch(path, upload)).status).toBe(403); // a write needs the portal's own header
    const sent = await fetch(path, { ...upload, headers: { ...upload.headers, 'x-vrn-portal': '1' } });
    expect(sent.status).toBe(201);
    expect(await sent.json()).toMatchObject({ status: 'accepted', rows_accepted: 2 });
  });
});

describe('the linkage review queue', () => {
  it('lists pairs by which fields agreed, takes an analyst\'s decision, and then leaves the pair out', async () => {
    const listed = await api('vrn-analyst', 'GET', '/v1/linkage/review');
    expect(listed.status).toBe(200);
    expect(listed.body.pairs.length).toBeGreaterThan(0);
    const [first] = listed.body.pairs;
    expect(Object.keys(first.fields).sort()).toEqual(['dob', 'forename', 'postcode', 'sex', 'surname']);
    expect(Object.values(first.fields).every((a) => ['agree', 'partial', 'disagree', 'missing'].includes(a as string))).toBe(true);
    const logOdds = first.evidence.prior + first.evidence.comparisons.reduce((sum: number, c: { weight: number }) => sum + c.weight, 0);
    expect(1 / (1 + Math.exp(-logOdds))).toBeCloseTo(first.score, 3);

    const decided = await api('vrn-analyst', 'POST', `/v1/linkage/review/${first.pair}`, { decision: 'reject' });
    expect(decided).toMatchObject({ status: 200, body: { decision: 'reject', pair: first.pair, by: 'vrn-analyst' } });
    expect((await s.platform.audit.read({ limit: 1 }))[0]).toMatchObject({ route: '/v1/linkage/review/:pair', touched: { review_pair: first.pair, decision: 'reject' } });
    const after = await api('vrn-analyst', 'GET', '/v1/linkage/review');
    expect(after.body.pairs.map((p: { pair: string }) => p.pair)).not.toContain(first.pair);
    expect((await api('vrn-analyst', 'POST', `/v1/linkage/review/${first.pair}`, { decision: 'accept' })).status).toBe(404);
    expect((await api('vrn-analyst', 'POST', '/v1/linkage/review/R-x', { decision: 'maybe' })).status).toBe(400);
  });

  it('undoes a decision: the pair comes back, and the undoing is audited', async () => {
    const [first] = (await api('vrn-analyst', 'GET', '/v1/linkage/review')).body.pairs;
    expect((await api('vrn-analyst', 'POST', `/v1/linkage/review/${first.pair}`, { decision: 'accept' })).status).toBe(200);
    const undone = await api('vrn-analyst', 'DELETE', `/v1/linkage/review/${first.pair}`);
    expect(undone).toMatchObject({ status: 200, body: { decision: 'accept', pair: first.pair } });
    expect((await s.platform.audit.read({ limit: 1 }))[0]).toMatchObject({ method: 'DELETE', route: '/v1/linkage/review/:pair', touched: { review_pair: first.pair, decision: 'undo' } });
    expect((await api('vrn-analyst', 'GET', '/v1/linkage/review?limit=1000')).body.pairs.map((p: { pair: string }) => p.pair)).toContain(first.pair);
    expect((await api('vrn-analyst', 'DELETE', `/v1/linkage/review/${first.pair}`)).status).toBe(404);
  });

  it('offers auto-links blind, and estimates precision from the decisions on them', async () => {
    const blind = await api('vrn-analyst', 'GET', '/v1/linkage/review/blind');
    expect(blind.status).toBe(200);
    expect(blind.body.pairs.length).toBeGreaterThan(0);
    const text = JSON.stringify(blind.body);
    expect(text).not.toMatch(/score|evidence|weight/);
    const [first] = blind.body.pairs;
    expect((await api('vrn-analyst', 'POST', `/v1/linkage/review/${first.pair}`, { decision: 'accept' })).status).toBe(400); // a blind id is not a queue id
    const decided = await api('vrn-analyst', 'POST', `/v1/linkage/review/blind/${first.pair}`, { decision: 'accept' });
    expect(decided).toMatchObject({ status: 200, body: { decision: 'accept', pair: first.pair } });
    expect((await s.platform.audit.read({ limit: 1 }))[0]).toMatchObject({ route: '/v1/linkage/review/blind/:pair', touched: { review_pair: first.pair, decision: 'accept' } });
    const stats = await api('vrn-analyst', 'GET', '/v1/linkage/review/stats');
    expect(stats.status).toBe(200);
    expect(stats.body.blind).toMatchObject({ accepted: 1, rejected: 0, offered: blind.body.total });
    expect(stats.body.precision).toMatchObject({ estimate: 1, high: expect.any(Number) });
    expect(stats.body.precision.low).toBeLessThan(1);
    expect((await api('vrn-analyst', 'GET', '/v1/linkage/review/blind')).body.total).toBe(blind.body.total - 1);
    expect((await api('vrn-analyst', 'DELETE', `/v1/linkage/review/${first.pair}`)).status).toBe(200);
    expect((await api('vrn-analyst', 'GET', '/v1/linkage/review/stats')).body.precision).toBeNull();
  });

  it('pages the queue, best score first, and refuses a page size out of range', async () => {
    const whole = await api('vrn-analyst', 'GET', '/v1/linkage/review?limit=1000');
    expect(whole.body.total).toBe(whole.body.pairs.length);
    expect(whole.body.total).toBeGreaterThan(1);
    const scores = whole.body.pairs.map((p: { score: number }) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const second = await api('vrn-analyst', 'GET', '/v1/linkage/review?limit=1&offset=1');
    expect(second.body).toMatchObject({ total: whole.body.total, offset: 1, limit: 1 });
    expect(second.body.pairs).toEqual(whole.body.pairs.slice(1, 2));
    const bad = await api('vrn-analyst', 'GET', '/v1/linkage/review?limit=5000');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/limit/);
  });
});

describe('files and the OpenAPI document', () => {
  it('serves the Home Office return as XLSX and the profile as HTML with charts', async () => {
    const xlsx = await fetch(`${s.url}/v1/measures?period=2024-25&format=xlsx`, { headers: { authorization: `Bearer ${await s.token('performance-lead')}` } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toBe('attachment; filename="success-measures-2024-25.xlsx"');
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    const html = await api('charnwood-csp', 'GET', '/v1/localities/charnwood/profile?period=2024-25&format=html');
    expect(html.status).toBe(200);
    expect(html.body).toContain('<svg');
  });

  it('answers in the shapes the OpenAPI document declares', async () => {
    const cases: [string, string, { safeParse: (v: unknown) => { success: boolean; error?: unknown } }][] = [
      ['vrn-analyst', '/v1/measures?period=2024-25', productBodies.Measures],
      ['vrn-analyst', '/v1/localities/melton/profile?period=2024-25', productBodies.Profile],
      ['vrn-analyst', '/v1/panels/county/cohort?as_of=2025-09-30', productBodies.Cohort],
      ['vrn-analyst', '/v1/deep-dive?groups=rape&area=llr&period=2024-25', productBodies.DeepDive],
      ['admin', '/v1/audit?limit=20', AuditBody],
    ];
    for (const [user, path, schema] of cases) {
      const { status, body } = await api(user, 'GET', path);
      expect({ path, status, issues: schema.safeParse(body).error }).toEqual({ path, status: 200, issues: undefined });
    }
    const catalog = await s.platform.catalog.read();
    expect(UploadStatusBody.safeParse((await api('vrn-analyst', 'GET', `/v1/uploads/${catalog.extracts[0].upload_id}`)).body).success).toBe(true);
    expect(QueryResultBody.safeParse((await api('vrn-analyst', 'POST', '/v1/queries', { sql: 'SELECT 1 AS one' })).body).success).toBe(true);
  });

  it('describes every /v1 route with bearer security at /openapi.json', async () => {
    const { status, body } = await api(null, 'GET', '/openapi.json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths).sort()).toEqual([
      '/v1/audit', '/v1/datasets/{dataset}/template', '/v1/deep-dive', '/v1/indicators', '/v1/linkage/model', '/v1/linkage/review', '/v1/linkage/review/blind', '/v1/linkage/review/blind/{pair}',
      '/v1/linkage/review/stats', '/v1/linkage/review/{pair}', '/v1/localities/{slug}/profile', '/v1/measures',
      '/v1/panels/{panel}/cohort', '/v1/panels/{panel}/cohort/{person_id}/reidentify', '/v1/panels/{panel}/decisions/{person_id}',
      '/v1/panels/{panel}/list', '/v1/panels/{panel}/meetings', '/v1/panels/{panel}/monitor', '/v1/programmes/{id}', '/v1/queries', '/v1/reports/public', '/v1/uploads', '/v1/uploads/{id}', '/v1/uploads/{id}/rejected-rows',
    ]);
    expect(body.components.securitySchemes.Bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(body.paths['/v1/measures'].get.security).toEqual([{ Bearer: [] }]);
    expect(Object.keys(body.paths['/v1/measures'].get.responses['200'].content)).toEqual(['application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    expect(body.paths['/v1/indicators'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['period', 'area', 'baseline', 'audience', 'format']));
    expect(Object.keys(body.components.schemas)).toEqual(expect.arrayContaining(['Indicators', 'IngestReport', 'UploadStatus', 'Measures', 'Profile', 'Cohort', 'QueryResult', 'AuditEntries', 'Reidentification', 'ReviewItem', 'ReviewDecision', 'BlindReviewItem', 'ReviewStats', 'PairExplanation', 'Error', 'PanelMeeting', 'PanelList', 'PanelDecision', 'PanelMonitoring']));
    // A decision's body is strict and made of the fixed codes (no free-text field in the document either).
    const decision = body.paths['/v1/panels/{panel}/decisions/{person_id}'].post.requestBody.content['application/json'].schema;
    expect(decision.additionalProperties).toBe(false);
    expect(decision.properties.decision.enum).toEqual(['refer_programme', 'refer_service', 'monitor', 'no_action', 'already_supported']);
  });
});
