import { cohort } from './cohort.ts';
import { deepDive } from './deep-dive.ts';
import { measures } from './measures.ts';
import { panelMonitor } from './panel-monitor.ts';
import type { Product, RequestOf, ResultOf } from './product.ts';
import { indicatorsProduct } from './indicators.ts';
import { profile } from './profile.ts';
import { programme } from './programme.ts';
import { publicReport } from './public-report.ts';

/**
 * The products the service offers, each one module (./product.ts says what a module declares). The service, the
 * API's routes and OpenAPI entries, the CLI's commands, the portal's menu and the scheduled refresh are made from
 * this list: a new product is a module here and its tests.
 */
export const builtInProducts = [measures, profile, cohort, deepDive, indicatorsProduct, publicReport, panelMonitor, programme] as const;

/** The products one app, CLI or refresh serves: the built-in ones, or a test's own list. */
export type ProductRegistry = readonly Product[];
export const products: ProductRegistry = builtInProducts;

type BuiltIn = (typeof builtInProducts)[number];
/** A product request: what the CLI's flags and the API's query strings both become. */
export type ProductRequest = RequestOf<BuiltIn>;
export type ProductName = ProductRequest['product'];
export type ProductResult<P extends ProductName = ProductName> = ResultOf<Extract<BuiltIn, { name: P }>>;

/** The product a request names; an unknown name is a programming error (requests are made from the registry). */
export function productNamed(registry: ProductRegistry, name: string): Product {
  const product = registry.find((p) => p.name === name);
  if (!product) throw new Error(`no product "${name}" in the registry`);
  return product;
}
