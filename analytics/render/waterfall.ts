import type { Explanation } from '../matching/review.ts';
import { escapeHtml } from './svg.ts';

/**
 * A pair's evidence as a waterfall: a bar from zero to the prior, then one bar per comparison starting where the
 * one before ended (right for evidence of one person, left against), and the total from zero, which is the
 * score's log-odds. Drawn on the server with presentation attributes only (the portal's CSP allows no style).
 */
export interface WaterfallRow { label: string; kind: 'prior' | 'comparison' | 'total'; from: number; to: number; x: number; width: number }
export interface WaterfallLayout { rows: WaterfallRow[]; total: number; probability: number; zero: number }

const WIDTH = 560, LEFT = 190, RIGHT = 70, ROW = 22;
const round = (n: number) => Math.round(n * 100) / 100;
export const logistic = (logOdds: number) => 1 / (1 + Math.exp(-logOdds));
export const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(2)}`;

export function waterfallLayout(e: Explanation): WaterfallLayout {
  const steps: Omit<WaterfallRow, 'x' | 'width'>[] = [{ label: 'prior', kind: 'prior', from: 0, to: e.prior }];
  let at = e.prior;
  for (const c of e.comparisons) {
    steps.push({ label: `${c.comparison}: ${c.level}`, kind: 'comparison', from: at, to: at + c.weight });
    at += c.weight;
  }
  steps.push({ label: 'score', kind: 'total', from: 0, to: at });
  const ends = steps.flatMap((s) => [s.from, s.to]);
  const [min, max] = [Math.min(0, ...ends), Math.max(0, ...ends)];
  const scale = (WIDTH - LEFT - RIGHT) / Math.max(1e-9, max - min);
  const px = (v: number) => LEFT + (v - min) * scale;
  return {
    rows: steps.map((s) => ({ ...s, x: round(px(Math.min(s.from, s.to))), width: round(Math.abs(s.to - s.from) * scale) })),
    total: at, probability: logistic(at), zero: round(px(0)),
  };
}

const FILL = { prior: '#5a6570', total: '#123a57', up: '#1d6b2f', down: '#a4161a' };

export function waterfallChart(title: string, e: Explanation): string {
  const layout = waterfallLayout(e);
  const height = layout.rows.length * ROW + 8;
  const bars = layout.rows.map((r, i) => {
    const y = i * ROW + 4;
    const fill = r.kind === 'comparison' ? (r.to >= r.from ? FILL.up : FILL.down) : FILL[r.kind];
    const value = r.kind === 'total' ? `${signed(r.to)} (${(layout.probability * 100).toFixed(1)}%)` : signed(r.to - r.from);
    return `<text x="${LEFT - 8}" y="${y + 13}" text-anchor="end"${r.kind === 'total' ? ' font-weight="bold"' : ''}>${escapeHtml(r.label)}</text>`
      + `<rect x="${r.x}" y="${y}" width="${r.width}" height="${ROW - 6}" fill="${fill}" data-kind="${r.kind}" data-from="${r.from}" data-to="${r.to}"/>`
      + `<text x="${WIDTH - RIGHT + 6}" y="${y + 13}">${value}</text>`;
  }).join('');
  const axis = `<line x1="${layout.zero}" y1="0" x2="${layout.zero}" y2="${height}" stroke="#999" stroke-dasharray="3 2"/>`;
  const label = `${title}: log-odds ${signed(layout.total)}, probability ${(layout.probability * 100).toFixed(1)}%`;
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(label)}" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="11"><title>${escapeHtml(label)}</title>${axis}${bars}</svg>`;
}
