import { describe, expect, it } from 'vitest';
import { choropleth, fitProjection, mapContext } from '../../analytics/render/map.ts';
import { barChart, classesOf, heatmap, lineChart, monthLabel, niceTicks } from '../../analytics/render/svg.ts';
import { loadDeployment } from '../../schemas/deployments/index.ts';
import { llrDeployment } from '../deployments.ts';

/** The SVG's structure, not its pixels: what a reader (and a screen reader) is given. */
const viewBox = (svg: string) => /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!.slice(1).map(Number);
const titles = (html: string) => [...html.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
const tableRows = (html: string) => [...html.matchAll(/<tbody>(.*?)<\/tbody>/g)].flatMap((m) => [...m[1].matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((c) => c[1])));

const months = ['2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03'];

describe('readable ticks and months', () => {
  it('ticks at 1, 2 or 5 times a power of ten from 0 to at least the maximum', () => {
    expect(niceTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(4)).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(0.9)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(1234)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('names months as people write them', () => {
    expect(monthLabel('2024-04')).toBe('Apr 2024');
    expect(monthLabel('2025-01')).toBe('Jan 2025');
    expect(monthLabel('2024-13')).toBe('2024-13');
    expect(monthLabel('LE1 5')).toBe('LE1 5');
  });
});

describe('a line chart', () => {
  const points = months.map((m, i) => ({ label: m, value: i === 3 ? null : i === 5 ? 0 : 10 + i * 3, noData: i >= 10 }));
  const html = lineChart('Serious violence by month', points, { measure: 'Crimes' });
  const svg = /<svg[\s\S]*<\/svg>/.exec(html)![0];

  it('is as wide as its container, 360 units across, with text of 13 units', () => {
    expect(svg).toMatch(/^<svg [^>]*width="100%"/);
    expect(viewBox(svg)[0]).toBe(360);
    expect(svg).toContain('font-size="13"');
    expect(svg).not.toMatch(/font-size="(\d|1[01])"/);
  });

  it('has a y-axis of nice ticks with gridlines, labelled with what it counts', () => {
    const ticks = [...svg.matchAll(/<text [^>]*text-anchor="end" fill="#4a5560">([\d,]+)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '10', '20', '30', '40']);
    expect((svg.match(/<line [^>]*stroke="#d5d9de"\/>/g) ?? []).length).toBe(ticks.length);
    expect(svg).toMatch(/transform="rotate\(-90[^"]*"\s*>Crimes<|>Crimes<\/text>/);
  });

  it('names every other month (the table has them all), with the year under the first of each year', () => {
    const names = [...svg.matchAll(/<text [^>]*text-anchor="middle">([A-Z][a-z]{2})<\/text>/g)].map((m) => m[1]);
    expect(names).toEqual(['Apr', 'Jun', 'Aug', 'Oct', 'Dec', 'Feb']);
    expect(svg).toContain('>2024</text>');
    expect(svg).toContain('>2025</text>');
    expect(svg).not.toContain('>24-04<');
  });

  it('tells suppressed from zero and from no data, on hover, in the legend and in the table', () => {
    expect(titles(svg)).toEqual(expect.arrayContaining(['Jul 2024: suppressed', 'Sep 2024: 0', 'Feb 2025: no data yet', 'Apr 2024: 10']));
    expect(svg).toContain('>suppressed (small count)</text>');
    expect(svg).toContain('>no data yet</text>');
    // No point for a suppressed month or one after the data: 12 months, 9 points.
    expect((svg.match(/<circle /g) ?? []).length).toBe(9);
    expect(tableRows(html)).toHaveLength(12);
    expect(tableRows(html)[3]).toEqual(['Jul 2024', 'suppressed']);
    expect(tableRows(html)[5]).toEqual(['Sep 2024', '0']);
    expect(html).toMatch(/^<figure class="chart-figure"><figcaption>Serious violence by month<\/figcaption><svg /);
  });
});

describe('a bar chart', () => {
  const html = barChart('By offence group', [{ label: 'Assault with intent serious harm', value: 31 }, { label: 'Robbery personal', value: null }, { label: 'Rape', value: 0 }], { measure: 'Crimes' });

  it('gives each bar its value beside it and on hover, a suppressed one an empty dashed box, a zero no bar', () => {
    expect(titles(html)).toEqual(expect.arrayContaining(['Assault with intent serious harm: 31', 'Robbery personal: suppressed', 'Rape: 0']));
    expect(html).toMatch(/<rect x="4" y="[\d.]+" width="[\d.]+" height="14" fill="#1f5f8b"\/><text [^>]*>31<\/text>/);
    expect(html).toMatch(/<rect x="4" y="[\d.]+" width="28" height="14" fill="#ffffff" stroke="#4a5560" stroke-dasharray="3 2"\/><text [^>]*>suppressed<\/text>/);
    expect(html).toMatch(/<rect x="4" y="[\d.]+" width="0" height="14" fill="#1f5f8b"\/><text [^>]*>0<\/text>/);
    expect(html).toContain('>0 = none</text>');
    expect(tableRows(html)).toEqual([['Assault with intent serious harm', '31'], ['Robbery personal', 'suppressed'], ['Rape', '0']]);
  });

  it('has gridlines at nice values on its value axis', () => {
    const ticks = [...html.matchAll(/<text [^>]*text-anchor="middle" fill="#4a5560">([\d,]+)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '10', '20', '30', '40']);
  });
});

describe('a heatmap', () => {
  it('titles every cell, a suppressed one as suppressed, with a legend of its classes', () => {
    const html = heatmap('Hour by weekday', ['Mon', 'Tue'], ['00', '01', '02'], [[0, 3, null], [12, 6, 1]]);
    expect(titles(html)).toEqual(expect.arrayContaining(['Mon 00:00: 0', 'Mon 02:00: suppressed', 'Tue 00:00: 12']));
    expect(html).toContain('>suppressed</text>');
    expect(tableRows(html)).toEqual([['Mon', '0', '3', 'suppressed'], ['Tue', '12', '6', '1']]);
  });

  it('has classes at the values, zero its own', () => {
    const classes = classesOf([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    expect(classes.items.map((i) => i.label)).toEqual(['0', '1–2', '3–4', '5–6', '7–8', '9–10']);
    expect(classes.fill(0)).not.toBe(classes.fill(1));
    expect(classes.fill(10)).toBe(classes.fill(9));
    expect(new Set([1, 3, 5, 7, 9].map(classes.fill)).size).toBe(5);
  });
});

describe('a choropleth of LSOAs', () => {
  const leicester = llrDeployment.boundaries.lsoas.E06000016;
  const cells = leicester.map((lsoa, i) => ({ lsoa, value: i % 5 === 0 ? null : i % 17 }));
  const context = mapContext(llrDeployment, ['leicester']);
  const html = choropleth({ title: 'Serious violence by LSOA, Leicester', cells, ...context, measure: 'Crimes' });
  const svg = /<svg[\s\S]*<\/svg>/.exec(html)![0];

  it('draws every LSOA of the locality inside the viewBox, each with its name and figure on hover', () => {
    const [width, height] = viewBox(svg);
    expect(width).toBe(360);
    const areas = /<g class="areas">(.*?)<\/g>/.exec(svg)![1];
    expect((areas.match(/<path /g) ?? []).length).toBe(leicester.length);
    const xs = [...areas.matchAll(/[ML]([\d.-]+),([\d.-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(Math.min(...xs.map((p) => p[0]))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs.map((p) => p[0]))).toBeLessThanOrEqual(360);
    expect(Math.max(...xs.map((p) => p[1]))).toBeLessThanOrEqual(height);
    expect(titles(areas).filter((t) => t.endsWith(': suppressed'))).toHaveLength(cells.filter((c) => c.value === null).length);
    expect(titles(areas).every((t) => /^Leicester \d{3}[A-Z] \(E01\d{6}\): (suppressed|\d+)$/.test(t))).toBe(true);
  });

  it('keeps the aspect of the ground: a locality as wide as it is tall on the map as on the earth', () => {
    const { height } = fitProjection(context.localities);
    // Leicester spans about 0.18° of longitude (12 km at 52.6°N) and 0.12° of latitude (13 km): near square.
    expect(height / 360).toBeGreaterThan(0.8);
    expect(height / 360).toBeLessThan(1.4);
  });

  it('outlines the locality, and carries a legend with a suppressed swatch and the attribution', () => {
    expect(svg).toMatch(/<g class="outlines"><path d="M[\d.,ML]+" fill="none" stroke="#1b1b1b"/);
    expect(svg).toContain('>suppressed (small count)</text>');
    expect(svg).toMatch(/stroke-dasharray="3 2"\/><text [^>]*>suppressed \(small count\)/);
    expect(svg).toContain(`<desc>${llrDeployment.boundaries.attribution.replace(/&/g, '&amp;')}</desc>`);
    expect(html).toContain('<p class="attribution">Boundaries: Lower Layer Super Output Areas (2011)');
  });

  it('has the table of every LSOA behind it, the largest first and suppressed after', () => {
    const rows = tableRows(html);
    expect(rows).toHaveLength(leicester.length);
    expect(rows[0][2]).toBe('16');
    expect(rows.slice(-cells.filter((c) => c.value === null).length).every((r) => r[2] === 'suppressed')).toBe(true);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(leicester));
  });

  it('fills whole localities by a rate, for any deployment', () => {
    const cleveland = loadDeployment('cleveland');
    const all = mapContext(cleveland);
    const map = choropleth({ title: 'Rate', cells: all.localities.map((l, i) => ({ lsoa: l.slug, value: i === 0 ? null : 1.5 + i })), ...all, level: 'locality', decimals: 1, measure: 'Per 1,000' });
    expect(tableRows(map)).toEqual([...all.localities.slice(1).map((l, i) => [l.name, String(1.5 + i + 1)]).reverse(), [all.localities[0].name, 'suppressed']]);
    expect((/<g class="outlines">(.*?)<\/g>/.exec(map)![1].match(/<path /g) ?? []).length).toBe(all.localities.length);
    expect(map).toContain(cleveland.boundaries.attribution.replace(/&/g, '&amp;').slice(0, 60));
  });
});

describe('classes when nothing is above zero', () => {
  it('has the zero class alone', () => {
    expect(classesOf([0, 0, 0]).items.map((i) => i.label)).toEqual(['0']);
    expect(classesOf([]).items.map((i) => i.label)).toEqual(['0']);
  });
});
