import { z } from '@hono/zod-openapi';
import { reidentificationReasons } from '../../../schemas/access.ts';

/** Request fields shared by the routes, with the messages a caller sees when one is wrong. */
export const financialYear = (name: string) =>
  z.string().regex(/^\d{4}-\d{2}$/, `${name} must be a financial year like 2024-25`);
export const isoDate = (name: string) =>
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date YYYY-MM-DD`);
export const slug = (name: string) =>
  z.string().regex(/^[a-z0-9-]{1,64}$/, `${name} must be lower-case letters, digits and hyphens`);
export const uploadId = z.string().regex(/^up-[0-9]{14}-[0-9a-f]{8}$/, 'an upload id looks like up-20250101120000-0123abcd');
export const reidentificationReason = z.enum(Object.keys(reidentificationReasons) as [keyof typeof reidentificationReasons, ...(keyof typeof reidentificationReasons)[]]);

export const ErrorBody = z.object({ error: z.string(), message: z.string() }).openapi('Error');
