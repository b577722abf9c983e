import { createRoute, z } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { json, QueryResultBody } from './schemas.ts';

const query = (maxRows: number) => createRoute({
  method: 'post', path: '/v1/queries', security: bearer, middleware: [requireAction('query.run')] as const,
  summary: 'Read-only SQL over the pseudonymised tables (one SELECT or WITH … SELECT; row and time limits)',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ sql: z.string().min(1, 'sql must not be empty').max(20_000, 'sql must be at most 20000 characters'), max_rows: z.number().int().min(1).max(maxRows).optional() }) } },
    },
  },
  responses: { 200: json(QueryResultBody, 'columns, rows and whether the rows were truncated at the limit'), ...errorResponses },
});

export function registerQueries(app: ApiApp, deps: RouteDeps) {
  const { platform, limits } = deps;
  app.openapi(query(limits.queryMaxRows), async (c) => {
    const body = c.req.valid('json');
    checkScope(c, platform.agreement, 'query.run', {});
    // The query text could hold anything an analyst typed: the trail keeps its hash, not the text.
    c.set('touched', { query_sha256: createHash('sha256').update(body.sql).digest('hex') });
    const engine = await platform.openSql();
    try {
      const result = await engine.query(body.sql, { maxRows: body.max_rows ?? limits.queryMaxRows, timeoutMs: limits.queryTimeoutMs });
      return c.json({ columns: result.columns, rows: result.rows, truncated: result.truncated, max_rows: body.max_rows ?? limits.queryMaxRows }, 200);
    } finally {
      await engine.close();
    }
  });
}
