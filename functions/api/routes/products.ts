import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Product, ProductFormat } from '../../products/product.ts';
import { cohort } from '../../products/cohort.ts';
import { deepDive } from '../../products/deep-dive.ts';
import { measures } from '../../products/measures.ts';
import { profile } from '../../products/profile.ts';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';

const mediaTypes: Record<Exclude<ProductFormat, 'json'>, string> = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', html: 'text/html' };

/** The product as JSON, or the file asked for by format. */
const productResponses = (product: Product) => ({
  200: {
    description: 'The product as JSON, or the file asked for by format',
    content: {
      'application/json': { schema: product.api.body },
      ...Object.fromEntries(product.formats.filter((f) => f !== 'json').map((f) => [mediaTypes[f], { schema: z.string().openapi({ format: 'binary' }) }])),
    },
  },
  ...errorResponses,
});

/** A product's route and OpenAPI entry, from its declaration: its path, its request fields and `format`. */
const routeOf = (product: Product) => createRoute({
  method: 'get', path: product.api.path, security: bearer, middleware: [requireAction(product.action)] as const,
  summary: product.api.summary,
  request: {
    ...(product.api.params ? { params: product.api.params } : {}),
    query: product.api.query.extend({ format: z.enum(product.formats).default(product.formats[0]) }),
  },
  responses: productResponses(product),
});

/** The JSON answers' schemas, as the OpenAPI document names them. */
export const productBodies = { Measures: measures.api.body, Profile: profile.api.body, Cohort: cohort.api.body, DeepDive: deepDive.api.body };

/** Every product of the registry at its route: the policy's action, then the request's scope, then the cached file. */
export function registerProducts(app: ApiApp, deps: RouteDeps) {
  const { platform, products } = deps;

  /** Every format, JSON too, rendered once per catalog version and then served from the cache. */
  async function send(c: Context, request: { product: string }, as: ProductFormat) {
    c.set('touched', { product: request.product, format: as });
    const file = await products.rendered(request, as);
    c.header('content-type', file.contentType);
    if (as !== 'json') c.header('content-disposition', `${as === 'html' ? 'inline' : 'attachment'}; filename="${file.filename}"`);
    return c.body(typeof file.body === 'string' ? file.body : new Uint8Array(file.body), 200);
  }

  for (const product of products.registry) {
    app.openapi(routeOf(product), async (c) => {
      const params = (product.api.params ? c.req.valid('param' as never) : {}) as Record<string, string>;
      const query = c.req.valid('query') as Record<string, unknown> & { format: ProductFormat };
      const request = product.api.request({ params, query }, c.var.user!);
      checkScope(c, platform.agreement, product.action, product.scope(request));
      return send(c, request, query.format) as never;
    });
  }
}
