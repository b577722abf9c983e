import { z } from '@hono/zod-openapi';
import { countIndicators } from '../../analytics/products/indicators.ts';
import { DEFAULT_BASELINE } from '../../analytics/products/success-measures.ts';
import { indicatorsTables, publicReportHtml } from '../../analytics/render/indicators.ts';
import { period } from '../api/routes/schemas.ts';
import { required } from '../cli/args.ts';
import { IndicatorsBody } from './indicators.ts';
import { defineProduct } from './product.ts';

export interface PublicReportRequest { product: 'public-report'; period: string }

/**
 * The quarterly public monitoring report (the Police and Crime Panel's): every indicator for the whole area, each
 * count rounded to 5 and small counts suppressed, whoever asks; with its "data to" line.
 */
export const publicReport = defineProduct({
  name: 'public-report',
  title: 'Public monitoring report',
  action: 'report.public',
  scope: () => ({}),
  api: {
    path: '/v1/reports/public',
    summary: 'The public monitoring report for a period: every indicator for the whole area, rounded to 5 with small counts suppressed',
    query: z.object({ period: period('period') }),
    body: IndicatorsBody,
    request: ({ query }): PublicReportRequest => ({ product: 'public-report', period: query.period }),
  },
  cli: {
    command: 'report',
    subcommand: 'public',
    usage: 'public --period 2025-26-Q1',
    help: 'the public monitoring report (rounded and suppressed)',
    request: (flags): PublicReportRequest => ({ product: 'public-report', period: required(flags, 'period') }),
  },
  formats: ['html', 'json', 'csv', 'xlsx'],
  run: async (engine, { area, agreement, dataTo }, request) =>
    countIndicators(engine, area, agreement, await dataTo(), { period: request.period, area: area.id, audience: 'public', baseline: DEFAULT_BASELINE }),
  tables: (result) => { const sheets = indicatorsTables(result); return { csv: sheets[0], sheets }; },
  html: publicReportHtml,
  fileName: (request) => ['public-report', request.period],
});
