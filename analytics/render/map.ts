import type { Area } from '../../schemas/area/index.ts';
import type { Boundaries, LsoaPolygons } from '../../schemas/deployments/deployment.ts';
import { classesOf, dataTable, escapeHtml, figure, legendRow, r, SUPPRESSED, svgOpen, valueText, WIDTH } from './svg.ts';

/**
 * Choropleth maps as inline SVG, drawn on the server from the deployment's LSOA polygons (schemas/deployments/<name>/
 * boundaries/). The projection is spherical Web Mercator fitted to the drawn extent (no projection library: at the
 * scale of a county its distortion is a uniform stretch, and British National Grid would need a datum shift for no
 * visible gain). Every map has its title, a legend of its classes with a suppressed swatch unlike any value's, the
 * bundle's attribution, each area's value on hover, and the table of every area's figure for screen readers.
 */

/** One area's figure: a count or rate, null when disclosure control suppressed it. */
export interface MapCell { lsoa: string; value: number | null }
/** A locality as drawn: its LSOA polygons, outlined as one. */
export interface MapLocality { slug: string; name: string; polygons: LsoaPolygons }

export interface ChoroplethInput {
  title: string;
  /** By LSOA code; with `level: 'locality'`, by locality slug (each locality filled as one). */
  cells: MapCell[];
  localities: MapLocality[];
  /** The boundaries' credit (the bundle's boundaries.json), shown under every map. */
  attribution: string;
  /** What the values are: the legend's and the table's heading ("Crimes", "Crimes per 1,000 residents"). */
  measure?: string;
  level?: 'lsoa' | 'locality';
  /** Decimals of the class bounds (0 for counts). */
  decimals?: number;
  /** At most this many colour classes of the published values (5). */
  classes?: number;
  /** LSOAs to mark as hotspots (drawn with a heavy outline, named in the legend and the table). */
  hotspots?: string[];
}

type Position = [number, number];
const MAX_HEIGHT = 420;
const NO_FIGURE = 'fill="#ffffff" stroke="#b8bec5"';
const HOTSPOT = '#d4351c';

/** Web Mercator: longitude and latitude in degrees → x east, y north (radians on the unit sphere). */
const mercator = ([lon, lat]: Position): Position => [(lon * Math.PI) / 180, Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];

const polygonsOf = (geometry: LsoaPolygons['features'][number]['geometry']) =>
  (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as unknown as Position[][][];

/** A projection fitted to the features: the drawn extent fills the width (or MAX_HEIGHT), north up. */
export function fitProjection(localities: MapLocality[], width = WIDTH, margin = 4): { project: (p: Position) => Position; height: number } {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const l of localities) for (const f of l.polygons.features) for (const polygon of polygonsOf(f.geometry)) for (const p of polygon[0]) {
    const [x, y] = mercator(p);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const scale = Math.min((width - 2 * margin) / (x1 - x0 || 1), (MAX_HEIGHT - 2 * margin) / (y1 - y0 || 1));
  const dx = (width - (x1 - x0) * scale) / 2;
  return {
    project: (p) => { const [x, y] = mercator(p); return [dx + (x - x0) * scale, margin + (y1 - y) * scale]; },
    height: (y1 - y0) * scale + 2 * margin,
  };
}

/** A polygon as path data, points closer than half a unit to the last kept one dropped. */
function pathOf(polygons: Position[][][], project: (p: Position) => Position): string {
  const parts: string[] = [];
  for (const polygon of polygons) for (const ring of polygon) {
    let last: Position | null = null;
    const points: string[] = [];
    ring.forEach((p, i) => {
      const q = project(p);
      if (last && i < ring.length - 1 && Math.abs(q[0] - last[0]) + Math.abs(q[1] - last[1]) < 0.5) return;
      points.push(`${r(q[0])},${r(q[1])}`);
      last = q;
    });
    if (points.length >= 3) parts.push(`M${points.join('L')}Z`);
  }
  return parts.join('');
}

/** Whether a point lies inside a polygon (even-odd over its rings). */
function inside([x, y]: Position, polygon: Position[][]): boolean {
  let within = false;
  for (const ring of polygon) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) within = !within;
    }
  }
  return within;
}

