import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleServer } from '../api/sample-server.ts';
import { chromiumAvailable as available, launchChromium, outputDir as output } from './chromium.ts';

/** The performance dashboard for each role that sees it: the performance lead, an analyst and a CSP officer. */
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
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  await page.goto(`${s.url}/portal`);
  await page.focus(`button[value="${user}"]`);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${s.url}/portal`);
  return page;
}

const unlabelled = (page: Page) => page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.outerHTML));
const shot = (page: Page, name: string) => page.screenshot({ path: join(output, `indicators-${name}.png`), fullPage: true });
const options = (page: Page, id: string) => page.locator(`#${id} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));

describe.skipIf(!available)('the performance dashboard in Chromium', () => {
  it('the performance lead: every indicator for the whole area, a quarter chosen by keyboard, like for like, a place for each map', async () => {
    const page = await signIn('performance-lead');
    await page.click('header >> text=Performance indicators');
    await expect(page.locator('h1').textContent()).resolves.toBe('Performance indicators: Leicester, Leicestershire and Rutland, 2025-26-YTD');
    expect(await unlabelled(page)).toEqual([]);
    expect(await options(page, 'area')).toHaveLength(10);
    // The year so far runs to September: six months, compared with the same six months, and October to March not drawn.
    await expect(page.locator('#indicator-total_crime .currency').textContent()).resolves.toContain('Data to 2025-09-30. Part period: 6 of 12 months, compared with the same months of 2024-25-YTD');
    await expect(page.locator('#indicator-total_crime').textContent()).resolves.toContain('Not covered by the data yet, so not drawn: 2025-10, 2025-11, 2025-12, 2026-01, 2026-02, 2026-03.');
    await page.focus('#period');
    await page.selectOption('#period', '2025-26-Q1');
    await page.focus('button:has-text("Show")');
    await page.keyboard.press('Enter');
    await page.waitForURL(/period=2025-26-Q1/);
    await expect(page.locator('#indicator-total_crime .currency').textContent()).resolves.toBe('Data to 2025-09-30. Lower is better.');
    await expect(page.locator('#disclosure').textContent()).resolves.toMatch(/^Analyst view: not disclosure-controlled/);
    expect(await page.locator('section[id^=indicator-]').count()).toBeGreaterThanOrEqual(19);
    expect(await page.locator('figure.map[data-map]').count()).toBe(await page.locator('section[id^=indicator-]').count());
    // Each map: the LSOA choropleth with its hotspots and the boundaries' credit, or a word where there is no LSOA.
    const maps = await page.locator('figure.map[data-map]').evaluateAll((fs) => fs.map((f) => ({
      id: f.getAttribute('data-map'), svg: !!f.querySelector('svg[role=img]'), credit: f.querySelector('.attribution')?.textContent ?? null,
      note: f.querySelector('.no-map')?.textContent ?? null, hotspots: f.querySelectorAll('g.hotspots path').length, areas: f.querySelectorAll('g.areas path').length,
    })));
    for (const m of maps) expect(m.svg ? !!m.credit?.startsWith('Boundaries: Lower Layer Super Output Areas (2011)') : !!m.note?.startsWith('No map:'), m.id!).toBe(true);
    expect(maps.find((m) => m.id === 'violence_ae_attendances')!.note).toBe('No map: ae attendance records carry no LSOA, so this indicator has no map.');
    const crime = maps.find((m) => m.id === 'total_crime')!;
    expect(crime.areas).toBeGreaterThan(500); // every LSOA of the nine localities
    expect(crime.hotspots).toBe(5);
    // The map's table is one keyboard press away.
    await page.focus('figure.map[data-map="total_crime"] details.chart-data summary');
    await page.keyboard.press('Enter');
    await expect(page.locator('figure.map[data-map="total_crime"] details.chart-data').getAttribute('open')).resolves.toBe('');
    await expect(page.locator('#indicator-total_crime table caption').first().textContent()).resolves.toBe('Total recorded crime: Leicester, Leicestershire and Rutland');
    await shot(page, 'lead');
    await page.context().close();
  });

  it('a CSP officer: their locality against the whole area and the other localities, rounded and suppressed, and no other locality\'s page', async () => {
    const page = await signIn('charnwood-csp');
    await page.click('header >> text=Performance indicators');
    await expect(page.locator('h1').textContent()).resolves.toBe('Performance indicators: Charnwood, 2025-26-YTD');
    expect(await options(page, 'area')).toEqual(['charnwood']);
    expect(await page.locator('#audience').count()).toBe(0);
    expect(await unlabelled(page)).toEqual([]);
    await expect(page.locator('#disclosure').textContent()).resolves.toMatch(/^Every count is rounded to the nearest 5/);
    const bars = await page.locator('#indicator-total_crime svg').first().getAttribute('aria-label');
    expect(bars).toMatch(/by locality/);
    const labels = await page.locator('#indicator-total_crime svg').first().locator('text').allTextContents();
    expect(labels).toContain('Charnwood (yours)');
    expect(labels).toContain('Leicester');
    expect(labels).toContain('LLR (all)');
    // Every count in the summary is a multiple of 5, suppressed, or zero.
    const counts = await page.locator('table:has(caption:has-text("Every indicator")) tbody tr td:nth-child(3)').allTextContents();
    expect(counts.length).toBeGreaterThanOrEqual(19);
    for (const c of counts) expect(c === 'suppressed' || Number(c) % 5 === 0, c).toBe(true);
    // The map: Charnwood's LSOAs only, each suppressed where the API's figures are, the hotspots among the shown.
    const api = await page.evaluate(async () => (await fetch('/portal/api/indicators?period=2025-26-YTD')).json());
    const figures = (api.indicators as { id: string; by_lsoa: { lsoa: string; locality: string; count: number | null; suppressed: boolean }[] | null; hotspots: string[] }[]).find((i) => i.id === 'total_crime')!;
    expect(new Set(figures.by_lsoa!.map((c) => c.locality))).toEqual(new Set(['charnwood']));
    const mapped = await page.locator('figure.map[data-map="total_crime"] g.areas path title').allTextContents();
    expect(mapped).toHaveLength(figures.by_lsoa!.length);
    const byCode = new Map(mapped.map((t) => [/\((E0\d{7})\): (.*)$/.exec(t)![1], /: ([^:]*)$/.exec(t)![1]]));
    for (const c of figures.by_lsoa!) expect(byCode.get(c.lsoa), c.lsoa).toBe(c.suppressed ? 'suppressed' : String(c.count));
    expect(figures.by_lsoa!.some((c) => c.suppressed)).toBe(true);
    for (const h of figures.hotspots) expect(figures.by_lsoa!.find((c) => c.lsoa === h)!.suppressed).toBe(false);
    await expect(page.locator('figure.map[data-map="total_crime"] .attribution').textContent()).resolves.toMatch(/^Boundaries: /);
    await shot(page, 'csp');
    const other = await page.goto(`${s.url}/portal/indicators?area=leicester&period=2025-26-Q1`);
    expect(other!.status()).toBe(403);
    await expect(page.locator('[role=alert]').textContent()).resolves.toBe("A CSP officer sees their own locality's indicators (beside the whole area and the others), not Leicester's.");
    // Every figure, or another locality's or the whole area's page, is refused by the API, whatever the portal shows.
    for (const ask of ['audience=analyst', 'area=leicester', 'area=llr']) {
      const api = await page.goto(`${s.url}/portal/api/indicators?period=2025-26-Q1&${ask}`);
      expect(api!.status(), ask).toBe(403);
    }
    await page.context().close();
  });

  it('an analyst: a locality\'s figures, with or without disclosure control', async () => {
    const page = await signIn('vrn-analyst');
    await page.goto(`${s.url}/portal/indicators?period=R12-2025-09&area=leicester&audience=csp`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Performance indicators: Leicester, R12-2025-09');
    await expect(page.locator('#disclosure').textContent()).resolves.toMatch(/^Every count is rounded/);
    await page.selectOption('#audience', 'analyst');
    await page.click('button:has-text("Show")');
    // The click returns once the new page is committed; its maps are long, so wait for all of it.
    await page.waitForURL(/audience=analyst/, { waitUntil: 'load' });
    await expect(page.locator('#disclosure').textContent()).resolves.toMatch(/^Analyst view/);
    const trend = await page.locator('#indicator-serious_violence svg').nth(1).locator('text').allTextContents();
    expect(trend).toContain('R12-2020-09');
    // Leicester's map, uncontrolled for the analyst: no LSOA suppressed, with the credit.
    const titles = await page.locator('figure.map[data-map="serious_violence"] g.areas path title').allTextContents();
    expect(titles.length).toBeGreaterThan(100);
    expect(titles.filter((t) => t.endsWith(': suppressed'))).toEqual([]);
    await expect(page.locator('figure.map[data-map="serious_violence"] .attribution').count()).resolves.toBe(1);
    await page.context().close();
  });
});
