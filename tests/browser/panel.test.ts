import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable as available, launchChromium, outputDir as output } from './chromium.ts';
import { startSampleServer } from '../api/sample-server.ts';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { CohortResult } from '../../analytics/products/cohort.ts';
import { runProduct } from '../../functions/products/service.ts';

let s: Awaited<ReturnType<typeof startSampleServer>>;
let browser: Browser;
beforeAll(async () => {
  if (!available) return;
  s = await startSampleServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function signIn(user: string): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(120_000); // a meeting computes two panels' cohorts; on a loaded machine that takes a while
  const page = await context.newPage();
  await page.goto(`${s.url}/portal/sign-in`);
  await page.click(`button[value="${user}"]`);
  await page.waitForURL(`${s.url}/portal`);
  return page;
}
const menu = (page: Page) => page.locator('header nav a').allTextContents();
const shot = (page: Page, name: string) => page.screenshot({ path: join(output, `panel-${name}.png`), fullPage: true });
const unlabelled = (page: Page) => page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.outerHTML));
const statuses = (page: Page) => page.locator('#panel-list tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));

async function recordMeeting(page: Page, date: string) {
  await page.fill('#date', date);
  await page.click('button:has-text("Record the meeting")');
  await page.waitForSelector('#panel-list');
}

describe.skipIf(!available)('the Prevention Panel in Chromium', () => {
  it('the city coordinator runs two meetings, from the list to the outcome', async () => {
    const page = await signIn('city-panel');
    await page.click('text=Panel meetings');
    await expect(page.locator('h1').textContent()).resolves.toMatch(/Leicester City.*: meetings/);
    await expect(page.locator('main').textContent()).resolves.toContain('No meeting of this panel is recorded yet');
    await recordMeeting(page, '2025-06-30');
    expect(new Set(await statuses(page))).toEqual(new Set(['new']));
    await recordMeeting(page, '2025-09-30');
    await expect(page.locator('h2').first().textContent()).resolves.toMatch(/^Meeting of 2025-09-30: \d+ children, against the meeting of 2025-06-30$/);
    expect(new Set(await statuses(page))).toEqual(new Set(['new', 'still_eligible', 'no_longer_eligible']));
    // Reasons in words and the events per agency on the page, and the legend.
    const first = page.locator('#panel-list tbody tr').first();
    await expect(first.locator('.reasons li').first().textContent()).resolves.toMatch(/^M[12]: /);
    await expect(first.locator('.events').textContent()).resolves.toMatch(/\d+ (crimes?|anti-social behaviour incidents?)/);
    await expect(page.locator('#legend').textContent()).resolves.toContain('suspect or offender in 2 or more crimes in the last 12 months');
    await expect(page.locator('tr[data-status=no_longer_eligible] .why').first().textContent()).resolves.toMatch(/^(Now lives|Now older|No longer meets)/);
    expect(await unlabelled(page)).toEqual([]);
    // No text box anywhere: a decision is made of selects and a date.
    expect(await page.locator('#panel-list textarea, #panel-list input[type=text], #panel-list input:not([type])').count()).toBe(0);
    await shot(page, 'city-list');

    // Filter: the still eligible, by age.
    await page.selectOption('#status', 'still_eligible');
    await page.selectOption('#sort', 'age');
    await page.click('#filters button');
    await page.waitForURL(/status=still_eligible/, { waitUntil: 'load' });
    expect(new Set(await statuses(page))).toEqual(new Set(['still_eligible']));
    const person = (await page.locator('#panel-list tbody tr td.id').first().textContent())!;

    // Refer to a programme with consent, then record the outcome at follow-up.
    const row = page.locator('#panel-list tbody tr', { has: page.locator(`td.id:text-is("${person}")`) });
    await row.locator('select[name=decision]').selectOption('refer_programme');
    await row.locator('select[name=programme]').selectOption('reach');
    await row.locator('select[name=consent]').selectOption('given');
    await row.locator('input[name=support_start]').fill('2025-10-06');
    await row.locator('button').click();
    await page.waitForURL(/\/portal\/panel\?meeting=2025-09-30/);
    const decided = page.locator('#panel-list tbody tr', { has: page.locator(`td.id:text-is("${person}")`) });
    await expect(decided.locator('.decided').textContent()).resolves.toBe('Refer to a programme of the catalogue: Reach');
    await decided.locator('select[name=outcome]').selectOption('engaged');
    await decided.locator('button').click();
    await page.waitForURL(/\/portal\/panel\?meeting=2025-09-30/);
    await expect(page.locator('#panel-list tbody tr', { has: page.locator(`td.id:text-is("${person}")`) }).locator('.decided').textContent()).resolves.toBe('Refer to a programme of the catalogue: Reach (Engaged)');
    await shot(page, 'city-decided');

    // The list as CSV carries the reasons and the decision in words.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=List (CSV)')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toMatch(/Person id,Status,Why,Age,Sex,Locality,Criteria,Factors,Score,Reasons,Events,/);
    expect(csv.split('\r\n').find((l) => l.startsWith(person))).toMatch(/Refer to a programme of the catalogue,Reach,Consent given,2025-10-06,Engaged,2025-09-30/);
    await page.context().close();
  });

  it('the county coordinator sees their own panel only; a decision on the city panel is refused', async () => {
    const page = await signIn('county-panel');
    await page.goto(`${s.url}/portal/panel?panel=city`);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/Leicestershire County.*: meetings/);
    await recordMeeting(page, '2025-09-30');
    expect(new Set(await statuses(page))).toEqual(new Set(['new']));
    const cityPerson = (await runProduct(s.platform, 'sql', { product: 'cohort', panel: 'city', asOf: '2025-09-30' }) as CohortResult).members[0].person_id;
    // A form sent by hand for the other panel: the API refuses it and the audit trail records the refusal.
    await page.evaluate(({ person }) => {
      const form = Object.assign(document.createElement('form'), { method: 'post', action: '/portal/panel/decide' });
      for (const [name, value] of Object.entries({ panel: 'city', meeting: '2025-09-30', person_id: person, decision: 'monitor' })) {
        form.append(Object.assign(document.createElement('input'), { type: 'hidden', name, value }));
      }
      document.body.append(form);
      form.submit();
    }, { person: cityPerson });
    await page.waitForURL(/\/portal\/panel\/decide/);
    await expect(page.locator('main').textContent()).resolves.toMatch(/panel city is outside this user's panel/);
    const [denied] = await s.platform.audit.read({ outcome: 'denied', user: 'county-panel' });
    expect(denied).toMatchObject({ route: '/v1/panels/:panel/decisions/:person_id', scope: { panel: 'city' }, status: 403 });
    await shot(page, 'county-refused');
    await page.context().close();
  });

  it('the performance lead sees the monitoring counts, never the list', async () => {
    const page = await signIn('performance-lead');
    expect(await menu(page)).toEqual(['Success measures', 'Performance indicators', 'Prevention Panel monitoring', 'Programme monitoring and outcomes']);
    await page.click('text=Prevention Panel monitoring');
    await page.fill('#panel', 'city');
    await page.click('button:has-text("Show")');
    await page.waitForURL(/panel=city/, { waitUntil: 'load' });
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('By month');
    expect(text).toContain('Reached');
    expect(text).not.toMatch(/P-[A-Za-z0-9_-]{12}/);
    await shot(page, 'monitoring');
    const list = await page.goto(`${s.url}/portal/panel?panel=city`);
    expect(list!.status()).toBe(403);
    await page.context().close();
  });
});
