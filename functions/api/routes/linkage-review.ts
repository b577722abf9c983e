import { createRoute, z } from '@hono/zod-openapi';
import { openEngine } from '../../../analytics/engine.ts';
import type { Engine } from '../../../analytics/ir.ts';
import { findItem } from '../../../analytics/matching/review.ts';
import { currentBlindQueue, reviewStats } from '../../linkage/blind-review.ts';
import { decide, undo } from '../../linkage/decisions.ts';
import { currentModel, currentReviewQueue, reviewQueueByImpact } from '../../linkage/people.ts';
import { clkFields } from '../../../schemas/linkage.ts';
import { NotFound } from '../errors.ts';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { json } from './schemas.ts';

const Agreement = z.enum(['agree', 'partial', 'disagree', 'missing']);
const Records = z.array(z.object({ id: z.string(), partner: z.string() })).length(2);
const Fields = z.object(Object.fromEntries(clkFields.map((f) => [f, Agreement])) as Record<(typeof clkFields)[number], typeof Agreement>);
const Explanation = z.object({
  prior: z.number().describe('log-odds (nats) before any comparison'),
  comparisons: z.array(z.object({ comparison: z.string(), level: z.string(), weight: z.number().describe('log-odds (nats) this comparison adds') })),
}).describe('score = 1 / (1 + exp(-(prior + Σ weight))); levels are words, never values').openapi('PairExplanation');
const ReviewItemBody = z.object({
  pair: z.string(), records: Records, score: z.number(), fields: Fields, evidence: Explanation.optional(),
  held: z.string().optional().describe('the guard that kept the pair from linking without review whatever its score (schemas/linkage.ts guards)'),
  impact: z.enum(['cohort']).nullable().optional().describe('cohort: the pair touches a member of a panel cohort as it stands, so its decision changes a panel list'),
}).openapi('ReviewItem');
const BlindItemBody = z.object({ pair: z.string(), records: Records, fields: Fields }).openapi('BlindReviewItem');
const DecisionBody = z.object({ decision: z.enum(['accept', 'reject']), pair: z.string(), by: z.string(), at: z.string() }).openapi('ReviewDecision');
const IntervalBody = z.object({ estimate: z.number(), low: z.number(), high: z.number() }).nullable();
const StatsBody = z.object({
  blind: z.object({ autoLinked: z.number().int(), offered: z.number().int(), accepted: z.number().int(), rejected: z.number().int() }),
  queue: z.object({ accepted: z.number().int(), rejected: z.number().int(), waiting: z.number().int() }),
  precision: IntervalBody.describe('of auto-links: accepted over decided blind pairs, Wilson 95% interval; null before any decision'),
  recall: IntervalBody.describe('auto-links over auto-links and the matches analysts found in the queue; counts only matches that reached the queue'),
}).openapi('ReviewStats');

const page = { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) }) };
const paged = <T extends z.ZodType>(item: T) => z.object({ total: z.number().int(), offset: z.number().int(), limit: z.number().int(), pairs: z.array(item) });
const notFound = { 404: json(z.object({ error: z.string(), message: z.string() }), 'no such pair') };
const decisionRequest = (prefix: 'R' | 'B') => ({
  params: z.object({ pair: z.string().regex(new RegExp(`^${prefix}-[A-Za-z0-9_-]+$`), `pair must be a pair id from the list (${prefix}-…)`) }),
  body: { required: true, content: { 'application/json': { schema: z.object({ decision: z.enum(['accept', 'reject']) }) } } },
});

const listRoute = createRoute({
  method: 'get', path: '/v1/linkage/review', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'Pairs of records between the review and auto-link thresholds, those touching a panel cohort member first, then best score first, a page at a time: pseudonymous ids, which fields agreed and the evidence in log-odds, never a value',
  request: { query: page.query.extend({
    impact: z.enum(['cohort']).optional().describe('only the pairs touching a member of a panel cohort'),
    as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'as_of must be a date YYYY-MM-DD').optional().describe('the cohorts\' date (default: the latest date the extracts cover)'),
  }) },
  responses: { 200: json(paged(ReviewItemBody), 'a page of the review queue as it stands, and how many pairs it holds'), ...errorResponses },
});

const decideRoute = createRoute({
  method: 'post', path: '/v1/linkage/review/{pair}', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'Accept or reject a queued pair: remembered for every later linkage, and audited',
  request: decisionRequest('R'),
  responses: { 200: json(DecisionBody, 'the decision as recorded'), ...notFound, ...errorResponses },
});

