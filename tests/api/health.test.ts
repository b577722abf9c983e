import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAppOptions, startLocalServer } from '../../functions/api/local-server.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv, ingestText, testPlatform } from '../helpers.ts';

let t: ReturnType<typeof testPlatform>;
let server: Awaited<ReturnType<typeof startLocalServer>>;
beforeAll(async () => {
  t = testPlatform();
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('H', 5)));
  server = await startLocalServer(t.platform, 0, localAppOptions(t.dir, t.platform));
});
afterAll(async () => {
  await new Promise((resolve) => server.server.close(resolve));
  t.cleanup();
});

describe('the local server over HTTP', () => {
  it('answers GET /health with the state of the store', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', extracts: 1, datasets: ['police_crime'] });
  });

  it('answers 404 for an unknown route', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/nothing-here`)).status).toBe(404);
  });
});
