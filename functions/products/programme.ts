import { z } from '@hono/zod-openapi';
import type { Audience } from '../../analytics/disclosure.ts';
import { countProgrammeReport, programmeLongTable, programmeTables, type ProgrammeReportRequest } from '../../analytics/products/programme-report.ts';
import { programmeCharts, programmeHtml } from '../../analytics/render/programme-report.ts';
import { policy } from '../../schemas/access.ts';
import { financialYear, productBody, slug } from '../api/routes/schemas.ts';
import { optional, required, UsageError } from '../cli/args.ts';
import { defineProduct } from './product.ts';

export interface ProgrammeRequest extends ProgrammeReportRequest { product: 'programme' }

const count = z.object({ count: z.number().nullable(), suppressed: z.boolean() });
const cells = z.array(z.object({ key: z.string(), count }));
const interval = z.object({ estimate: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });
const Programme = productBody('Programme', {
  programme: z.string(), name: z.string(), period: z.string(), audience: z.enum(['csp', 'analyst']),
  referrals: z.object({ total: count, by_source: cells }),
  starts: z.object({ total: count, not_started: count, days_to_start_median: z.number().nullable(), days_to_start_mean: z.number().nullable() }),
  engagement: z.object({ sessions_offered: z.number().nullable(), sessions_attended: z.number().nullable(), attendance_pct: z.number().nullable() }),
  exits: z.object({ total: count, by_reason: cells }),
  onward_referrals: z.object({ total: count, by_kind: cells }),
  measure: z.object({ id: z.string(), name: z.string(), better: z.enum(['higher', 'lower']), scored: count, pre_mean: z.number().nullable(), post_mean: z.number().nullable(), change_mean: z.number().nullable() }).nullable(),
  reached: z.object({ age_band: cells, sex: cells, locality: cells, strand: cells }),
  monthly: z.array(z.object({ month: z.string(), referrals: count, starts: count, exits: count })),
  outcomes: z.object({
    programme: z.string(), starts_to: z.string(), data_from: z.string(), data_to: z.string(), kinds: z.array(z.string()), matching: z.string(), interval_method: z.string(),
    windows: z.array(z.object({ months: z.number(), eligible: count, matched: count, unmatched: count, comparison_people: count, participants: z.object({ before: z.number().nullable(), after: z.number().nullable() }), comparison: z.object({ before: z.number().nullable(), after: z.number().nullable() }), did: interval, relative: interval })),
    balance: z.array(z.object({ variable: z.string(), participants: z.number(), comparison: z.number(), smd: z.number().nullable() })),
    caveats: z.array(z.string()),
  }),
});

/** The audience a role sees by default: analysts the counts as they are, everyone else disclosure-controlled. */
const audienceOf = (role: keyof typeof policy): Audience => (policy[role]?.['programme.read']?.audiences?.includes('analyst') ? 'analyst' : 'csp');

/** A programme's monitoring and outcomes over a year: disclosure-controlled for all but analysts. */
export const programme = defineProduct({
  name: 'programme',
  title: 'Programme monitoring and outcomes',
  action: 'programme.read',
  scope: (request: ProgrammeRequest) => ({ programme: request.programme, audience: request.audience }),
  api: {
    path: '/v1/programmes/{id}',
    summary: "A programme's monitoring (referrals, starts, sessions, exits, onward referrals, pre/post change, who it reached, monthly) and outcomes against a matched comparison; disclosure-controlled for all but analysts",
    params: z.object({ id: slug('programme') }),
    query: z.object({ period: financialYear('period'), audience: z.enum(['csp', 'analyst']).optional() }),
    body: Programme,
    request: ({ params, query }, user): ProgrammeRequest => ({ product: 'programme', programme: params.id, period: query.period, audience: query.audience ?? audienceOf(user.role) }),
  },
  cli: {
    command: 'programme',
    usage: '--programme ID --period 2024-25 [--audience csp|analyst]',
    help: "a programme's monitoring and outcomes",
    request: (flags): ProgrammeRequest => {
      const audience = (optional(flags, 'audience') ?? 'analyst') as Audience;
      if (!['csp', 'analyst'].includes(audience)) throw new UsageError('--audience must be csp or analyst');
      return { product: 'programme', programme: required(flags, 'programme'), period: required(flags, 'period'), audience };
    },
  },
  formats: ['json', 'csv', 'xlsx', 'html'],
  run: async (engine, { agreement, programmes, linkage }, request) => countProgrammeReport(engine, agreement, programmes, request, await linkage()),
  tables: (result) => ({ csv: programmeLongTable(result), sheets: programmeTables(result) }),
  html: programmeHtml,
  fileName: (request) => ['programme', request.programme, request.period, ...(request.audience === 'csp' ? ['csp'] : [])],
  portal: { href: '/portal/programme', charts: programmeCharts },
});
