import { OpenAPIHono } from '@hono/zod-openapi';
import { defaultEngine, type EngineName } from '../../analytics/engine.ts';
import { errorKind } from '../ingest/failure.ts';
import type { Platform } from '../platform/platform.ts';
import { ProductCache } from '../products/cache.ts';
import type { ProductRegistry } from '../products/registry.ts';
import type { TokenVerifier } from './auth/port.ts';
import type { ApiEnv } from './context.ts';
import { errorBody, noRoute, onError } from './errors.ts';
import { auditTrail } from './middleware/audit-trail.ts';
import { authenticate } from './middleware/authenticate.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { registerAudit } from './routes/audit.ts';
import type { Limits, RouteDeps } from './routes/deps.ts';
import { registerProducts } from './routes/products.ts';
import { registerLinkageReview } from './routes/linkage-review.ts';
import { registerPanels } from './routes/panels.ts';
import { registerQueries } from './routes/queries.ts';
import { registerReidentify } from './routes/reidentify.ts';
import { registerLocalUploadTarget, registerUploads } from './routes/uploads.ts';
import { LOCAL_UPLOAD_PATH, LocalUploadUrls, type UploadUrls } from './upload-urls.ts';

/** What differs between local mode and AWS: configuration only. */
export interface AppOptions {
  verifier: TokenVerifier;
  uploadUrls: UploadUrls;
  /** The engine products run on (DuckDB locally, Athena in AWS, through the platform). */
  engine?: EngineName;
  /** The products served (the registry's, unless a test gives its own). */
  products?: ProductRegistry;
  limits?: Partial<Limits>;
  /** Work after the answer (local background ingest); defaults to fire-and-forget with the failure logged. */
  inBackground?: (task: () => Promise<unknown>) => void;
  /** Where the portal's script may send a file besides this origin (in AWS, the raw bucket's presigned URLs). */
  uploadOrigins?: string[];
  /** Mounts the server-rendered portal at /portal (and / redirects there). */
  portal?: (app: OpenAPIHono<ApiEnv>, deps: RouteDeps) => void;
}

export const defaultLimits: Limits = { directUploadBytes: 10 * 1024 * 1024, queryMaxRows: 10_000, queryTimeoutMs: 10_000 };

// The error's kind only: its message could quote the data (functions/ingest/failure.ts).
const logFailure = (task: () => Promise<unknown>) => {
  task().catch((error: unknown) => console.error(`background task failed: ${errorKind(error)}`));
};

/** The service's HTTP app: the same app behind the local server and the Lambda handler. */
export function createApp(platform: Platform, options: AppOptions) {
  const app = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const message = result.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
        return c.json(errorBody('bad_request', message), 400);
      }
    },
  });
  const deps: RouteDeps = {
    platform,
    engine: options.engine ?? defaultEngine.request,
    products: new ProductCache(platform, options.engine ?? defaultEngine.request, undefined, options.products),
    uploadUrls: options.uploadUrls,
    limits: { ...defaultLimits, ...options.limits },
    inBackground: options.inBackground ?? logFailure,
  };
  app.use('*', securityHeaders(options.uploadOrigins));
  app.onError(onError);
  app.notFound(noRoute);

  app.get('/health', async (c) => {
    const catalog = await platform.catalog.read();
    return c.json({
      status: 'ok',
      storage: platform.storage.description,
      extracts: catalog.extracts.length,
      datasets: [...new Set(catalog.extracts.map((e) => e.dataset))].sort(),
    });
  });

  app.use('/v1/*', auditTrail(platform.audit, platform.now), authenticate(options.verifier));
  registerUploads(app, deps);
  registerProducts(app, deps);
  registerReidentify(app, deps);
  registerPanels(app, deps);
  registerQueries(app, deps);
  registerLinkageReview(app, deps);
  registerAudit(app, deps);
  if (options.uploadUrls instanceof LocalUploadUrls) {
    app.use(`${LOCAL_UPLOAD_PATH}/*`, auditTrail(platform.audit, platform.now));
    registerLocalUploadTarget(app, deps, options.uploadUrls);
  }
  if (options.portal) options.portal(app, deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { ...platform.deployment.names.api, version: '1' },
  });
  return app;
}
