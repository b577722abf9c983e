/**
 * Charts as inline SVG, drawn on the server: a handful of shapes is all the reports need, so this is plain code
 * rather than a charting library (no browser, no canvas, the same bytes every time). Each chart is a `<figure>`: its
 * caption, the SVG (a viewBox 360 units wide drawn at the page's width, so a phone shows its 13-unit text at about
 * 12 px and more), and the table behind it for screen readers and anyone who wants the numbers. Every value has a
 * `<title>` (`label: value`, shown on hover); a suppressed value (null) is drawn as a dashed empty box and said
 * "suppressed", never as a bar, a point or a number, and the legend tells it from a zero.
 */
export const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A value of a chart: a count or rate, null when suppressed; `noData` for a month after the data's last date. */
export interface Point { label: string; value: number | null; noData?: boolean }

export const WIDTH = 360;
export const FONT_SIZE = 13;
const FONT = `font-family="system-ui, sans-serif" font-size="${FONT_SIZE}"`;
export const INK = '#1b1b1b';
const MUTED = '#4a5560';
const GRID = '#d5d9de';
const BAR = '#1f5f8b';
/** The suppressed swatch: an empty box with a dashed edge, unlike any colour of a value. */
export const SUPPRESSED = 'fill="#ffffff" stroke="#4a5560" stroke-dasharray="3 2"';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `2024-04` → `Apr 2024`; anything else as it is. */
export function monthLabel(code: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(code);
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? `${MONTHS[Number(m[2]) - 1]} ${m[1]}` : code;
}

const NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
export const formatValue = (n: number) => NUMBER.format(n);
/** What a value reads as, in a title, a table or beside a bar. */
export const valueText = (p: Pick<Point, 'value' | 'noData'>) => (p.noData ? 'no data yet' : p.value === null ? 'suppressed' : formatValue(p.value));

/** Ticks from 0 at a step of 1, 2 or 5 × 10ⁿ, up to the first at or above max (about `count` of them). */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step / 2 && ticks.length < 50; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

const text = (x: number, y: number, body: string, attrs = '') => `<text x="${r(x)}" y="${r(y)}"${attrs ? ` ${attrs}` : ''}>${body}</text>`;
/** Coordinates to a tenth of a unit: enough for the eye, and the same bytes every time. */
export const r = (n: number) => Math.round(n * 10) / 10;

export function svgOpen(title: string, height: number, width = WIDTH): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${r(height)}" width="100%" preserveAspectRatio="xMinYMin meet" ${FONT} fill="${INK}"><title>${escapeHtml(title)}</title>`;
}

/** A legend entry: a swatch (the attributes of a 14-unit box, or a line) and its words; returns the next x. */
export interface LegendItem { swatch: string; label: string }
export function legendRow(items: LegendItem[], y: number, x0 = 0, width = WIDTH): { svg: string; height: number } {
  let x = x0, row = 0;
  const parts: string[] = [];
  for (const item of items) {
    const w = 20 + item.label.length * 7.2 + 14;
    if (x + w > width && x > x0) { x = x0; row++; }
    const top = y + row * 20;
    const swatch = item.swatch.startsWith('line:')
      ? `<line x1="${r(x)}" y1="${r(top + 7)}" x2="${r(x + 14)}" y2="${r(top + 7)}" stroke="${item.swatch.slice(5)}" stroke-width="3"/>`
      : `<rect x="${r(x)}" y="${r(top)}" width="14" height="14" ${item.swatch}/>`;
    parts.push(`${swatch}${text(x + 19, top + 12, escapeHtml(item.label))}`);
    x += w;
  }
  return { svg: `<g class="legend">${parts.join('')}</g>`, height: (row + 1) * 20 };
}

/** The figures behind a chart as a table (a `<details>` below it, for screen readers and for the numbers); the first `textColumns` are words. */
export function dataTable(caption: string, columns: string[], rows: string[][], textColumns = 1): string {
  const head = `<tr>${columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((v, i) => (i === 0 ? `<th scope="row">${escapeHtml(v)}</th>` : `<td${i < textColumns ? '' : ' class="n"'}>${escapeHtml(v)}</td>`)).join('')}</tr>`).join('');
  return `<details class="chart-data"><summary>${escapeHtml(caption)}</summary><div class="scroll"><table><caption>${escapeHtml(caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div></details>`;
}

/** A chart's figure: its caption, the SVG, optional notes (already HTML) and the table behind it. */
export function figure(title: string, svg: string, table: string, notes = ''): string {
  return `<figure class="chart-figure"><figcaption>${escapeHtml(title)}</figcaption>${svg}${notes}${table}</figure>`;
}

const legendFor = (points: Point[], swatch: string, what: string): LegendItem[] => [
  { swatch, label: what },
  { swatch: SUPPRESSED, label: 'suppressed (small count)' },
  ...(points.some((p) => p.noData) ? [{ swatch: `fill="#eef0f2"`, label: 'no data yet' }] : []),
];

