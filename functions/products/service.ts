import { disclose } from '../../analytics/disclosure.ts';
import { openEngine, type EngineName } from '../../analytics/engine.ts';
import type { Engine } from '../../analytics/ir.ts';
import { toCsv } from '../../analytics/render/csv.ts';
import type { ReportContext } from '../../analytics/render/reports.ts';
import { toXlsx } from '../../analytics/render/xlsx.ts';
import { linkageState } from '../linkage/people.ts';
import { loadDecisions, loadMeetings } from '../panels/store.ts';
import type { Platform } from '../platform/platform.ts';
import type { ProductFormat, ProductInputs } from './product.ts';
import { productNamed, products, type ProductRegistry, type ProductRequest, type ProductResult } from './registry.ts';
import { labelled, type ExportAbout } from '../../analytics/render/labels.ts';
import { beyondTheData, dataToByDataset } from './about.ts';

export type { ProductFormat } from './product.ts';
export type { ProductName, ProductRequest, ProductResult } from './registry.ts';

/** A request the product cannot answer as asked (an unknown locality, a malformed year): the caller's mistake. */
export class ProductRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProductRequestError';
  }
}

const inputs = (platform: Platform): ProductInputs => ({
  area: platform.area, agreement: platform.agreement, cohort: platform.deployment.cohort, linkage: () => linkageState(platform),
  programmes: platform.deployment.programmes,
  panels: { meetings: (panel) => loadMeetings(platform.storage, panel), decisions: (panel) => loadDecisions(platform.storage, panel) },
  dataTo: () => dataToByDataset(platform),
});

/**
 * Runs one product on an open engine, then applies disclosure control to what it counted: the one call site,
 * after whichever engine ran (for the analyst audience and analyst-only products it publishes the counts as they are).
 */
export async function computeProduct(engine: Engine, platform: Platform, request: ProductRequest, registry?: ProductRegistry): Promise<ProductResult>;
export async function computeProduct(engine: Engine, platform: Platform, request: { product: string }, registry?: ProductRegistry): Promise<unknown>;
export async function computeProduct(engine: Engine, platform: Platform, request: { product: string }, registry: ProductRegistry = products): Promise<unknown> {
  const product = productNamed(registry, request.product);
  const beyond = await beyondTheData(platform, request);
  if (beyond) throw new ProductRequestError(beyond);
  try {
    return disclose(await product.run(engine, inputs(platform), request), platform.agreement.disclosure.rounding);
  } catch (error) {
    if (error instanceof RangeError) throw new ProductRequestError(error.message);
    throw error;
  }
}

/** Opens the named engine, runs the product and closes the engine. */
export async function runProduct(platform: Platform, engineName: EngineName, request: ProductRequest, registry?: ProductRegistry): Promise<ProductResult>;
export async function runProduct(platform: Platform, engineName: EngineName, request: { product: string }, registry?: ProductRegistry): Promise<unknown>;
export async function runProduct(platform: Platform, engineName: EngineName, request: { product: string }, registry: ProductRegistry = products): Promise<unknown> {
  const engine = await openEngine(engineName, platform);
  try {
    return await computeProduct(engine, platform, request, registry);
  } finally {
    await engine.close();
  }
}

export interface RenderedProduct { body: string | Uint8Array; contentType: string; filename: string }

const contentTypes: Record<ProductFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
};

/** A file name that says what the product is, from request values already validated as ids. */
function productFileName(request: { product: string }, format: ProductFormat, registry: ProductRegistry = products): string {
  return `${productNamed(registry, request.product).fileName(request).join('-').replace(/[^a-z0-9-]/gi, '_')}.${format}`;
}

/**
 * A result as JSON, CSV (one table), XLSX (a sheet per table) or HTML: the one rendering path, for every face and the
 * refresh. `context`: whose names and area the HTML reports carry (the platform's deployment); files for people (CSV,
 * XLSX, HTML) use labels, not codes, and name the VRU, the period, the data's last date and when (`about`).
 */
export async function renderProduct(request: { product: string }, result: unknown, format: ProductFormat, context: ReportContext, registry: ProductRegistry = products, about?: ExportAbout): Promise<RenderedProduct> {
  const product = productNamed(registry, request.product);
  if (!product.formats.includes(format)) throw new ProductRequestError(`format must be one of ${product.formats.join(', ')}`);
  const names = about?.names;
  const body = format === 'json' ? JSON.stringify(result, null, 2) + '\n'
    : format === 'csv' ? toCsv(labelled(product.tables(result).csv, names), about)
      : format === 'xlsx' ? await toXlsx(product.tables(result).sheets.map((t) => labelled(t, names)), about)
        : product.html!(result, context, about);
  return { body, contentType: contentTypes[format], filename: productFileName(request, format, registry) };
}
