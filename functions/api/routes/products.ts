import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { DEFAULT_BASELINE } from '../../../analytics/products/success-measures.ts';
import { policy } from '../../../schemas/access.ts';
import type { ProductFormat, ProductRequest } from '../../products/service.ts';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { financialYear, isoDate, productBody, slug } from './schemas.ts';

const format = <F extends ProductFormat>(...formats: [F, ...F[]]) => z.enum(formats).default(formats[0]);
const n = z.number().nullable();
/** The product as JSON (DESIGN.md's shape), or the file asked for by format. */
const productResponses = (schema: z.ZodType, files: string[]) => ({
  200: {
    description: 'The product as JSON, or the file asked for by format',
    content: {
      'application/json': { schema },
      ...Object.fromEntries(files.map((type) => [type, { schema: z.string().openapi({ format: 'binary' }) }])),
    },
  },
  ...errorResponses,
});
const CSV = 'text/csv', XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', HTML = 'text/html';
/** For the csp audience a withheld count is null, and the under-25 monthly and rolling series are empty. */
const Measures = productBody('Measures', {
  period: z.string(), baseline: z.string(), audience: z.enum(['csp', 'analyst']),
  measures: z.array(z.object({ id: z.string(), split: z.enum(['all_ages', 'under_25']), count: n, baseline_count: n, change_vs_baseline_pct: n, previous_count: n, change_vs_previous_pct: n, monthly: z.array(z.object({ month: z.string(), count: n })) })),
});
const Profile = productBody('Profile', {
  locality: z.string(), period: z.string(), audience: z.enum(['csp', 'analyst']), rounded: z.boolean(), population: z.number(),
  serious_violence: z.object({ count: n, rate_per_1000: n, area_rate_per_1000: n, previous_count: n, change_pct: n }),
  by_offence_group: z.array(z.object({ group: z.string(), count: n, suppressed: z.boolean() })),
});
const Cohort = productBody('Cohort', {
  panel: z.string(), as_of: z.string(), linkage: z.enum(['fuzzy', 'exact']), linkage_note: z.string().optional(), count: z.number().int(),
  members: z.array(z.object({ person_id: z.string(), age: z.number(), sex: z.string().nullable(), locality: z.string(), criteria: z.array(z.string()), factors: z.array(z.string()), score: z.number(), events: z.record(z.string(), z.number()), last_event_date: z.string().nullable(), partners: z.array(z.string()) })),
});
const DeepDive = productBody('DeepDive', { groups: z.array(z.string()), area: z.string(), period: z.string(), linkage: z.enum(['fuzzy', 'exact']), linkage_note: z.string().optional(), crimes: z.number() });
export const productBodies = { Measures, Profile, Cohort, DeepDive };

const measures = createRoute({
  method: 'get', path: '/v1/measures', security: bearer, middleware: [requireAction('measures.read')] as const,
  summary: 'The Home Office success measures; as CSV or XLSX, the return. Disclosure-controlled for the csp audience, the default for roles that see only csp figures',
  request: { query: z.object({ period: financialYear('period'), baseline: financialYear('baseline').default(DEFAULT_BASELINE), audience: z.enum(['csp', 'analyst']).optional(), format: format('json', 'csv', 'xlsx') }) },
  responses: productResponses(Measures, [CSV, XLSX]),
});

const profile = createRoute({
  method: 'get', path: '/v1/localities/{slug}/profile', security: bearer, middleware: [requireAction('profile.read')] as const,
  summary: "A locality's profile: disclosure-controlled for the csp audience (the default)",
  request: {
    params: z.object({ slug: slug('locality') }),
    query: z.object({ period: financialYear('period'), audience: z.enum(['csp', 'analyst']).default('csp'), format: format('json', 'csv', 'xlsx', 'html') }),
  },
  responses: productResponses(Profile, [CSV, XLSX, HTML]),
});

const cohort = createRoute({
  method: 'get', path: '/v1/panels/{panel}/cohort', security: bearer, middleware: [requireAction('cohort.read')] as const,
  summary: "A Prevention Panel's cohort on a date, pseudonymised",
  request: { params: z.object({ panel: slug('panel') }), query: z.object({ as_of: isoDate('as_of'), format: format('json', 'csv', 'xlsx') }) },
  responses: productResponses(Cohort, [CSV, XLSX]),
});

const deepDive = createRoute({
  method: 'get', path: '/v1/deep-dive', security: bearer, middleware: [requireAction('deep-dive.read')] as const,
  summary: 'Offence groups in the whole area or a locality over a year: trend, places, times, people, linked contact',
  request: {
    query: z.object({
      groups: z.string().regex(/^[a-z_]+(,[a-z_]+)*$/, 'groups must be offence groups separated by commas'),
      area: slug('area'), period: financialYear('period'), format: format('json', 'csv', 'xlsx', 'html'),
    }),
  },
  responses: productResponses(DeepDive, [CSV, XLSX, HTML]),
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
    const audience = q.audience ?? (policy[c.var.user!.role]?.['measures.read']?.audiences?.includes('analyst') === false ? 'csp' : 'analyst');
    checkScope(c, platform.agreement, 'measures.read', { audience });
    return send(c, { product: 'measures', period: q.period, baseline: q.baseline, audience }, q.format) as never;
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
