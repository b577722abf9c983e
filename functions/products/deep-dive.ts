import { z } from '@hono/zod-openapi';
import { uncontrolled } from '../../analytics/disclosure.ts';
import { deepDive as runDeepDive, deepDiveLongTable, deepDiveTables } from '../../analytics/products/deep-dive.ts';
import { deepDiveHtml } from '../../analytics/render/reports.ts';
import { financialYear, productBody, slug } from '../api/routes/schemas.ts';
import { required } from '../cli/args.ts';
import { defineProduct } from './product.ts';

export interface DeepDiveRequest { product: 'deep-dive'; groups: string[]; area: string; period: string }

const DeepDive = productBody('DeepDive', { groups: z.array(z.string()), area: z.string(), period: z.string(), linkage: z.enum(['fuzzy', 'exact']), linkage_note: z.string().optional(), crimes: z.number() });

/** Offence groups in the whole area or a locality over a year, for analysts (not disclosure-controlled). */
export const deepDive = defineProduct({
  name: 'deep-dive',
  title: 'Deep dive',
  action: 'deep-dive.read',
  scope: (_request: DeepDiveRequest) => ({}),
  api: {
    path: '/v1/deep-dive',
    summary: 'Offence groups in the whole area or a locality over a year: trend, places, times, people, linked contact',
    query: z.object({
      groups: z.string().regex(/^[a-z_]+(,[a-z_]+)*$/, 'groups must be offence groups separated by commas'),
      area: slug('area'), period: financialYear('period'),
    }),
    body: DeepDive,
    request: ({ query }): DeepDiveRequest => ({ product: 'deep-dive', groups: query.groups.split(','), area: query.area, period: query.period }),
  },
  cli: {
    command: 'deep-dive',
    usage: '--groups G1,G2 --area AREA|SLUG --period 2024-25',
    help: 'offence groups in an area: trend, places, times, people, linked contact',
    request: (flags): DeepDiveRequest => ({ product: 'deep-dive', groups: required(flags, 'groups').split(',').map((g) => g.trim()), area: required(flags, 'area'), period: required(flags, 'period') }),
  },
  formats: ['json', 'csv', 'xlsx', 'html'],
  run: async (engine, { area, linkage }, request) => uncontrolled(await runDeepDive(engine, area, request, await linkage())),
  tables: (result) => ({ csv: deepDiveLongTable(result), sheets: deepDiveTables(result) }),
  html: deepDiveHtml,
  fileName: (request) => ['deep-dive', request.area, request.period],
  portal: { href: '/portal/deep-dive', own: true },
});
