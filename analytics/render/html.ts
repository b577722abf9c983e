import { escapeHtml } from './svg.ts';

/** A self-contained, printable report page: inline CSS and SVG only, nothing fetched. */
export interface Section { heading: string; html: string }

/** The page's inline style, exported so that a Content-Security-Policy can allow exactly it (by its hash). */
export const REPORT_STYLE = `
body{font-family:system-ui,sans-serif;color:#1b1b1b;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.15rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:1.8rem}
.sub{color:#555;margin-top:0} table{border-collapse:collapse;margin:.5rem 0} td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
td.n{text-align:right} .note{color:#555;font-size:.85rem} section{break-inside:avoid}
svg.chart{display:block;width:100%;max-width:32rem;height:auto} figure{margin:1rem 0} figcaption{font-weight:600;margin-bottom:.3rem}
.attribution{color:#555;font-size:.8rem;max-width:32rem} details.chart-data{margin:.3rem 0} details.chart-data table{font-size:.9rem} .scroll{overflow-x:auto}
@media print{body{margin:0;max-width:none} h2{break-after:avoid}}
`;

export function reportPage(title: string, subtitle: string, sections: Section[], footnote: string): string {
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_STYLE}</style></head><body>
<h1>${escapeHtml(title)}</h1><p class="sub">${escapeHtml(subtitle)}</p>
${sections.map((s) => `<section><h2>${escapeHtml(s.heading)}</h2>${s.html}</section>`).join('\n')}
<p class="note">${escapeHtml(footnote)}</p>
</body></html>
`;
}

export function keyValues(rows: [string, string | number | null][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td class="n">${v === null ? 'suppressed' : escapeHtml(String(v))}</td></tr>`).join('')}</table>`;
}
