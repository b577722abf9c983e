import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable as available, launchChromium, outputDir as output } from './chromium.ts';
import { startHostedPortal } from '../api/hosted-portal.ts';

let s: Awaited<ReturnType<typeof startHostedPortal>>;
let browser: Browser;
beforeAll(async () => {
  if (!available) return;
  s = await startHostedPortal({ portalHost: 'localhost' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const SUB = '9d4e6f10-7a2b-4c3d-8e5f-60718293a4b5';

describe.skipIf(!available)('the portal\'s hosted-UI sign-in in Chromium', () => {
  it('goes to the identity provider and back, keeps the SameSite=Strict session across the return, and signs out', async () => {
    s.cognito.state.signedIn = { sub: SUB, 'cognito:groups': ['panel_coordinator'], 'custom:panel': 'city', 'custom:organisation': 'leicester-city-council' };
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const visited: string[] = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) visited.push(new URL(frame.url()).pathname); });
    s.cognito.state.loginForm = true;
    await page.goto(`${s.url}/portal`);
    await page.waitForURL(`${s.cognito.url}/oauth2/authorize?**`, { timeout: 10_000 });
    // The way back starts on the identity provider's page, another site: the SameSite=Strict session cookie that the
    // callback sets must still reach /portal.
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${s.url}/portal`, { timeout: 10_000 });
    expect(visited).toEqual(expect.arrayContaining(['/portal/callback', '/portal']));
    await expect(page.locator('header .who strong').textContent()).resolves.toBe(SUB);
    await expect(page.locator('header nav a').allTextContents()).resolves.toEqual(['Prevention Panel cohort', 'Prevention Panel monitoring', 'Panel meetings']);
    await page.screenshot({ path: join(output, 'portal-hosted-sign-in.png'), fullPage: true });
    await page.click('button:has-text("Sign out")');
    await page.waitForURL(`${s.url}/portal/signed-out`, { timeout: 10_000 });
    expect(s.cognito.calls.map((c) => c.path)).toEqual(['/oauth2/authorize', '/oauth2/token', '/logout']);
    expect((await context.cookies(s.url)).map((c) => c.name)).not.toContain('vrn_session');
    await context.close();
  });
});
