import type { OpenAPIHono } from '@hono/zod-openapi';
import type { EngineName } from '../../../analytics/engine.ts';
import type { Platform } from '../../platform/platform.ts';
import type { ProductCache } from '../../products/cache.ts';
import type { ApiEnv } from '../context.ts';
import type { UploadUrls } from '../upload-urls.ts';
import { ErrorBody } from './schemas.ts';

export interface Limits {
  /** Bodies up to this size are ingested in the request; larger files go through an upload URL. */
  directUploadBytes: number;
  queryMaxRows: number;
  queryTimeoutMs: number;
}

/** What every route module is given: the platform, the product cache and the app's configuration. */
export interface RouteDeps {
  platform: Platform;
  /** The engine requests run on (products, through the cache, and the review queue). */
  engine: EngineName;
  products: ProductCache;
  uploadUrls: UploadUrls;
  limits: Limits;
  /** Runs work after the answer is sent (the local server's background ingest). */
  inBackground: (task: () => Promise<unknown>) => void;
}

export type ApiApp = OpenAPIHono<ApiEnv>;

export const bearer = [{ Bearer: [] }];

const errorContent = { 'application/json': { schema: ErrorBody } };
export const errorResponses = {
  400: { description: 'The request is malformed: the message says which field and why', content: errorContent },
  401: { description: 'No valid bearer token: missing, expired or tampered', content: errorContent },
  403: { description: "Outside the caller's role or scope", content: errorContent },
} as const;
