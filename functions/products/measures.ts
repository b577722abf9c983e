import { z } from '@hono/zod-openapi';
import type { Audience } from '../../analytics/disclosure.ts';
import { countMeasures } from '../../analytics/products/csp-release.ts';
import { DEFAULT_BASELINE, measuresTables } from '../../analytics/products/success-measures.ts';
import { policy } from '../../schemas/access.ts';
import { financialYear, productBody } from '../api/routes/schemas.ts';
import { optional, required } from '../cli/args.ts';
import { defineProduct } from './product.ts';

export interface MeasuresRequest { product: 'measures'; period: string; baseline: string; audience?: Audience }

const n = z.number().nullable();
/** For the csp audience a withheld count is null, and the under-25 monthly and rolling series are empty. */
const Measures = productBody('Measures', {
  period: z.string(), baseline: z.string(), audience: z.enum(['csp', 'analyst']),
  measures: z.array(z.object({ id: z.string(), split: z.enum(['all_ages', 'under_25']), count: n, baseline_count: n, change_vs_baseline_pct: n, previous_count: n, change_vs_previous_pct: n, monthly: z.array(z.object({ month: z.string(), count: n })) })),
});

/** The Home Office success measures: the official return for analysts, the CSP audience's figures from its release. */
export const measures = defineProduct({
  name: 'measures',
  title: 'Success measures',
  action: 'measures.read',
  scope: (request: MeasuresRequest) => (request.audience ? { audience: request.audience } : {}),
  api: {
    path: '/v1/measures',
    summary: 'The Home Office success measures; as CSV or XLSX, the return. Disclosure-controlled for the csp audience, the default for roles that see only csp figures',
    query: z.object({ period: financialYear('period'), baseline: financialYear('baseline').default(DEFAULT_BASELINE), audience: z.enum(['csp', 'analyst']).optional() }),
    body: Measures,
    request: ({ query }, user): MeasuresRequest => ({
      product: 'measures', period: query.period, baseline: query.baseline,
      audience: query.audience ?? (policy[user.role]?.['measures.read']?.audiences?.includes('analyst') === false ? 'csp' : 'analyst'),
    }),
  },
  cli: {
    command: 'measures',
    usage: '--period 2024-25 [--baseline 2019-20]',
    help: 'the Home Office success measures',
    request: (flags): MeasuresRequest => ({ product: 'measures', period: required(flags, 'period'), baseline: optional(flags, 'baseline') ?? DEFAULT_BASELINE }),
  },
  formats: ['json', 'csv', 'xlsx'],
  run: (engine, { area, agreement }, request) => countMeasures(engine, area, agreement, request.period, request.baseline, request.audience ?? 'analyst'),
  // As CSV, the Home Office return's summary.
  tables: (result) => { const sheets = measuresTables(result); return { csv: sheets[0], sheets }; },
  fileName: (request) => ['success-measures', request.period, ...(request.audience === 'csp' ? ['csp'] : [])],
  portal: { href: '/portal/measures', own: true },
  // The return for the partnership core beside csp/, and under csp/ only what CSP officers see: nothing to subtract from.
  refresh: (_area, period) => {
    const of = (audience: Audience): MeasuresRequest => ({ product: 'measures', period, baseline: DEFAULT_BASELINE, audience });
    return [
      { request: of('analyst'), files: { json: 'measures.json', csv: 'home-office-return.csv' } },
      { request: of('csp'), files: { json: 'csp/measures.json' } },
    ];
  },
});