export interface ChartOptions {
  /** What the values are, for the axis and the legend ("Crimes", "Per 1,000 residents"). */
  measure?: string;
}

/** Horizontal bars, one to a row with its label above it (long labels fit a phone), its value beside it. */
export function barChart(title: string, points: Point[], options: ChartOptions = {}): string {
  const measure = options.measure ?? 'Count';
  const legend = legendRow([...legendFor(points, `fill="${BAR}"`, measure), { swatch: 'fill="none"', label: '0 = none' }], 2);
  const top = legend.height + 10, rowH = 38, left = 4, right = WIDTH - 56;
  const ticks = niceTicks(Math.max(0, ...points.map((p) => p.value ?? 0)));
  const max = ticks[ticks.length - 1];
  const x = (v: number) => left + (right - left) * (v / max);
  const bottom = top + points.length * rowH;
  const grid = ticks.map((t) => `<line x1="${r(x(t))}" y1="${top}" x2="${r(x(t))}" y2="${bottom}" stroke="${GRID}"/>${text(x(t), bottom + 16, formatValue(t), `text-anchor="middle" fill="${MUTED}"`)}`).join('');
  const bars = points.map((p, i) => {
    const y = top + i * rowH;
    const label = text(left, y + 13, escapeHtml(p.label));
    const hover = `<title>${escapeHtml(p.label)}: ${valueText(p)}</title>`;
    if (p.value === null) {
      return `<g>${hover}${label}<rect x="${left}" y="${y + 18}" width="28" height="14" ${SUPPRESSED}/>${text(left + 34, y + 30, valueText(p), `fill="${MUTED}"`)}</g>`;
    }
    const w = x(p.value) - left;
    return `<g>${hover}${label}<rect x="${left}" y="${y + 18}" width="${r(w)}" height="14" fill="${BAR}"/>${text(left + w + 4, y + 30, valueText(p))}</g>`;
  }).join('');
  const axis = `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="${MUTED}"/>${text((left + right) / 2, bottom + 34, escapeHtml(measure), `text-anchor="middle" fill="${MUTED}"`)}`;
  const svg = `${svgOpen(title, bottom + 42)}${legend.svg}${grid}${axis}${bars}</svg>`;
  return figure(title, svg, dataTable(`${title}: the figures`, ['', measure], points.map((p) => [p.label, valueText(p)])));
}

/** A line by month (or any ordered labels): gridlines at nice values, months named, gaps where suppressed. */
export function lineChart(title: string, points: Point[], options: ChartOptions = {}): string {
  const measure = options.measure ?? 'Count';
  const legend = legendRow(legendFor(points, `line:${BAR}`, measure), 2);
  const top = legend.height + 14, height = top + 190, left = 44, right = WIDTH - 10, bottom = height - 50;
  const ticks = niceTicks(Math.max(0, ...points.map((p) => (p.noData ? 0 : p.value ?? 0))));
  const max = ticks[ticks.length - 1];
  const step = (right - left) / Math.max(1, points.length);
  const x = (i: number) => left + step * (i + 0.5);
  const y = (v: number) => bottom - (bottom - top) * (v / max);
  const grid = ticks.map((t) => `<line x1="${left}" y1="${r(y(t))}" x2="${right}" y2="${r(y(t))}" stroke="${GRID}"/>${text(left - 5, y(t) + 4, formatValue(t), `text-anchor="end" fill="${MUTED}"`)}`).join('');
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null || p.noData) { if (current.length) segments.push(current.join(' ')); current = []; return; }
    current.push(`${r(x(i))},${r(y(p.value))}`);
  });
  if (current.length) segments.push(current.join(' '));
  const lines = segments.map((s) => `<polyline points="${s}" fill="none" stroke="${BAR}" stroke-width="2.5"/>`).join('');
  const marks = points.map((p, i) => {
    const hover = `<title>${escapeHtml(monthLabel(p.label))}: ${valueText(p)}</title>`;
    if (p.noData) return `<rect x="${r(x(i) - step / 2)}" y="${r(top)}" width="${r(step)}" height="${r(bottom - top)}" fill="#eef0f2">${hover}</rect>`;
    if (p.value === null) return `<rect x="${r(x(i) - 6)}" y="${r(bottom - 14)}" width="12" height="12" ${SUPPRESSED}>${hover}</rect>`;
    return `<circle cx="${r(x(i))}" cy="${r(y(p.value))}" r="4" fill="${BAR}">${hover}</circle>`;
  }).join('');
  // Month labels: the short name of every other month (every third beyond 14, and so on: a 13-unit name needs
  // about 30 units), the year under the first labelled month of each year.
  const every = Math.max(1, Math.ceil((points.length * 30) / (right - left)));
  let lastYear = '';
  const labels = points.map((p, i) => {
    if (i % every !== 0) return '';
    const month = /^(\d{4})-(\d{2})$/.exec(p.label);
    if (!month) return text(x(i), bottom + 18, escapeHtml(p.label), 'text-anchor="middle"');
    const year = month[1] !== lastYear ? text(x(i), bottom + 34, month[1], `text-anchor="middle" fill="${MUTED}"`) : '';
    lastYear = month[1];
    return text(x(i), bottom + 18, MONTHS[Number(month[2]) - 1], 'text-anchor="middle"') + year;
  }).join('');
  const axis = `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="${MUTED}"/>${text(12, (top + bottom) / 2, escapeHtml(measure), `text-anchor="middle" fill="${MUTED}" transform="rotate(-90 12 ${r((top + bottom) / 2)})"`)}`;
  const svg = `${svgOpen(title, height)}${legend.svg}${grid}${axis}${lines}${marks}${labels}</svg>`;
  return figure(title, svg, dataTable(`${title}: the figures`, ['', measure], points.map((p) => [monthLabel(p.label), valueText(p)])));
}

