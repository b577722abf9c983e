import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable as available, launchChromium, outputDir as output } from './chromium.ts';
import { CRIME_HEADER, crimeRow, crimeRows, csv } from '../helpers.ts';
import { startSampleServer } from '../api/sample-server.ts';

let s: Awaited<ReturnType<typeof startSampleServer>>;
let browser: Browser;
beforeAll(async () => {
  if (!available) return;
  // A small direct-upload limit, so the portal's two-step path (upload URL, background ingest) is driven too.
  s = await startSampleServer({ limits: { directUploadBytes: 2048 } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function signIn(user: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, viewport });
  // The review pages link the small store in the request after each decision: on a loaded 2-core machine that can
  // take longer than Playwright's 30 s default, which is a safety net here, not a measure.
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  await page.goto(`${s.url}/portal`);
  expect(page.url()).toBe(`${s.url}/portal/sign-in`);
  // By keyboard: focus the user's button and press Enter.
  await page.focus(`button[value="${user}"]`);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${s.url}/portal`);
  await expect(page.locator('header .who strong').textContent()).resolves.toBe(user);
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(output, `portal-${name}.png`), fullPage: true });
const menu = (page: Page) => page.locator('header nav a').allTextContents();

/** Every visible form control has a label. */
async function unlabelled(page: Page) {
  return page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.outerHTML));
}

/** The review queue: nothing preselected, a decision undone, the evidence drawn, the pager both sides, blind review. */
async function reviewLinkage(page: Page) {
  const refused: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) refused.push(m.text()); });
  const ids = () => page.locator('tbody tr td.id').allTextContents();
  expect((await ids()).length).toBeGreaterThan(0);
  expect(await unlabelled(page)).toEqual([]);
  await expect(page.locator('#quality').textContent()).resolves.toMatch(/Precision of auto-links: not estimated yet/);
  const row = page.locator('tbody tr').first();
  const firstPair = await row.locator('td.id').textContent();
  // Nothing is chosen for the analyst: two buttons, no select.
  expect(await row.locator('select').count()).toBe(0);
  expect(await row.locator('button').allTextContents()).toEqual([`Same person: ${firstPair}`, `Not the same person: ${firstPair}`]);
  // The evidence, as a waterfall and as a table.
  await row.locator('summary:has-text("evidence")').click();
  await expect(row.locator('svg').getAttribute('aria-label')).resolves.toMatch(new RegExp(`^Evidence for ${firstPair}: log-odds [+−]\\d+\\.\\d+, probability \\d+\\.\\d%$`));
  // A bar for the prior, one per comparison, and the score.
  expect(await row.locator('svg rect').count()).toBe(7);
  expect(await row.locator('table tbody th').allTextContents()).toEqual(['prior', expect.stringMatching(/^forename: /), expect.stringMatching(/^surname: /), expect.stringMatching(/^dob: /), expect.stringMatching(/^postcode: /), expect.stringMatching(/^sex: /), 'score']);
  await shot(page, 'analyst-linkage-evidence');
  await row.locator('button[value=reject]').click();
  await expect(page.locator('[role=status] span').textContent()).resolves.toBe(`${firstPair}: kept apart.`);
  expect(await ids()).not.toContain(firstPair);
  await page.locator('[role=status] button:has-text("Undo")').click();
  await expect(page.locator('[role=status]').textContent()).resolves.toBe(`${firstPair}: decision undone; the pair is back in its list.`);
  expect(await ids()).toContain(firstPair);
  await shot(page, 'analyst-linkage-review');
  // A long queue comes a page at a time, the pager above and below the table (the sample's queue is short: pages of 1).
  await page.goto(`${page.url().replace(/\/portal\/.*$/, '')}/portal/linkage-review?size=1`);
  expect(await page.locator('nav.pager').count()).toBe(2);
  const where = await page.locator('nav.pager span').allTextContents();
  expect(where[0]).toMatch(/^Pairs 1 to 1 of \d+, page 1 of \d+\.$/);
  expect(where[1]).toBe(where[0]);
  const firstPage = await ids();
  await page.locator('nav.pager').last().locator('a:has-text("Next page")').click();
  await expect(page.locator('nav.pager span').first().textContent()).resolves.toMatch(/^Pairs 2 to 2 of \d+, page 2 of \d+\.$/);
  const secondPage = await ids();
  expect(secondPage).toHaveLength(1);
  expect(secondPage.filter((p) => firstPage.includes(p))).toEqual([]);
  // Blind review: no score, no evidence; a decision is counted for precision.
  await page.click('a:has-text("Blind review")');
  await expect(page.locator('h1').textContent()).resolves.toBe('Blind review of auto-links');
  expect(await page.locator('thead th').allTextContents()).toEqual(['pair', 'partners', 'forename', 'surname', 'date of birth', 'postcode', 'sex', 'decision']);
  expect(await page.locator('main svg, main details').count()).toBe(0);
  const blindPair = await page.locator('tbody tr td.id').first().textContent();
  expect(blindPair).toMatch(/^B-/);
  await page.locator('tbody tr').first().locator('button[value=accept]').click();
  await expect(page.locator('[role=status] span').textContent()).resolves.toBe(`${blindPair}: recorded as one person (the link stands).`);
  await shot(page, 'analyst-blind-review');
  await page.click('a:has-text("back to the review queue")');
  await expect(page.locator('#quality').textContent()).resolves.toMatch(/Precision of auto-links: 100\.0% \(95% interval \d+\.\d% to 100\.0%\), from 1 blind-reviewed/);
  expect(refused).toEqual([]);
}

/** The SQL page: tables beside the editor, a long result a page at a time, a wide one scrolling in its panel, the CSV. */
async function sqlPage(page: Page) {
  await expect(page.locator('header nav a[aria-current=page]').textContent()).resolves.toBe('SQL');
  await page.locator('aside.tables summary:has-text("police_crime")').click();
  expect(await page.locator('aside.tables details[open] li code').allTextContents()).toEqual(expect.arrayContaining(['locality', 'offence_group', 'victim_age_band']));
  expect(await page.locator('aside.tables').textContent()).not.toContain('victim_date_of_birth');
  // 250 rows, 30 columns: three pages, the table scrolls inside its panel, not the page.
  const wide = Array.from({ length: 30 }, (_, i) => `'a fairly long text in column ${i}' AS column_${i}`).join(', ');
  await page.fill('#sql', `SELECT range AS n, ${wide} FROM range(250)`);
  await page.click('button:has-text("Run")');
  await expect(page.locator('[role=status]').textContent()).resolves.toBe('250 row(s).');
  expect(await page.locator('.result-table tbody tr').count()).toBe(100);
  const where = await page.locator('form.pager span').allTextContents();
  expect(where).toEqual(['Rows 1 to 100 of 250, page 1 of 3.', 'Rows 1 to 100 of 250, page 1 of 3.']);
  const panel = await page.locator('.result-table').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(panel.scroll).toBeGreaterThan(panel.client);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await shot(page, 'analyst-sql-paged');
  await page.locator('form.pager').last().locator('button:has-text("Next page")').click();
  await expect(page.locator('form.pager span').first().textContent()).resolves.toBe('Rows 101 to 200 of 250, page 2 of 3.');
  await expect(page.locator('.result-table tbody tr td').first().textContent()).resolves.toBe('100');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download the result (CSV)")')]);
  expect(download.suggestedFilename()).toBe('query-result.csv');
  const lines = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
  expect([lines.length, lines[0].split(',').length, lines[250].split(',')[0]]).toEqual([251, 31, '249']);
  expect(await unlabelled(page)).toEqual([]);
}

/** The deep dive's boxes: each with its own label; none ticked is an error; no crimes is said in words. */
async function deepDiveForm(page: Page) {
  const bound = await page.evaluate(() => [...document.querySelectorAll('input[type=checkbox]')].map((box) => {
    const labels = (box as HTMLInputElement).labels!;
    return [labels.length, labels[0]?.htmlFor === box.id, labels[0]?.textContent?.replace(/ /g, '_'), (box as HTMLInputElement).value];
  }));
  expect(bound.length).toBeGreaterThan(10);
  for (const [count, forIt, text, value] of bound) expect([count, forIt, text]).toEqual([1, true, value]);
  // Clicking a label ticks its own box.
  await page.click('label[for=group-robbery_personal]');
  expect(await page.isChecked('#group-robbery_personal')).toBe(false);
  await page.click('label[for=group-robbery_business]');
  const none = page.waitForResponse((r) => r.url().includes('/portal/deep-dive'));
  await page.click('button:has-text("Show")');
  expect((await none).status()).toBe(400);
  await expect(page.locator('[role=alert]').textContent()).resolves.toBe('Tick at least one offence group: with none ticked there is nothing to show.');
  await shot(page, 'analyst-deep-dive-none-ticked');
  await page.click('label[for=group-homicide]');
  await page.selectOption('#area', 'rutland');
  await page.click('button:has-text("Show")');
  await expect(page.locator('#no-crimes').textContent()).resolves.toMatch(/^No crimes of homicide in Rutland in \d{4}-\d{2}: nothing to chart\.$/);
  expect(await page.locator('.charts svg').count()).toBe(0);
  await shot(page, 'analyst-deep-dive-no-crimes');
  await page.goto(page.url().replace(/\/portal\/.*$/, '/portal/deep-dive'));
}

describe.skipIf(!available)('the portal in Chromium', () => {
  it('a partner uploader uploads a CSV by the upload page and sees its validation report', async () => {
    const page = await signIn('police-uploader');
    expect(await menu(page)).toEqual(['Upload an extract']);
    await page.click('text=Upload an extract');
    expect(await unlabelled(page)).toEqual([]);
    await page.selectOption('#dataset', 'police_crime');
    await page.fill('#period_from', '2016-04-01');
    await page.fill('#period_to', '2016-04-30');
    const file = csv(CRIME_HEADER, ...crimeRows('BR', 10, '2016-04-01'), crimeRow('BR-bad', { recorded_date: '2016-04-31', offence_date: '2016-04-02' }));
    expect(file).toContain('2016-04-31');
    expect(file.length).toBeLessThan(2048);
    await page.setInputFiles('#file', { name: 'police-april-2016.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await expect(page.locator('#chosen').textContent()).resolves.toContain('police-april-2016.csv');
    await page.click('button:has-text("Upload and validate")');
    await page.waitForURL(/\/portal\/uploads\/up-/);
    await expect(page.locator('h2').first().textContent()).resolves.toBe('Extract accepted');
    const summary = await page.locator('table').first().locator('tbody td').allTextContents();
    expect(summary).toEqual(['police_crime', 'leicestershire-police', '2016-04-01 to 2016-04-30', '11', '10', '1']);
    const problem = await page.locator('table').nth(1).locator('tbody tr').first().locator('td').allTextContents();
    expect(problem).toEqual(['12', 'recorded_date', 'invalid_date', 'not a real calendar date', 'a date as YYYY-MM-DD or DD/MM/YYYY, not in the future']);
    const counted = await page.locator('table').nth(2).locator('tbody td').allTextContents();
    expect(counted).toEqual(['recorded_date', 'invalid_date', '1', 'a date as YYYY-MM-DD or DD/MM/YYYY, not in the future']);
    // The rejected rows as CSV: line, column, code, reason, expected; never the cell.
    const [rejected] = await Promise.all([page.waitForEvent('download'), page.click('text=Rejected rows (CSV')]);
    const rows = readFileSync((await rejected.path())!, 'utf8').trim().split('\r\n');
    expect(rows).toEqual(['line,column,code,reason,expected', '12,recorded_date,invalid_date,not a real calendar date,"a date as YYYY-MM-DD or DD/MM/YYYY, not in the future"']);
    await shot(page, 'upload-report');
    // The uploads list: the file, the period, who sent it; and a template to download.
    await page.goto(`${s.url}/portal/upload`);
    await expect(page.locator('header nav a[aria-current=page]').textContent()).resolves.toBe('Upload an extract');
    const listed = await page.locator('section:has(h2:has-text("recent uploads")) tbody tr:has-text("police-april-2016.csv")').locator('td').allTextContents();
    // The sample's police extract sent the hate-crime, aggravation and burglary-type columns; this file does not: warned, not rejected.
    expect(listed.slice(1, 6)).toEqual(['police-april-2016.csv', 'police_crime', '2016-04-01 to 2016-04-30', 'police-uploader', 'accepted (3 warnings)']);
    // The sample's police extract: stored, with a warning about postcodes outside the area that names no postcode.
    await page.locator('tbody tr:has-text("leicestershire-police__police_crime.csv") a').click();
    const warnings = await page.locator('#warnings li').allTextContents();
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^postcode \[outside_area\]: \d+ row\(s\) have a postcode outside Leicester, Leicestershire and Rutland/)]));
    await shot(page, 'upload-warnings');
    await page.goto(`${s.url}/portal/upload`);
    const [template] = await Promise.all([page.waitForEvent('download'), page.click('text=header and example (CSV)')]);
    expect(template.suggestedFilename()).toBe('template-police_crime.csv');
    await shot(page, 'upload-list-templates');
    await page.context().close();
  });

  it('a file dropped on the zone and larger than the direct limit goes through an upload URL and is reported', async () => {
    const page = await signIn('police-uploader');
    await page.goto(`${s.url}/portal/upload`);
    await page.selectOption('#dataset', 'police_crime');
    const text = csv(CRIME_HEADER, ...crimeRows('DROP', 40, '2016-05-01'));
    expect(text.length).toBeGreaterThan(2048);
    await page.evaluate((content) => {
      const data = new DataTransfer();
      data.items.add(new File([content], 'dropped.csv', { type: 'text/csv' }));
      document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, text);
    await expect(page.locator('#chosen').textContent()).resolves.toContain('dropped.csv');
    await shot(page, 'upload-dropped');
    await page.click('button:has-text("Upload and validate")');
    await page.waitForURL(/\/portal\/uploads\/up-/);
    await page.locator('h2:has-text("Extract accepted")').waitFor({ timeout: 15_000 });
    expect(await page.locator('progress').count()).toBe(0);
    const summary = await page.locator('table').first().locator('tbody td').allTextContents();
    expect(summary.slice(3)).toEqual(['40', '40', '0']);
    await page.context().close();
  });

  it('a CSP officer opens their locality profile with charts, downloads the XLSX, and has no cohort', async () => {
    const page = await signIn('charnwood-csp');
    expect(await menu(page)).toEqual(['Success measures', 'Locality profile', 'Performance indicators']);
    await page.click('text=Locality profile');
    await page.waitForLoadState('load');
    await expect(page.locator('h1').textContent()).resolves.toBe('Locality profile: Charnwood');
    expect(await page.locator('.charts svg').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('#locality').count()).toBe(0);
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, 'csp-profile');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Spreadsheet (XLSX)')]);
    expect(download.suggestedFilename()).toBe('profile-charnwood-2024-25-csp.xlsx');
    const saved = join(output, 'charnwood-profile.xlsx');
    await download.saveAs(saved);
    expect(readFileSync(saved).subarray(0, 2).toString()).toBe('PK');

    expect(await page.locator('a:has-text("cohort")').count()).toBe(0);
    const cohort = await page.goto(`${s.url}/portal/cohort`);
    expect(cohort!.status()).toBe(403);
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('role csp_officer may not cohort.read');
    const api = await page.goto(`${s.url}/v1/panels/county/cohort?as_of=2025-09-30`);
    expect(api!.status()).toBe(403);
    await shot(page, 'csp-cohort-refused');
    // Another locality: told so in words, not shown their own.
    const other = await page.goto(`${s.url}/portal/profile?locality=leicester`);
    expect(other!.status()).toBe(403);
    await expect(page.locator('[role=alert]').textContent()).resolves.toBe("Not allowed: you may see only Charnwood's profile, not Leicester's: a CSP officer sees their own locality");
    await shot(page, 'csp-other-locality');
    // An unknown address is a page of the portal, not JSON; the API's stays JSON.
    const missing = await page.goto(`${s.url}/portal/no-such-page`);
    expect([missing!.status(), missing!.headers()['content-type']]).toEqual([404, 'text/html; charset=UTF-8']);
    await expect(page.locator('h1').textContent()).resolves.toBe('Page not found');
    expect(await page.locator('header nav a').count()).toBe(3);
    await shot(page, 'portal-404');
    const noRoute = await page.goto(`${s.url}/v1/no-such-route`);
    expect(noRoute!.headers()['content-type']).toMatch(/^application\/json/);
    await page.context().close();
  });

  it('a panel coordinator sees the cohort and re-identifies one child\'s own records', async () => {
    const page = await signIn('city-panel');
    expect(await menu(page)).toEqual(['Prevention Panel cohort', 'Prevention Panel monitoring', 'Panel meetings']);
    await page.click('text=Prevention Panel cohort');
    await page.fill('#as_of', '2025-09-30');
    await page.click('button:has-text("Show")');
    await expect(page.locator('h2').first().textContent()).resolves.toMatch(/^\d+ children aged 10–17 meet the criteria on 2025-09-30$/);
    await expect(page.locator('#linkage').textContent()).resolves.toContain('linked into people by fuzzy linkage');
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, 'panel-cohort');
    const form = page.locator('form[action="/portal/cohort/reidentify"]').first();
    await form.locator('select').selectOption('panel_referral');
    await form.locator('button').click();
    await page.waitForURL(/reidentify/);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/^Re-identification: P-/);
    const references = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(references.length).toBeGreaterThan(0);
    for (const r of references) expect(r).toMatch(/^LC/);
    await shot(page, 'panel-reidentified');
    await page.context().close();
  });

  it('a programme lead sees their own programme, disclosure-controlled, with charts, and not another', async () => {
    const page = await signIn('phoenix-lead');
    expect(await menu(page)).toEqual(['Programme monitoring and outcomes']);
    await page.click('text=Programme monitoring and outcomes');
    await page.fill('#id', 'phoenix');
    await page.fill('#period', '2023-24');
    await page.click('button:has-text("Show")');
    await page.waitForLoadState('load');
    expect(await page.locator('.charts svg').count()).toBe(4);
    await expect(page.locator('caption').allTextContents()).resolves.toContain('Outcomes');
    // The controlled view: no published count from 1 to 4 in the summary's people counts.
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, 'programme-lead');
    await page.fill('#id', 'vip');
    await page.click('button:has-text("Show")');
    await expect(page.locator('p.error').textContent()).resolves.toContain("outside this user's programme");
    await page.context().close();
  });

  it('an analyst runs SQL, a deep dive and the measures; the admin reads the audit trail', async () => {
    const page = await signIn('vrn-analyst');
    expect(await menu(page)).toEqual(['Success measures', 'Locality profile', 'Prevention Panel cohort', 'Deep dive', 'Performance indicators', 'Prevention Panel monitoring', 'Programme monitoring and outcomes', 'Panel meetings', 'SQL', 'Linkage review']);
    await page.click('text=Linkage review');
    await reviewLinkage(page);
    await page.click('header >> text=SQL');
    await sqlPage(page);
    await page.click('text=Deep dive');
    await page.waitForLoadState('load');
    expect(await page.locator('.charts svg').count()).toBe(3);
    expect(await unlabelled(page)).toEqual([]);
    await deepDiveForm(page);
    await shot(page, 'analyst-deep-dive');
    await page.click('text=Success measures');
    await page.waitForLoadState('load');
    expect(await page.locator('.charts svg').count()).toBe(3);
    await expect(page.locator('a:has-text("Home Office return (XLSX)")').getAttribute('href')).resolves.toMatch(/format=xlsx/);
    expect(await unlabelled(page)).toEqual([]);
    await shot(page, 'analyst-measures');
    await page.context().close();

    const admin = await signIn('admin');
    expect(await menu(admin)).toEqual(['Audit trail']);
    await admin.click('text=Audit trail');
    await admin.selectOption('#outcome', 'denied');
    await admin.click('button:has-text("Filter")');
    await admin.waitForLoadState('load');
    expect(await unlabelled(admin)).toEqual([]);
    const outcomes = await admin.locator('tbody tr td:nth-child(8)').allTextContents();
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['denied']));
    await shot(admin, 'admin-audit');
    // Every entry, a hundred a page, newest first; the filtered entries export as CSV.
    await admin.goto(`${s.url}/portal/audit?size=20`);
    const pager = await admin.locator('nav.pager span').first().textContent();
    expect(pager).toMatch(/^Entries 1 to 20 of (\d+), newest first, page 1 of \d+\.$/);
    expect(await admin.locator('main tbody tr').count()).toBe(20);
    const newest = await admin.locator('tbody tr td:nth-child(1)').first().textContent();
    await admin.locator('nav.pager').last().locator('a:has-text("Older entries")').click();
    await expect(admin.locator('nav.pager span').first().textContent()).resolves.toMatch(/^Entries 21 to 40 of \d+/);
    expect((await admin.locator('tbody tr td:nth-child(1)').first().textContent())! <= newest!).toBe(true);
    await shot(admin, 'admin-audit-page-2');
    const [exported] = await Promise.all([admin.waitForEvent('download'), admin.click('text=Export these entries')]);
    const trail = readFileSync((await exported.path())!, 'utf8').trim().split('\r\n');
    expect(trail[0]).toBe('time,user,role,method,route,scope,touched,outcome,status,reason');
    expect(trail.length).toBeGreaterThan(40);
    await admin.context().close();
    const signIns = (await s.platform.audit.read()).filter((e) => e.route === '/portal/sign-in').map((e) => e.user);
    expect(new Set(signIns)).toEqual(new Set(['police-uploader', 'charnwood-csp', 'city-panel', 'vrn-analyst', 'admin', 'phoenix-lead']));
  }, 240_000);

  it("on a phone, the profile's chart and map fit the screen, are labelled, and read at 12 px or more", async () => {
    const page = await signIn('charnwood-csp', { width: 390, height: 844 });
    await page.goto(`${s.url}/portal/profile`);
    const line = page.locator('figure.chart-figure', { hasText: 'Serious violence by month' }).first();
    const map = page.locator('figure.chart-figure:has(g.areas)');
    expect(await map.count()).toBe(1);
    for (const figure of [line, map]) {
      await figure.scrollIntoViewIfNeeded();
      expect(await figure.locator('svg.chart').isVisible()).toBe(true);
      const box = (await figure.locator('svg.chart').boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      // Labelled: a caption, the SVG's own name, and the table behind it.
      const caption = await figure.locator('figcaption').textContent();
      expect(caption).toBeTruthy();
      expect(await figure.locator('svg.chart').getAttribute('aria-label')).toBe(caption);
      expect(await figure.locator('details.chart-data table tbody tr').count()).toBeGreaterThan(0);
      // Text as drawn: the SVG's font size times its scale on the screen.
      const smallest = await figure.locator('svg.chart').evaluate((svg: SVGSVGElement) => {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return Math.min(...[...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
      });
      expect(smallest).toBeGreaterThanOrEqual(12);
    }
    expect(await line.locator('svg text', { hasText: /^Apr$/ }).count()).toBe(1);
    expect(await map.locator('svg text', { hasText: 'suppressed (small count)' }).count()).toBe(1);
    expect(await map.locator('g.areas path').count()).toBe(await map.locator('details.chart-data tbody tr').count());
    await expect(map.locator('.attribution').textContent()).resolves.toMatch(/^Boundaries: Lower Layer Super Output Areas \(2011\)/);
    // The table opens by keyboard.
    await map.locator('details.chart-data summary').focus();
    await page.keyboard.press('Enter');
    expect(await map.locator('details.chart-data table').isVisible()).toBe(true);
    await shot(page, 'csp-profile-phone');
    await page.context().close();
  });
});
