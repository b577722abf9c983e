import type { Audience } from '../../analytics/disclosure.ts';
import { openEngine, type EngineName } from '../../analytics/engine.ts';
import type { Engine } from '../../analytics/ir.ts';
import { preventionPanelCohort, type CohortResult } from '../../analytics/products/cohort.ts';
import { deepDive, deepDiveLongTable, deepDiveTables, type DeepDiveResult } from '../../analytics/products/deep-dive.ts';
import { localityProfile, profileLongTable, profileTables, type ProfileResult } from '../../analytics/products/locality-profile.ts';
import { cspMeasures } from '../../analytics/products/csp-release.ts';
import { measuresTables, type MeasuresResult } from '../../analytics/products/success-measures.ts';
import { toCsv } from '../../analytics/render/csv.ts';
import { deepDiveHtml, profileHtml } from '../../analytics/render/reports.ts';
import type { Table } from '../../analytics/render/table.ts';
import { toXlsx } from '../../analytics/render/xlsx.ts';
import { cohortRules } from '../../schemas/cohort.ts';
import type { Platform } from '../platform/platform.ts';
import { currentLinkage } from '../linkage/people.ts';
import { labelled, type ExportAbout } from '../../analytics/render/labels.ts';
import { beyondTheData } from './about.ts';

/** A product request: what the CLI's flags and the API's query strings both become. */
export type ProductRequest =
  | { product: 'measures'; period: string; baseline: string; audience?: Audience }
  | { product: 'profile'; locality: string; period: string; audience: Audience }
  | { product: 'cohort'; panel: string; asOf: string }
  | { product: 'deep-dive'; groups: string[]; area: string; period: string };
export type ProductName = ProductRequest['product'];

interface ResultOf { measures: MeasuresResult<number | null>; profile: ProfileResult; cohort: CohortResult; 'deep-dive': DeepDiveResult }
export type ProductResult<P extends ProductName = ProductName> = ResultOf[P];

export type ProductFormat = 'json' | 'csv' | 'xlsx' | 'html';
export const productFormats: Record<ProductName, ProductFormat[]> = {
  measures: ['json', 'csv', 'xlsx'],
  profile: ['json', 'csv', 'xlsx', 'html'],
  cohort: ['json', 'csv', 'xlsx'],
  'deep-dive': ['json', 'csv', 'xlsx', 'html'],
};

/** A request the product cannot answer as asked (an unknown locality, a malformed year): the caller's mistake. */
export class ProductRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProductRequestError';
  }
}


/** Runs one product on an open engine. */
export async function computeProduct(engine: Engine, platform: Platform, request: ProductRequest): Promise<ProductResult> {
  const beyond = await beyondTheData(platform, request);
  if (beyond) throw new ProductRequestError(beyond);
  try {
    switch (request.product) {
      case 'measures': return await cspMeasures(engine, platform.area, platform.agreement, request.period, request.baseline, request.audience ?? 'analyst');
      case 'profile': return await localityProfile(engine, platform.area, platform.agreement, request);
      case 'cohort': return await preventionPanelCohort(engine, platform.area, cohortRules, request.panel, request.asOf, await currentLinkage(platform, engine));
      case 'deep-dive': return await deepDive(engine, platform.area, request, await currentLinkage(platform, engine));
    }
  } catch (error) {
    if (error instanceof RangeError) throw new ProductRequestError(error.message);
    throw error;
  }
}

/** Opens the named engine, runs the product and closes the engine. */
export async function runProduct(platform: Platform, engineName: EngineName, request: ProductRequest): Promise<ProductResult> {
  const engine = await openEngine(engineName, platform);
  try {
    return await computeProduct(engine, platform, request);
  } finally {
    await engine.close();
  }
}

/** The cohort as one table: a row per child, lists joined with ';'. */
function cohortTable(result: CohortResult): Table {
  return {
    name: `${result.panel} cohort ${result.as_of}`,
    columns: ['person_id', 'age', 'sex', 'locality', 'criteria', 'factors', 'score', 'events', 'last_event_date', 'partners'],
    rows: result.members.map((m) => [m.person_id, m.age, m.sex, m.locality, m.criteria.join(';'), m.factors.join(';'), m.score,
      Object.entries(m.events).map(([d, n]) => `${d}:${n}`).join(';'), m.last_event_date, m.partners.join(';')]),
  };
}

/** The tables of a result: one for CSV, one sheet each for XLSX. Measures as CSV are the Home Office return. */
function tablesOf(request: ProductRequest, result: ProductResult): { csv: Table; sheets: Table[] } {
  switch (request.product) {
    case 'measures': { const sheets = measuresTables(result as MeasuresResult); return { csv: sheets[0], sheets }; }
    case 'profile': return { csv: profileLongTable(result as ProfileResult), sheets: profileTables(result as ProfileResult) };
    case 'cohort': return { csv: cohortTable(result as CohortResult), sheets: [cohortTable(result as CohortResult)] };
    case 'deep-dive': return { csv: deepDiveLongTable(result as DeepDiveResult), sheets: deepDiveTables(result as DeepDiveResult) };
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
export function productFileName(request: ProductRequest, format: ProductFormat): string {
  const parts = request.product === 'measures' ? ['success-measures', request.period, ...(request.audience === 'csp' ? ['csp'] : [])]
    : request.product === 'profile' ? ['profile', request.locality, request.period, request.audience]
      : request.product === 'cohort' ? ['cohort', request.panel, request.asOf]
        : ['deep-dive', request.area, request.period];
  return `${parts.join('-').replace(/[^a-z0-9-]/gi, '_')}.${format}`;
}

/** Files for people (CSV, XLSX, HTML) use labels, not codes, and name the VRU, the period, the data's last date and when (`about`). */
export async function renderProduct(request: ProductRequest, result: ProductResult, format: ProductFormat, about?: ExportAbout): Promise<RenderedProduct> {
  if (!productFormats[request.product].includes(format)) {
    throw new ProductRequestError(`format must be one of ${productFormats[request.product].join(', ')}`);
  }
  const names = about?.names;
  const body = format === 'json' ? JSON.stringify(result, null, 2) + '\n'
    : format === 'csv' ? toCsv(labelled(tablesOf(request, result).csv, names), about)
      : format === 'xlsx' ? await toXlsx(tablesOf(request, result).sheets.map((t) => labelled(t, names)), about)
        : request.product === 'profile' ? profileHtml(result as ProfileResult, about) : deepDiveHtml(result as DeepDiveResult, about);
  return { body, contentType: contentTypes[format], filename: productFileName(request, format) };
}
