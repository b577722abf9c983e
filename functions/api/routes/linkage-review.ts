import { createRoute, z } from '@hono/zod-openapi';
import { openEngine } from '../../../analytics/engine.ts';
import { decide, findItem } from '../../../analytics/matching/review.ts';
import { currentModel, currentReviewQueue } from '../../linkage/people.ts';
import { clkFields } from '../../../schemas/linkage.ts';
import { NotFound } from '../errors.ts';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { json } from './schemas.ts';

const Agreement = z.enum(['agree', 'partial', 'disagree', 'missing']);
const ReviewItemBody = z.object({
  pair: z.string(),
  records: z.array(z.object({ id: z.string(), partner: z.string() })).length(2),
  score: z.number(),
  fields: z.object(Object.fromEntries(clkFields.map((f) => [f, Agreement])) as Record<(typeof clkFields)[number], typeof Agreement>),
}).openapi('ReviewItem');
const DecisionBody = z.object({ decision: z.enum(['accept', 'reject']), pair: z.string(), by: z.string(), at: z.string() }).openapi('ReviewDecision');

const listRoute = createRoute({
  method: 'get', path: '/v1/linkage/review', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'Pairs of records between the review and auto-link thresholds, best score first, a page at a time: pseudonymous ids and which fields agreed, never a value',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: {
    200: json(z.object({ total: z.number().int(), offset: z.number().int(), limit: z.number().int(), pairs: z.array(ReviewItemBody) }), 'a page of the review queue as it stands, and how many pairs it holds'),
    ...errorResponses,
  },
});

const decideRoute = createRoute({
  method: 'post', path: '/v1/linkage/review/{pair}', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'Accept or reject a queued pair: remembered for every later linkage, and audited',
  request: {
    params: z.object({ pair: z.string().regex(/^R-[A-Za-z0-9_-]+$/, 'pair must be a pair id from the queue (R-…)') }),
    body: { required: true, content: { 'application/json': { schema: z.object({ decision: z.enum(['accept', 'reject']) }) } } },
  },
  responses: {
    200: json(DecisionBody, 'the decision as recorded'),
    404: json(z.object({ error: z.string(), message: z.string() }), 'no such pair in the queue'),
    ...errorResponses,
  },
});

const modelRoute = createRoute({
  method: 'get', path: '/v1/linkage/model', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'The linkage model the latest linking run trained and used: per comparison its levels with m and u, and the prior; never a value',
  responses: {
    200: json(z.object({ version: z.string(), linked_at: z.string(), model: z.record(z.string(), z.unknown()) }).nullable(), 'the model and the data version it was trained on (null before any linking run)'),
    ...errorResponses,
  },
});

/** The linkage review queue for analysts (issue 6): the same queue and decisions as `vrn review`. */
export function registerLinkageReview(app: ApiApp, deps: RouteDeps) {
  const { platform } = deps;
  const queue = async () => {
    const engine = await openEngine('sql', platform);
    try { return await currentReviewQueue(platform, engine); } finally { await engine.close(); }
  };

  app.openapi(listRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    const { limit, offset } = c.req.valid('query');
    const pairs = await queue();
    return c.json({ total: pairs.length, offset, limit, pairs: pairs.slice(offset, offset + limit) }, 200);
  });

  app.openapi(modelRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    return c.json(await currentModel(platform) as never, 200);
  });

  app.openapi(decideRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    const { pair } = c.req.valid('param');
    const { decision } = c.req.valid('json');
    c.set('touched', { review_pair: pair, decision });
    let item;
    try {
      item = findItem(await queue(), pair);
    } catch (error) {
      if (error instanceof RangeError) throw new NotFound(error.message);
      throw error;
    }
    // The request's own audit entry records the pair and the decision; decide() need not write another.
    const user = c.var.user!;
    return c.json(await decide({ storage: platform.storage, now: () => platform.now() }, { item, decision, user: user.id, role: user.role }), 200);
  });
}
