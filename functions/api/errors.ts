import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { QueryRefused } from '../platform/sql/port.ts';
import { PanelRefused, PanelRequestError } from '../panels/panels.ts';
import { PanelConflict } from '../panels/store.ts';
import { ProductRequestError } from '../products/service.ts';
import { Unauthorised } from './auth/port.ts';

/** Outside the caller's role or scope. */
export class Forbidden extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Forbidden';
  }
}

export class NotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFound';
  }
}

/** The request is understood but wrong (a field the schema cannot check alone). */
export class BadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequest';
  }
}

export const errorBody = (error: string, message: string) => ({ error, message });

/** No route at this address: JSON, naming the method and path (the portal answers its own with a page). */
export const noRoute = (c: Context) => c.json(errorBody('not_found', `no route ${c.req.method} ${new URL(c.req.url).pathname}`), 404);

/**
 * Every error becomes a status and a message of our own words. Unexpected errors say nothing of their cause to the
 * caller (it could hold a value from the data); the audit trail records only that one happened.
 */
export function onError(error: Error, c: Context) {
  if (error instanceof Unauthorised) {
    c.set('reason', error.message);
    c.header('WWW-Authenticate', 'Bearer');
    return c.json(errorBody('unauthorised', error.message), 401);
  }
  if (error instanceof Forbidden) {
    c.set('reason', error.message);
    return c.json(errorBody('forbidden', error.message), 403);
  }
  if (error instanceof PanelRefused) {
    c.set('reason', error.message);
    return c.json(errorBody('forbidden', error.message), 403);
  }
  if (error instanceof PanelRequestError) return c.json(errorBody(error.status === 404 ? 'not_found' : 'bad_request', error.message), error.status);
  if (error instanceof PanelConflict) return c.json(errorBody('conflict', error.message), 409);
  if (error instanceof NotFound) return c.json(errorBody('not_found', error.message), 404);
  if (error instanceof BadRequest || error instanceof ProductRequestError) return c.json(errorBody('bad_request', error.message), 400);
  if (error instanceof QueryRefused) return c.json(errorBody('query_refused', error.message), 400);
  if (error instanceof HTTPException) return c.json(errorBody('http_error', error.message), error.status);
  console.error(`internal error on ${c.req.method} ${new URL(c.req.url).pathname}: ${error.name}`);
  return c.json(errorBody('internal', 'the service failed to answer; the failure is logged'), 500);
}
