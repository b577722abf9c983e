import { z } from '@hono/zod-openapi';
import { countIndicators, type IndicatorAudience } from '../../analytics/products/indicators.ts';
import { DEFAULT_BASELINE } from '../../analytics/products/success-measures.ts';
import { indicatorsHtml, indicatorsTables } from '../../analytics/render/indicators.ts';
import { policy } from '../../schemas/access.ts';
import { financialYear, period, productBody, slug } from '../api/routes/schemas.ts';
import { optional, required, UsageError } from '../cli/args.ts';
import { defineProduct } from './product.ts';

export interface IndicatorsProductRequest { product: 'indicators'; period: string; area: string; audience: 'csp' | 'analyst'; baseline: string }

const n = z.number().nullable();
const figure = { count: n, suppressed: z.boolean(), rate: n };
/** Every indicator of the framework for the period and area; `partial` and `data_to` say how far each one's data runs. */
export const IndicatorsBody = productBody('Indicators', {
  period: z.string(), kind: z.enum(['year', 'quarter', 'ytd', 'rolling']), from: z.string(), to: z.string(), baseline: z.string(),
  area: z.string(), area_name: z.string(), audience: z.enum(['csp', 'analyst', 'public']), rounded: z.boolean(),
  indicators: z.array(z.object({
    id: z.string(), title: z.string(), dataset: z.string(), measure: z.string(), better: z.enum(['lower', 'higher']),
    data_to: z.string().nullable(), partial: z.boolean(), months_counted: z.array(z.string()), months_not_covered: z.array(z.string()),
    ...figure, change_vs_previous_pct: n, change_vs_baseline_pct: n,
    previous: z.object({ period: z.string(), ...figure }), baseline: z.object({ period: z.string(), ...figure }),
    monthly: z.array(z.object({ month: z.string(), count: n, suppressed: z.boolean() })),
    by_locality: z.array(z.object({ locality: z.string(), name: z.string(), ...figure })), area_rate: n,
    trend: z.array(z.object({ period: z.string(), ...figure })),
    comparators: z.array(z.object({ force: z.string(), count: z.number(), previous_count: z.number(), change_vs_previous_pct: n })),
    by_lsoa: z.array(z.object({ lsoa: z.string().openapi({ description: 'LSOA code' }), locality: z.string(), count: n, suppressed: z.boolean() })).nullable()
      .openapi({ description: "The map's cells: the counted months by LSOA of the area shown, controlled as the table's; null where the dataset has no LSOA" }),
    hotspots: z.array(z.string()).openapi({ description: 'The LSOAs with the most published counts, largest first' }),
    map_note: z.string().nullable(),
  }).catchall(z.unknown())),
  waiting_for_data: z.array(z.object({ title: z.string(), waits_for: z.string() })),
});

const audienceOf = (value: string | undefined): 'csp' | 'analyst' | undefined => {
  if (value === undefined) return undefined;
  if (value !== 'csp' && value !== 'analyst') throw new UsageError('--audience must be csp or analyst');
  return value;
};

/** The performance framework's indicators: the dashboard's figures for a period, the whole area or one locality. */
export const indicatorsProduct = defineProduct({
  name: 'indicators',
  title: 'Performance indicators',
  action: 'indicators.read',
  // The area asked for is the scope's locality ('' or the area's id: the whole area, which a CSP officer's own locality never is).
  scope: (request: IndicatorsProductRequest) => ({ audience: request.audience, ...(request.area ? { locality: request.area } : {}) }),
  api: {
    path: '/v1/indicators',
    summary: "Every performance indicator for a period (a year 2024-25, a quarter 2025-26-Q1, a year to date 2025-26-YTD or a rolling twelve months R12-2025-09) and an area (the whole area's id or a locality): like-for-like against the year before and the baseline, by locality, the trend, and police.uk's force comparators. The csp audience (the default for roles that see only csp figures) is rounded to 5 with small counts suppressed",
    query: z.object({
      period: period('period'), area: slug('area').optional(), baseline: financialYear('baseline').default(DEFAULT_BASELINE),
      audience: z.enum(['csp', 'analyst']).optional(),
    }),
    body: IndicatorsBody,
    request: ({ query }, user): IndicatorsProductRequest => ({
      product: 'indicators', period: query.period, area: query.area ?? user.locality ?? '', baseline: query.baseline,
      audience: query.audience ?? (policy[user.role]?.['indicators.read']?.audiences?.includes('analyst') === false ? 'csp' : 'analyst'),
    }),
  },
  cli: {
    command: 'indicators',
    usage: '--period P [--area llr|SLUG] [--audience analyst|csp] [--baseline 2019-20]',
    help: 'the performance indicators (P: 2024-25, 2025-26-Q1, 2025-26-YTD or R12-2025-09)',
    request: (flags): IndicatorsProductRequest => ({
      product: 'indicators', period: required(flags, 'period'), area: optional(flags, 'area') ?? '',
      audience: audienceOf(optional(flags, 'audience')) ?? 'analyst', baseline: optional(flags, 'baseline') ?? DEFAULT_BASELINE,
    }),
  },
  formats: ['json', 'csv', 'xlsx', 'html'],
  run: async (engine, { area, agreement, dataTo }, request) => countIndicators(engine, area, agreement, await dataTo(), {
    period: request.period, area: request.area || area.id, audience: request.audience as IndicatorAudience, baseline: request.baseline,
  }),
  tables: (result) => { const sheets = indicatorsTables(result); return { csv: sheets[0], sheets }; },
  html: indicatorsHtml,
  fileName: (request) => ['indicators', request.area || 'area', request.period, request.audience],
  portal: { href: '/portal/indicators', own: true },
});
