import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { REPORT_STYLE } from '../../../analytics/render/html.ts';

/** The HTML report pages (profile, deep dive) carry their one inline style: allowed by its hash, nothing else inline. */
const reportStyle = `'sha256-${createHash('sha256').update(REPORT_STYLE).digest('base64')}'`;

/**
 * Headers on every answer, API and portal alike. The portal's pages load their one stylesheet and one script from
 * this origin (no inline code, so no 'unsafe-inline'); charts are inline SVG. Files go by script to this origin
 * or, in AWS, to the raw bucket's presigned URL (`uploadOrigins`). No page may be framed (clickjacking), no answer
 * sniffed into another type, and no URL (which may hold an upload id or a query string) leaks as a referrer.
 */
export const securityHeaders = (uploadOrigins: string[] = []): MiddlewareHandler => {
  const policy = [
    "default-src 'none'", "script-src 'self'", `style-src 'self' ${reportStyle}`, "img-src 'self' data:",
    `connect-src ${["'self'", ...uploadOrigins].join(' ')}`, "frame-ancestors 'none'", "base-uri 'none'",
  ].join('; ');
  return async function securityHeaders(c, next) {
    await next();
    c.res.headers.set('Content-Security-Policy', policy);
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
  };
};