const outlines = new WeakMap<LsoaPolygons, Position[][]>();
/**
 * A locality's outline as lines of positions: the edges of its LSOAs that no other of its LSOAs shares, less those
 * with the locality on both sides (where a neighbour's edge is split at a vertex the polygon lacks). Cached: the
 * geometry is the bundle's and never changes.
 */
function outlineOf(locality: MapLocality): Position[][] {
  const cached = outlines.get(locality.polygons);
  if (cached) return cached;
  const key = (a: Position, b: Position) => { const s = `${a}`, t = `${b}`; return s < t ? `${s}|${t}` : `${t}|${s}`; };
  const polygons = locality.polygons.features.flatMap((f) => polygonsOf(f.geometry));
  const boxes = polygons.map((p) => p[0].reduce((b, [x, y]) => [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)], [Infinity, Infinity, -Infinity, -Infinity]));
  const covered = (p: Position) => polygons.some((polygon, i) => p[0] >= boxes[i][0] && p[0] <= boxes[i][2] && p[1] >= boxes[i][1] && p[1] <= boxes[i][3] && inside(p, polygon));
  const uses = new Map<string, number>();
  for (const polygon of polygons) for (const ring of polygon) for (let i = 0; i + 1 < ring.length; i++) uses.set(key(ring[i], ring[i + 1]), (uses.get(key(ring[i], ring[i + 1])) ?? 0) + 1);
  const edge = (a: Position, b: Position) => {
    if (uses.get(key(a, b)) !== 1) return false;
    const [mx, my] = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], [dx, dy] = [b[0] - a[0], b[1] - a[1]];
    // About 20 m either side: wider than the slivers simplification leaves between neighbours.
    const e = 2e-4 / (Math.hypot(dx, dy) || 1);
    return !(covered([mx - dy * e, my + dx * e]) && covered([mx + dy * e, my - dx * e]));
  };
  const runs: Position[][] = [];
  for (const polygon of polygons) for (const ring of polygon) {
    let run: Position[] = [];
    for (let i = 0; i + 1 < ring.length; i++) {
      if (!edge(ring[i], ring[i + 1])) { if (run.length > 1) runs.push(run); run = []; continue; }
      if (!run.length) run.push(ring[i]);
      run.push(ring[i + 1]);
    }
    if (run.length > 1) runs.push(run);
  }
  outlines.set(locality.polygons, runs);
  return runs;
}

const linesOf = (runs: Position[][], project: (p: Position) => Position) =>
  runs.map((run) => `M${run.map((p) => project(p)).map(([x, y]) => `${r(x)},${r(y)}`).join('L')}`).join('');

/** The drawn geometry of a set of localities (path data and outlines, projected), kept for the next map of the same set. */
const drawings = new Map<string, { polygons: LsoaPolygons[]; height: number; paths: string[][]; outlines: string[] }>();
function drawn(localities: MapLocality[]) {
  const key = localities.map((l) => l.slug).join();
  const kept = drawings.get(key);
  if (kept && kept.polygons.every((p, i) => p === localities[i].polygons)) return kept;
  const { project, height } = fitProjection(localities);
  const drawing = {
    polygons: localities.map((l) => l.polygons), height,
    paths: localities.map((l) => l.polygons.features.map((f) => pathOf(polygonsOf(f.geometry), project))),
    outlines: localities.map((l) => linesOf(outlineOf(l), project)),
  };
  if (drawings.size > 64) drawings.clear();
  drawings.set(key, drawing);
  return drawing;
}

