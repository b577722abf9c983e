import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { localAppOptions, startLocalServer } from '../../functions/api/local-server.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { allFiles, csv, testPlatform } from '../helpers.ts';
import { PLANTED, plantedFailureStorage } from '../planted-failure.ts';

/** A police_person extract naming a suspect whose surname is also the value planted in the failure's message. */
const PERSON_HEADER = 'crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome';
const personFile = (ref: string) => csv(PERSON_HEADER, `${ref},suspect,NOM-${ref},Thomas,${PLANTED},2010-03-14,male,LE4 6RT,charged`);

let t: ReturnType<typeof testPlatform>;
let planted: ReturnType<typeof plantedFailureStorage>;
let platform: Platform;
let server: Awaited<ReturnType<typeof startLocalServer>>;
let tokens: ReturnType<typeof localAppOptions>['tokens'];
const background: Promise<unknown>[] = [];
let said: string[];

beforeAll(async () => {
  t = testPlatform();
  planted = plantedFailureStorage(t.platform.storage);
  platform = { ...t.platform, storage: planted.storage };
  const options = localAppOptions(t.dir, platform);
  tokens = options.tokens;
  // The background ingest as the local server runs it, kept so that the test can wait for it rather than poll.
  server = await startLocalServer(platform, 0, { ...options, inBackground: (task) => { background.push(task()); } });
});
afterAll(async () => {
  await new Promise((resolve) => server.server.close(resolve));
  t.cleanup();
});
beforeEach(() => {
  said = [];
  for (const level of ['log', 'warn', 'error', 'info'] as const) vi.spyOn(console, level).mockImplementation((...args: unknown[]) => { said.push(args.map(String).join(' ')); });
  planted.state.failing = true;
});
afterEach(() => { vi.restoreAllMocks(); });

async function api(user: string, method: string, path: string, body?: string) {
  const response = await fetch(`${server.url}${path}`, { method, body, headers: { authorization: `Bearer ${await tokens.sign(user)}` } });
  return { status: response.status, text: await response.text() };
}
const upload = '/v1/uploads?dataset=police_person&partner=leicestershire-police';

/** The planted value is nowhere: not in what was said, answered, stored (audit trail included) or reported. */
function expectPlantedNowhere(...answers: string[]) {
  for (const text of [...said, ...answers]) expect(text).not.toContain(PLANTED);
  for (const file of allFiles(t.dir)) expect(file.bytes.toString('latin1'), file.path).not.toContain(PLANTED);
}

describe('an ingest that fails inside the service', () => {
  it('a direct upload answers 500 with a safe body, leaves a failed status for its id, logs only ids and the error kind, and stores no raw file', async () => {
    const answer = await api('police-uploader', 'POST', upload, personFile('LP/24/1'));
    expect(answer.status).toBe(500);
    const body = JSON.parse(answer.text);
    expect(body).toMatchObject({ error: 'internal', upload_id: expect.stringMatching(/^up-/), message: expect.stringContaining('nothing was stored') });

    const status = await api('police-uploader', 'GET', `/v1/uploads/${body.upload_id}`);
    expect(status.status).toBe(200);
    expect(JSON.parse(status.text)).toEqual({ upload_id: body.upload_id, status: 'failed', reason: body.message });
    expect(said.map((line) => JSON.parse(line))).toContainEqual({ message: 'ingest failed', upload_id: body.upload_id, error: 'Error' });
    expect(planted.written.filter((key) => key.startsWith('raw/'))).toEqual([]);
    expect(await platform.storage.list(`curated/police_person`)).toEqual([]);
    expectPlantedNowhere(answer.text, status.text);
  });

  it('a two-step upload ends failed, its raw file deleted, and the background task says nothing of the message', async () => {
    const asked = JSON.parse((await api('police-uploader', 'POST', upload)).text);
    const put = await fetch(asked.upload_url, { method: 'PUT', body: personFile('LP/24/2') });
    expect(put.status).toBe(200);
    await Promise.all(background.splice(0));

    const status = await api('police-uploader', 'GET', `/v1/uploads/${asked.upload_id}`);
    expect(JSON.parse(status.text)).toMatchObject({ upload_id: asked.upload_id, status: 'failed', reason: expect.stringContaining('send it again') });
    expect(await platform.storage.exists(`raw/${asked.upload_id}`)).toBe(false);
    expect(planted.written).toContain(`raw/${asked.upload_id}`);
    expect(said.map((line) => JSON.parse(line))).toEqual([{ message: 'ingest failed', upload_id: asked.upload_id, error: 'Error' }]);
    // The file sent again after the end is refused, and a portal user sees the reason, not a page waiting for ever.
    expect((await fetch(asked.upload_url, { method: 'PUT', body: personFile('LP/24/2') })).status).toBe(409);
    expectPlantedNowhere(status.text);
  });
});

describe('raw files', () => {
  it('are deleted as soon as an ingest ends, rejected or accepted; a direct upload never writes one', async () => {
    planted.state.failing = false;
    const rejected = JSON.parse((await api('police-uploader', 'POST', upload)).text);
    await fetch(rejected.upload_url, { method: 'PUT', body: csv(PERSON_HEADER) });
    const accepted = JSON.parse((await api('police-uploader', 'POST', upload)).text);
    await fetch(accepted.upload_url, { method: 'PUT', body: personFile('LP/24/4') });
    await Promise.all(background.splice(0));
    expect(JSON.parse((await api('police-uploader', 'GET', `/v1/uploads/${rejected.upload_id}`)).text)).toMatchObject({ status: 'rejected' });
    expect(JSON.parse((await api('police-uploader', 'GET', `/v1/uploads/${accepted.upload_id}`)).text)).toMatchObject({ status: 'accepted' });
    expect(await platform.storage.list('raw/')).toEqual([]);

    const before = planted.written.length;
    const direct = await api('police-uploader', 'POST', upload, personFile('LP/24/5'));
    expect(direct.status).toBe(201);
    expect(planted.written.slice(before).filter((key) => key.startsWith('raw/'))).toEqual([]);
    expect(planted.written.slice(before)).toContainEqual(expect.stringMatching(/^curated\/police_person\//));
  });
});

describe('an upload id', () => {
  it("answers the same 404 when missing and when another partner's, and the audit trail says which", async () => {
    planted.state.failing = false;
    const mine = JSON.parse((await api('police-uploader', 'POST', upload)).text).upload_id as string;
    const missing = 'up-20250101000000-0000beef';
    const theirs = await api('city-education-uploader', 'GET', `/v1/uploads/${mine}`);
    const none = await api('city-education-uploader', 'GET', `/v1/uploads/${missing}`);
    expect([theirs.status, none.status]).toEqual([404, 404]);
    expect(JSON.parse(theirs.text)).toEqual({ error: 'not_found', message: `no upload ${mine}` });
    expect(JSON.parse(none.text)).toEqual({ error: 'not_found', message: `no upload ${missing}` });
    const trail = (await platform.audit.read({ limit: 2 })).map((e) => [e.touched?.upload_id, e.status, e.reason]);
    expect(trail).toEqual([[mine, 404, expect.stringMatching(/leicester-city-council|leicestershire-police/)], [missing, 404, 'no such upload']]);
    expect((await api('police-uploader', 'GET', `/v1/uploads/${mine}`)).status).toBe(200);
  });
});