const modelRoute = createRoute({
  method: 'get', path: '/v1/linkage/model', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'The linkage model the latest linking run trained and used: per comparison its levels with m and u, and the prior; never a value',
  responses: {
    200: json(z.object({ version: z.string(), linked_at: z.string(), model: z.record(z.string(), z.unknown()) }).nullable(), 'the model and the data version it was trained on (null before any linking run)'),
    ...errorResponses,
  },
});

const undoRoute = createRoute({
  method: 'delete', path: '/v1/linkage/review/{pair}', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'Take back the decision on a pair (queue R-… or blind B-…): the pair returns to its list; audited',
  request: { params: z.object({ pair: z.string().regex(/^[RB]-[A-Za-z0-9_-]+$/, 'pair must be a pair id (R-… or B-…)') }) },
  responses: { 200: json(DecisionBody, 'the decision taken back'), ...notFound, ...errorResponses },
});

const blindRoute = createRoute({
  method: 'get', path: '/v1/linkage/review/blind', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'Auto-linked pairs offered for blind review, a sample of the latest linking run, without score or evidence',
  request: page,
  responses: { 200: json(paged(BlindItemBody), 'a page of the blind pairs not decided yet'), ...errorResponses },
});

const blindDecideRoute = createRoute({
  method: 'post', path: '/v1/linkage/review/blind/{pair}', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'Record whether a blind-reviewed auto-link is one person: counted for precision; a rejection also undoes the link, an acceptance changes nothing',
  request: decisionRequest('B'),
  responses: { 200: json(DecisionBody, 'the decision as recorded'), ...notFound, ...errorResponses },
});

const statsRoute = createRoute({
  method: 'get', path: '/v1/linkage/review/stats', security: bearer, middleware: [requireAction('linkage.review')] as const,
  summary: 'Precision and recall of linkage estimated from the review decisions, with 95% intervals',
  responses: { 200: json(StatsBody, 'the counts and the estimates'), ...errorResponses },
});

/** The linkage review for analysts (issue 6, 8): the same queue, blind review and decisions as `vrn review`. */
export function registerLinkageReview(app: ApiApp, deps: RouteDeps) {
  const { platform } = deps;
  const withEngine = async <T>(use: (engine: Engine) => Promise<T>) => {
    const engine = await openEngine(deps.engine, platform);
    try { return await use(engine); } finally { await engine.close(); }
  };
  const found = async <T extends { pair: string }>(list: Promise<T[]>, pair: string) => {
    try {
      return findItem(await list, pair);
    } catch (error) {
      if (error instanceof RangeError) throw new NotFound(error.message);
      throw error;
    }
  };
  const who = (c: { var: { user?: { id: string; role: string } } }) => ({ user: c.var.user!.id, role: c.var.user!.role });
  const store = { storage: platform.storage, now: () => platform.now() };

  app.openapi(listRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    const { limit, offset, impact, as_of } = c.req.valid('query');
    const pairs = await withEngine((engine) => reviewQueueByImpact(platform, engine, { only: impact, asOf: as_of }));
    return c.json({ total: pairs.length, offset, limit, pairs: pairs.slice(offset, offset + limit) }, 200);
  });

  app.openapi(modelRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    return c.json(await currentModel(platform) as never, 200);
  });

  app.openapi(blindRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    const { limit, offset } = c.req.valid('query');
    const pairs = await withEngine((engine) => currentBlindQueue(platform, engine));
    return c.json({ total: pairs.length, offset, limit, pairs: pairs.slice(offset, offset + limit) }, 200);
  });

  app.openapi(statsRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    return c.json(await withEngine((engine) => reviewStats(platform, engine)), 200);
  });

  // The request's own audit entry records the pair and the decision; decide() and undo() need not write another.
  app.openapi(decideRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    const { pair } = c.req.valid('param');
    const { decision } = c.req.valid('json');
    c.set('touched', { review_pair: pair, decision });
    const item = await found(withEngine((engine) => currentReviewQueue(platform, engine)), pair);
    return c.json(await decide(store, { item, decision, ...who(c) }), 200);
  });

  app.openapi(blindDecideRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    const { pair } = c.req.valid('param');
    const { decision } = c.req.valid('json');
    c.set('touched', { review_pair: pair, decision });
    const item = await found(withEngine((engine) => currentBlindQueue(platform, engine)), pair);
    return c.json(await decide(store, { item, decision, ...who(c) }), 200);
  });

  app.openapi(undoRoute, async (c) => {
    checkScope(c, platform.agreement, 'linkage.review', {});
    const { pair } = c.req.valid('param');
    c.set('touched', { review_pair: pair, decision: 'undo' });
    const undone = await undo(store, { pair, ...who(c) });
    if (!undone) throw new NotFound(`no decision on pair ${pair} to take back`);
    return c.json(undone, 200);
  });
}
