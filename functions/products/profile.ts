import { z } from '@hono/zod-openapi';
import type { Audience } from '../../analytics/disclosure.ts';
import { countLocalityProfile, profileLongTable, profileTables } from '../../analytics/products/locality-profile.ts';
import { profileHtml } from '../../analytics/render/reports.ts';
import { financialYear, productBody, slug } from '../api/routes/schemas.ts';
import { optional, required, UsageError } from '../cli/args.ts';
import { defineProduct } from './product.ts';

export interface ProfileRequest { product: 'profile'; locality: string; period: string; audience: Audience }

const n = z.number().nullable();
const Profile = productBody('Profile', {
  locality: z.string(), period: z.string(), audience: z.enum(['csp', 'analyst']), rounded: z.boolean(), population: z.number(),
  serious_violence: z.object({ count: n, rate_per_1000: n, area_rate_per_1000: n, previous_count: n, change_pct: n }),
  by_offence_group: z.array(z.object({ group: z.string(), count: n, suppressed: z.boolean() })),
  by_lsoa: z.array(z.object({ key: z.string().openapi({ description: 'LSOA code' }), count: n, suppressed: z.boolean() })),
});

/** A Community Safety Partnership's locality profile: disclosure-controlled for the csp audience (the default). */
export const profile = defineProduct({
  name: 'profile',
  title: 'Locality profile',
  action: 'profile.read',
  scope: (request: ProfileRequest) => ({ locality: request.locality, audience: request.audience }),
  api: {
    path: '/v1/localities/{slug}/profile',
    summary: "A locality's profile: disclosure-controlled for the csp audience (the default)",
    params: z.object({ slug: slug('locality') }),
    query: z.object({ period: financialYear('period'), audience: z.enum(['csp', 'analyst']).default('csp') }),
    body: Profile,
    request: ({ params, query }): ProfileRequest => ({ product: 'profile', locality: params.slug, period: query.period, audience: query.audience }),
  },
  cli: {
    command: 'profile',
    usage: '--locality SLUG --period 2024-25 [--audience csp|analyst]',
    help: 'the locality profile of a Community Safety Partnership',
    request: (flags): ProfileRequest => {
      const audience = (optional(flags, 'audience') ?? 'csp') as Audience;
      if (!['csp', 'analyst'].includes(audience)) throw new UsageError('--audience must be csp or analyst');
      return { product: 'profile', locality: required(flags, 'locality'), period: required(flags, 'period'), audience };
    },
  },
  formats: ['json', 'csv', 'xlsx', 'html'],
  run: (engine, { area, agreement }, request) => countLocalityProfile(engine, area, agreement, request),
  tables: (result) => ({ csv: profileLongTable(result), sheets: profileTables(result) }),
  html: profileHtml,
  fileName: (request) => ['profile', request.locality, request.period, request.audience],
  portal: { href: '/portal/profile', own: true },
  // Every locality's profile, as CSP officers see it, under csp/.
  refresh: (area, period) => area.localities.map(({ slug: locality }) => ({
    request: { product: 'profile', locality, period, audience: 'csp' } satisfies ProfileRequest,
    files: { json: `csp/profiles/${locality}.json`, html: `csp/profiles/${locality}.html` },
  })),
});
