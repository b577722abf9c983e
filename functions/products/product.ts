import type { z } from '@hono/zod-openapi';
import type { Counted } from '../../analytics/disclosure.ts';
import type { Engine } from '../../analytics/ir.ts';
import type { LinkageState } from '../../analytics/products/cohort.ts';
import type { ExportAbout } from '../../analytics/render/labels.ts';
import type { ReportContext } from '../../analytics/render/reports.ts';
import type { Table } from '../../analytics/render/table.ts';
import type { CohortRules } from '../../schemas/cohort.ts';
import type { DecisionEntry } from '../../schemas/panel.ts';
import type { Meeting } from '../../analytics/panel/meeting.ts';
import type { Programme } from '../../schemas/programmes.ts';
import type { Action, User } from '../../schemas/access.ts';
import type { Agreement } from '../../schemas/agreement.ts';
import type { Area } from '../../schemas/area/index.ts';
import type { RequestScope } from '../api/authorise.ts';

export type ProductFormat = 'json' | 'csv' | 'xlsx' | 'html';
/** A CLI command's flags, as functions/cli/args.ts parses them. */
export type Flags = Record<string, string | true>;

/** What a product's run is given besides the engine and the request. */
export interface ProductInputs {
  area: Area;
  agreement: Agreement;
  /** The deployment's Prevention Panel rules. */
  cohort: CohortRules;
  /** The deployment's programmes (schemas/programmes.ts). */
  programmes: Programme[];
  /** Whether the views' people come from a linking run, and what to say of them (functions/linkage/people.ts). */
  linkage: () => Promise<LinkageState>;
  /** A panel's recorded meetings and decisions (functions/panels/store.ts). */
  panels: { meetings(panel: string): Promise<Meeting[]>; decisions(panel: string): Promise<Record<string, DecisionEntry[]>> };
  /** Each dataset's last date covered (functions/products/about.ts). */
  dataTo: () => Promise<Record<string, string | null>>;
}

/**
 * One product, declared once: the service, the API route and its OpenAPI entry, the CLI command, the portal's menu
 * entry and the scheduled refresh are all made from this (functions/products/registry.ts lists the products).
 * `run` only counts, on whichever engine it is given; disclosure control is applied to what it counted in one
 * place afterwards (functions/products/service.ts).
 */
export interface Product<Req extends { product: string } = { product: string }, Result = unknown, Query extends z.ZodObject = z.ZodObject, Params extends z.ZodObject = z.ZodObject> {
  name: Req['product'];
  /** What the partnership calls it: the portal's menu entry and the CLI's help. */
  title: string;
  /** The action the policy must allow (schemas/access.ts); `scope` is what the request asks of it. */
  action: Action;
  scope(request: Req): RequestScope;
  api: {
    /** OpenAPI's path, `{name}` for a path parameter. */
    path: string;
    summary: string;
    params?: Params;
    /** The query fields, but for `format` (made from `formats`). */
    query: Query;
    /** The JSON answer, named for the OpenAPI document. */
    body: z.ZodType;
    /** The request from the validated path and query, and the signed-in user (for a default that depends on the role). */
    request(input: { params: z.infer<Params>; query: z.infer<Query> }, user: User): Req;
  };
  cli: {
    command: string;
    /** The word the command must be followed by, where it takes one (`vrn report public`). */
    subcommand?: string;
    /** The command's own flags, for the usage text (--engine, --format and --out are every product's). */
    usage: string;
    /** What the command answers, in a line of the usage text. */
    help: string;
    request(flags: Flags): Req;
  };
  /** The first is the default. */
  formats: readonly [ProductFormat, ...ProductFormat[]];
  /** The analytics definition: counts, on either engine; throws RangeError for a request it cannot answer as asked. */
  run(engine: Engine, inputs: ProductInputs, request: Req): Promise<Counted<Result>>;
  /** Storage keys besides the data the product reads (a panel's decisions): their versions are part of its cache key. */
  stored?(request: Req): string[];
  /** One table for CSV, one sheet each for XLSX. */
  tables(result: Result): { csv: Table; sheets: Table[] };
  /** `context`: whose names and area the report carries (the deployment). */
  html?(result: Result, context: ReportContext, about?: ExportAbout): string;
  /** The parts of the file name, from request values already validated as ids. */
  fileName(request: Req): string[];
  /**
   * The portal's page for the product, listed in its menu for roles the policy allows the action: a page of the
   * portal's own (functions/portal/pages/) when `own`, else one made from the request fields and the tables.
   */
  portal?: { href: string; own?: boolean; charts?(result: Result): string[] };
  /** What the scheduled refresh writes of the product for a year: each request and the files it is written as. */
  refresh?(area: Area, period: string): { request: Req; files: Partial<Record<ProductFormat, string>> }[];
}

/** Declares a product (keeps its types; an HTML format needs an HTML rendering). */
export function defineProduct<Req extends { product: string }, Result, Query extends z.ZodObject, Params extends z.ZodObject = z.ZodObject>(
  product: Product<Req, Result, Query, Params>,
): Product<Req, Result, Query, Params> {
  if (product.formats.includes('html') !== Boolean(product.html)) throw new Error(`product ${product.name}: html is a format exactly when it has an html rendering`);
  return product;
}

export type RequestOf<P> = P extends Product<infer Req, infer _R, infer _Q, infer _P> ? Req : never;
export type ResultOf<P> = P extends Product<infer _Req, infer Result, infer _Q, infer _P> ? Result : never;
