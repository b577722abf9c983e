/**
 * Charts as inline SVG, drawn on the server: a handful of shapes is all the reports need, so this is plain code
 * rather than a charting library (no browser, no canvas, the same bytes every time). A suppressed value (null) is
 * drawn as a marked gap, never as a bar or a number.
 */
export const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export interface Point { label: string; value: number | null }
const FONT = 'font-family="system-ui, sans-serif" font-size="11"';
const BAR = '#1f5f8b';

export function barChart(title: string, points: Point[]): string {
  const row = 18, labelWidth = 230, width = 620, chart = width - labelWidth - 60;
  const max = Math.max(1, ...points.map((p) => p.value ?? 0));
  const height = points.length * row + 10;
  const bars = points.map((p, i) => {
    const y = i * row + 4;
    const label = `<text x="${labelWidth - 6}" y="${y + 12}" text-anchor="end">${escapeHtml(p.label)}</text>`;
    if (p.value === null) return `${label}<text x="${labelWidth + 4}" y="${y + 12}" fill="#777">suppressed</text>`;
    const w = Math.round((p.value / max) * chart);
    return `${label}<rect x="${labelWidth}" y="${y}" width="${w}" height="${row - 5}" fill="${BAR}"/><text x="${labelWidth + w + 4}" y="${y + 12}">${p.value}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}><title>${escapeHtml(title)}</title>${bars}</svg>`;
}

export function lineChart(title: string, points: Point[]): string {
  const width = 600, height = 180, left = 36, bottom = 30, top = 10;
  const max = Math.max(1, ...points.map((p) => p.value ?? 0));
  const step = (width - left - 30) / Math.max(1, points.length - 1);
  const x = (i: number) => Math.round(left + i * step);
  const y = (v: number) => Math.round(top + (height - top - bottom) * (1 - v / max));
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) { if (current.length) segments.push(current.join(' ')); current = []; return; }
    current.push(`${x(i)},${y(p.value)}`);
  });
  if (current.length) segments.push(current.join(' '));
  const lines = segments.map((s) => `<polyline points="${s}" fill="none" stroke="${BAR}" stroke-width="2"/>`).join('');
  const dots = points.map((p, i) => (p.value === null
    ? `<text x="${x(i)}" y="${height - bottom - 4}" text-anchor="middle" fill="#777">×</text>`
    : `<circle cx="${x(i)}" cy="${y(p.value)}" r="3" fill="${BAR}"><title>${escapeHtml(p.label)}: ${p.value}</title></circle>`)).join('');
  const labels = points.map((p, i) => `<text x="${x(i)}" y="${height - 10}" text-anchor="middle">${escapeHtml(p.label.slice(2))}</text>`).join('');
  const axis = `<line x1="${left}" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}" stroke="#999"/><text x="${left - 4}" y="${top + 8}" text-anchor="end">${max}</text><text x="${left - 4}" y="${height - bottom}" text-anchor="end">0</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}><title>${escapeHtml(title)}</title>${axis}${lines}${dots}${labels}</svg>`;
}

export function heatmap(title: string, rows: string[], columns: string[], values: (number | null)[][]): string {
  const cell = 20, left = 40, top = 16;
  const width = left + columns.length * cell + 10, height = top + rows.length * cell + 6;
  const max = Math.max(1, ...values.flat().map((v) => v ?? 0));
  const head = columns.map((c, j) => (j % 3 === 0 ? `<text x="${left + j * cell + cell / 2}" y="${top - 4}" text-anchor="middle">${escapeHtml(c)}</text>` : '')).join('');
  const body = rows.map((r, i) => `<text x="${left - 6}" y="${top + i * cell + 14}" text-anchor="end">${escapeHtml(r)}</text>` + values[i].map((v, j) => {
    const x = left + j * cell, y = top + i * cell;
    if (v === null) return `<rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="#ddd"><title>suppressed</title></rect>`;
    return `<rect x="${x}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="${BAR}" fill-opacity="${(0.08 + 0.92 * (v / max)).toFixed(2)}"><title>${escapeHtml(r)} ${escapeHtml(columns[j])}: ${v}</title></rect>`;
  }).join('')).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}><title>${escapeHtml(title)}</title>${head}${body}</svg>`;
}