/** Up to five classes of the published values, bounds at nice numbers: what a heatmap's and a map's colours mean. */
export const BLUES = ['#deebf7', '#9ecae1', '#4292c6', '#2171b5', '#08306b'];
export const ZERO_FILL = '#f4f5f6';
export interface Classes { breaks: number[]; fill(value: number): string; items: LegendItem[] }
export function classesOf(values: number[], count = 5, decimals = 0): Classes {
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  const max = positive[positive.length - 1] ?? 0;
  const unit = 10 ** -decimals;
  // Quantile bounds rounded to the unit, duplicates dropped: each class's upper bound.
  const uppers = [...new Set(Array.from({ length: count }, (_, k) => {
    const q = positive[Math.min(positive.length - 1, Math.floor(((k + 1) * positive.length) / count) - 1)] ?? max;
    return Math.round(q / unit) * unit;
  }))].filter((b) => b > 0);
  if (max > 0 && (!uppers.length || uppers[uppers.length - 1] < max)) uppers.push(max);
  const palette = BLUES.slice(BLUES.length - uppers.length);
  const fmt = (n: number) => formatValue(Number(n.toFixed(decimals)));
  const items: LegendItem[] = [{ swatch: `fill="${ZERO_FILL}" stroke="${GRID}"`, label: '0' }];
  uppers.forEach((upper, i) => {
    const lower = i === 0 ? (decimals ? unit : 1) : uppers[i - 1] + unit;
    items.push({ swatch: `fill="${palette[i]}"`, label: lower >= upper ? fmt(upper) : `${fmt(lower)}–${fmt(upper)}` });
  });
  return {
    breaks: uppers,
    fill: (v) => (v <= 0 ? ZERO_FILL : palette[Math.max(0, uppers.findIndex((u) => v <= u + unit / 2))] ?? palette[palette.length - 1]),
    items,
  };
}

/** A grid of counts (hour by weekday): colour classes, a legend with the suppressed swatch, each cell titled. */
export function heatmap(title: string, rows: string[], columns: string[], values: (number | null)[][], options: ChartOptions = {}): string {
  const measure = options.measure ?? 'Count';
  const classes = classesOf(values.flat().filter((v): v is number => v !== null), 4);
  const legend = legendRow([...classes.items, { swatch: SUPPRESSED, label: 'suppressed' }], 2);
  const left = 38, top = legend.height + 26;
  const cell = (WIDTH - left - 4) / Math.max(1, columns.length);
  const every = Math.max(1, Math.ceil(30 / cell));
  const head = columns.map((c, j) => (j % every === 0 ? text(left + j * cell + cell / 2, top - 6, escapeHtml(c), 'text-anchor="middle"') : '')).join('');
  const body = rows.map((name, i) => text(left - 6, top + i * cell + cell / 2 + 4, escapeHtml(name), 'text-anchor="end"') + values[i].map((v, j) => {
    const x = r(left + j * cell + 0.5), y = r(top + i * cell + 0.5), size = r(cell - 1);
    const hover = `<title>${escapeHtml(name)} ${escapeHtml(columns[j])}:00: ${valueText({ value: v })}</title>`;
    if (v === null) return `<rect x="${x}" y="${y}" width="${size}" height="${size}" ${SUPPRESSED}>${hover}</rect>`;
    return `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="${classes.fill(v)}">${hover}</rect>`;
  }).join('')).join('');
  const height = top + rows.length * cell + 24;
  const caption = text(left, height - 6, escapeHtml(`Hours across, days down; colour: ${measure.toLowerCase()}`), `fill="${MUTED}"`);
  const svg = `${svgOpen(title, height)}${legend.svg}${head}${body}${caption}</svg>`;
  return figure(title, svg, dataTable(`${title}: the figures`, ['', ...columns.map((c) => `${c}:00`)], rows.map((name, i) => [name, ...values[i].map((v) => valueText({ value: v }))])));
}
