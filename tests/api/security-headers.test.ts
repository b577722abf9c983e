import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_STYLE } from '../../analytics/render/html.ts';
import { localAppOptions, startLocalServer } from '../../functions/api/local-server.ts';
import { testPlatform } from '../helpers.ts';

let t: ReturnType<typeof testPlatform>;
let server: Awaited<ReturnType<typeof startLocalServer>>;
let options: ReturnType<typeof localAppOptions>;
beforeAll(async () => {
  t = testPlatform();
  options = localAppOptions(t.dir, t.platform);
  server = await startLocalServer(t.platform, 0, options);
});
afterAll(async () => {
  await new Promise((resolve) => server.server.close(resolve));
  t.cleanup();
});

const get = async (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' });
const policy = (response: Response) => Object.fromEntries((response.headers.get('content-security-policy') ?? '').split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

describe('security headers over HTTP', () => {
  it('are on every answer: portal pages, API answers and errors, the open routes', async () => {
    const session = `vrn_session=${await options.tokens.sign('vrn-analyst')}`;
    const answers = await Promise.all([
      get('/portal/sign-in'), get('/portal', { cookie: session }), get('/portal/upload', { cookie: session }), get('/portal/assets/portal.css'),
      get('/health'), get('/openapi.json'), get('/v1/uploads'), get('/v1/uploads', { authorization: `Bearer ${await options.tokens.sign('vrn-analyst')}` }), get('/nowhere'),
    ]);
    for (const response of answers) {
      expect(policy(response), response.url).toMatchObject({
        'default-src': "'none'", 'script-src': "'self'", 'frame-ancestors': "'none'", 'base-uri': "'none'", 'connect-src': "'self'",
      });
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200, 403, 200, 200, 200, 401, 200, 404]);
  });

  it('need no inline script or style in the portal: its stylesheet and upload script are served files', async () => {
    const session = `vrn_session=${await options.tokens.sign('police-uploader')}`;
    const page = await (await get('/portal/upload', { cookie: session })).text();
    expect(page).not.toMatch(/<style|<script>|<script [^>]*>[^<]/);
    expect(page).toContain('<link rel="stylesheet" href="/portal/assets/portal.css"/>');
    expect(page).toContain('<script src="/portal/assets/upload.js"></script>');
    expect(page).toMatch(/data-direct-limit="10485760"/);
    const script = await get('/portal/assets/upload.js');
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await script.text()).toContain("getAttribute('data-direct-limit')");
    expect((await get('/portal/assets/other.js')).status).toBe(404);
  });

  it("allow the HTML reports' one inline style by its hash, and no other", async () => {
    const style = policy(await get('/health'))['style-src'];
    expect(style).toBe(`'self' 'sha256-${createHash('sha256').update(REPORT_STYLE).digest('base64')}'`);
  });
});