/** The map: areas filled by class, localities outlined, the legend and attribution below, the table behind it. */
export function choropleth(input: ChoroplethInput): string {
  const { title, localities, attribution, measure = 'Count', level = 'lsoa', decimals = 0 } = input;
  const hotspots = new Set(level === 'lsoa' ? input.hotspots ?? [] : []);
  const marked: string[] = [];
  const byKey = new Map(input.cells.map((c) => [c.lsoa, c.value]));
  const published = input.cells.map((c) => c.value).filter((v): v is number => v !== null);
  const classes = classesOf(published, input.classes ?? 5, decimals);
  const { paths, outlines: outlinePaths, height } = drawn(localities);
  const rows: { code: string; name: string; locality: string; value: number | null | undefined }[] = [];
  const areas: string[] = [];
  localities.forEach((l, k) => {
    const whole = level === 'locality' ? byKey.get(l.slug) : undefined;
    if (level === 'locality') rows.push({ code: l.slug, name: l.name, locality: l.name, value: whole });
    l.polygons.features.forEach((f, j) => {
      const value = level === 'locality' ? whole : byKey.get(f.properties.lsoa);
      const name = level === 'locality' ? l.name : `${f.properties.name} (${f.properties.lsoa})`;
      if (level === 'lsoa') rows.push({ code: f.properties.lsoa, name: f.properties.name, locality: l.name, value });
      // A locality filled as one has no LSOA edges: each is stroked in its own fill.
      const style = value === undefined ? NO_FIGURE : value === null ? SUPPRESSED
        : `fill="${classes.fill(value)}" stroke="${level === 'locality' ? classes.fill(value) : '#ffffff'}"`;
      areas.push(`<path d="${paths[k][j]}" ${style} stroke-width="0.6"><title>${escapeHtml(name)}: ${value === undefined ? 'no figure' : valueText({ value })}</title></path>`);
      if (hotspots.has(f.properties.lsoa)) marked.push(`<path d="${paths[k][j]}" fill="none" stroke="${HOTSPOT}" stroke-width="2.4" stroke-linejoin="round"><title>Hotspot: ${escapeHtml(name)}: ${valueText({ value: value ?? null })}</title></path>`);
    });
  });
  const outlines = localities.map((l, k) => `<path d="${outlinePaths[k]}" fill="none" stroke="#1b1b1b" stroke-width="1.6" stroke-linejoin="round"><title>${escapeHtml(l.name)}</title></path>`).join('');
  const legendItems = [...classes.items, { swatch: SUPPRESSED, label: 'suppressed (small count)' }, ...(rows.some((x) => x.value === undefined) ? [{ swatch: NO_FIGURE, label: 'no figure' }] : []),
    ...(marked.length ? [{ swatch: `fill="none" stroke="${HOTSPOT}" stroke-width="2.4"`, label: `hotspot (the ${marked.length} highest)` }] : [])];
  const heading = `<text x="0" y="${r(height + 18)}" font-weight="600">${escapeHtml(measure)}</text>`;
  const legend = legendRow(legendItems, height + 26);
  const svg = `${svgOpen(title, height + 30 + legend.height)}<desc>${escapeHtml(attribution)}</desc><g class="areas">${areas.join('')}</g><g class="outlines">${outlines}</g>${marked.length ? `<g class="hotspots">${marked.join('')}</g>` : ''}${heading}${legend.svg}</svg>`;
  const order = (v: number | null | undefined) => (v === undefined ? -2 : v === null ? -1 : v);
  rows.sort((a, b) => order(b.value) - order(a.value) || a.name.localeCompare(b.name));
  // A map of one locality needs no locality column (a phone has no room for it).
  const several = level === 'lsoa' && localities.length > 1;
  const columns = level === 'lsoa' ? ['LSOA', 'Name', ...(several ? ['Locality'] : []), measure] : ['Locality', measure];
  const table = dataTable(`${title}: every area's figure`, columns, rows.map((x) => {
    const shown = x.value === undefined ? 'no figure' : valueText({ value: x.value });
    return level === 'lsoa' ? [x.code, hotspots.has(x.code) ? `${x.name} (hotspot)` : x.name, ...(several ? [x.locality] : []), shown] : [x.name, shown];
  }), columns.length - 1);
  return figure(title, svg, table, `<p class="attribution">${escapeHtml(attribution)}</p>`);
}

/** The localities to draw, from the deployment's area and polygons (all of them, or these slugs in this order). */
export function mapLocalities(d: { area: Pick<Area, 'localities'>; geometry: Record<string, LsoaPolygons> }, slugs?: string[]): MapLocality[] {
  const chosen = slugs ? slugs.map((s) => d.area.localities.find((l) => l.slug === s)) : d.area.localities;
  return chosen.flatMap((l) => (l && d.geometry[l.onsCode] ? [{ slug: l.slug, name: l.name, polygons: d.geometry[l.onsCode] }] : []));
}

/** The map's context from a deployment: the localities and the credit every map must carry. */
export const mapContext = (d: { area: Pick<Area, 'localities'>; geometry: Record<string, LsoaPolygons>; boundaries: Pick<Boundaries, 'attribution'> }, slugs?: string[]) =>
  ({ localities: mapLocalities(d, slugs), attribution: d.boundaries.attribution });
