import { z } from '@hono/zod-openapi';
import { uncontrolled } from '../../analytics/disclosure.ts';
import { preventionPanelCohort, type CohortResult } from '../../analytics/products/cohort.ts';
import type { Table } from '../../analytics/render/table.ts';
import { isoDate, productBody, slug } from '../api/routes/schemas.ts';
import { required } from '../cli/args.ts';
import { defineProduct } from './product.ts';

export interface CohortRequest { product: 'cohort'; panel: string; asOf: string }

const Cohort = productBody('Cohort', {
  panel: z.string(), as_of: z.string(), linkage: z.enum(['fuzzy', 'exact']), linkage_note: z.string().optional(), count: z.number().int(),
  members: z.array(z.object({ person_id: z.string(), age: z.number(), sex: z.string().nullable(), locality: z.string(), criteria: z.array(z.string()), factors: z.array(z.string()), score: z.number(), events: z.record(z.string(), z.number()), last_event_date: z.string().nullable(), partners: z.array(z.string()) })),
});

/** The cohort as one table: a row per child, lists joined with ';'. */
function cohortTable(result: CohortResult): Table {
  return {
    name: `${result.panel} cohort ${result.as_of}`,
    columns: ['person_id', 'age', 'sex', 'locality', 'criteria', 'factors', 'score', 'events', 'last_event_date', 'partners'],
    rows: result.members.map((m) => [m.person_id, m.age, m.sex, m.locality, m.criteria.join(';'), m.factors.join(';'), m.score,
      Object.entries(m.events).map(([d, n]) => `${d}:${n}`).join(';'), m.last_event_date, m.partners.join(';')]),
  };
}

/** A Prevention Panel's cohort on a date, pseudonymised: for the panel's coordinators and analysts, not controlled. */
export const cohort = defineProduct({
  name: 'cohort',
  title: 'Prevention Panel cohort',
  action: 'cohort.read',
  scope: (request: CohortRequest) => ({ panel: request.panel }),
  api: {
    path: '/v1/panels/{panel}/cohort',
    summary: "A Prevention Panel's cohort on a date, pseudonymised",
    params: z.object({ panel: slug('panel') }),
    query: z.object({ as_of: isoDate('as_of') }),
    body: Cohort,
    request: ({ params, query }): CohortRequest => ({ product: 'cohort', panel: params.panel, asOf: query.as_of }),
  },
  cli: {
    command: 'cohort',
    usage: '--panel city|county --as-of YYYY-MM-DD',
    help: 'the Prevention Panel cohort',
    request: (flags): CohortRequest => ({ product: 'cohort', panel: required(flags, 'panel'), asOf: required(flags, 'as-of') }),
  },
  formats: ['json', 'csv', 'xlsx'],
  run: async (engine, { area, cohort, linkage }, request) => uncontrolled(await preventionPanelCohort(engine, area, cohort, request.panel, request.asOf, await linkage())),
  tables: (result) => ({ csv: cohortTable(result), sheets: [cohortTable(result)] }),
  fileName: (request) => ['cohort', request.panel, request.asOf],
  portal: { href: '/portal/cohort', own: true },
});
