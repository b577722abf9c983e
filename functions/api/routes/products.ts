import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { DEFAULT_BASELINE } from '../../../analytics/products/success-measures.ts';
import type { ProductFormat, ProductRequest } from '../../products/service.ts';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { financialYear, isoDate, slug } from './schemas.ts';

const format = <F extends ProductFormat>(...formats: [F, ...F[]]) => z.enum(formats).default(formats[0]);
const productResponses = { 200: { description: 'The product as JSON, or the file asked for' }, ...errorResponses } as const;

const measures = createRoute({
  method: 'get', path: '/v1/measures', security: bearer, middleware: [requireAction('measures.read')] as const,
  summary: 'The Home Office success measures; as CSV or XLSX, the return',
  request: { query: z.object({ period: financialYear('period'), baseline: financialYear('baseline').default(DEFAULT_BASELINE), format: format('json', 'csv', 'xlsx') }) },
  responses: productResponses,
});

const profile = createRoute({
  method: 'get', path: '/v1/localities/{slug}/profile', security: bearer, middleware: [requireAction('profile.read')] as const,
  summary: "A locality's profile: disclosure-controlled for the csp audience (the default)",
  request: {
    params: z.object({ slug: slug('locality') }),
    query: z.object({ period: financialYear('period'), audience: z.enum(['csp', 'analyst']).default('csp'), format: format('json', 'csv', 'xlsx', 'html') }),
  },
  responses: productResponses,
});

const cohort = createRoute({
  method: 'get', path: '/v1/panels/{panel}/cohort', security: bearer, middleware: [requireAction('cohort.read')] as const,
  summary: "A Prevention Panel's cohort on a date, pseudonymised",
  request: { params: z.object({ panel: slug('panel') }), query: z.object({ as_of: isoDate('as_of'), format: format('json', 'csv', 'xlsx') }) },
  responses: productResponses,
});

const deepDive = createRoute({
  method: 'get', path: '/v1/deep-dive', security: bearer, middleware: [requireAction('deep-dive.read')] as const,
  summary: 'Offence groups in LLR or a locality over a year: trend, places, times, people, linked contact',
  request: {
    query: z.object({
      groups: z.string().regex(/^[a-z_]+(,[a-z_]+)*$/, 'groups must be offence groups separated by commas'),
      area: slug('area'), period: financialYear('period'), format: format('json', 'csv', 'xlsx', 'html'),
    }),
  },
  responses: productResponses,
});

export function registerProducts(app: ApiApp, deps: RouteDeps) {
  const { platform, products } = deps;

  /** Every format, JSON too, rendered once per catalog version and then served from the cache. */
  async function send(c: Context, request: ProductRequest, as: ProductFormat) {
    c.set('touched', { product: request.product, format: as });
    const file = await products.rendered(request, as);
    c.header('content-type', file.contentType);
    if (as !== 'json') c.header('content-disposition', `${as === 'html' ? 'inline' : 'attachment'}; filename="${file.filename}"`);
    return c.body(typeof file.body === 'string' ? file.body : new Uint8Array(file.body), 200);
  }

  app.openapi(measures, async (c) => {
    const q = c.req.valid('query');
    checkScope(c, platform.agreement, 'measures.read', {});
    return send(c, { product: 'measures', period: q.period, baseline: q.baseline }, q.format) as never;
  });

  app.openapi(profile, async (c) => {
    const { slug: locality } = c.req.valid('param');
    const q = c.req.valid('query');
    checkScope(c, platform.agreement, 'profile.read', { locality, audience: q.audience });
    return send(c, { product: 'profile', locality, period: q.period, audience: q.audience }, q.format) as never;
  });

  app.openapi(cohort, async (c) => {
    const { panel } = c.req.valid('param');
    const q = c.req.valid('query');
    checkScope(c, platform.agreement, 'cohort.read', { panel });
    return send(c, { product: 'cohort', panel, asOf: q.as_of }, q.format) as never;
  });

  app.openapi(deepDive, async (c) => {
    const q = c.req.valid('query');
    checkScope(c, platform.agreement, 'deep-dive.read', {});
    return send(c, { product: 'deep-dive', groups: q.groups.split(','), area: q.area, period: q.period }, q.format) as never;
  });
}
