import { z } from '@hono/zod-openapi';
import { uncontrolled } from '../../analytics/disclosure.ts';
import { preventionPanelCohort, type CohortResult } from '../../analytics/products/cohort.ts';
import type { Table } from '../../analytics/render/table.ts';
import { eventsInWords, legend, reasonsFor } from '../../analytics/panel/reasons.ts';
import type { CohortRules } from '../../schemas/cohort.ts';
import { isoDate, productBody, slug } from '../api/routes/schemas.ts';
import { required } from '../cli/args.ts';
import { defineProduct } from './product.ts';

export interface CohortRequest { product: 'cohort'; panel: string; asOf: string }

const Cohort = productBody('Cohort', {
  panel: z.string(), as_of: z.string(), linkage: z.enum(['fuzzy', 'exact']), linkage_note: z.string().optional(), count: z.number().int(),
  legend: z.object({ criteria: z.array(z.object({ code: z.string(), kind: z.enum(['mandatory', 'discretionary']), words: z.string(), weight: z.number() })), excluded: z.string(), score: z.string() }),
  members: z.array(z.object({ person_id: z.string(), age: z.number(), sex: z.string().nullable(), locality: z.string(), criteria: z.array(z.string()), factors: z.array(z.string()), score: z.number(), reasons: z.array(z.string()).describe('each criterion and factor met, in words, with the counts behind it, and the latest event'), events: z.record(z.string(), z.number()), events_words: z.string(), last_event_date: z.string().nullable(), partners: z.array(z.string()) })),
});

/** The cohort with each member's reasons in words and the legend of the criteria (analytics/panel/reasons.ts). */
export type ExplainedCohort = Omit<CohortResult, 'members'> & { legend: ReturnType<typeof legend>; members: (CohortResult['members'][number] & { reasons: string[]; events_words: string })[] };

const explained = (result: CohortResult, rules: CohortRules): ExplainedCohort => ({
  ...result, legend: legend(rules),
  members: result.members.map((m) => ({ ...m, reasons: reasonsFor(m, rules), events_words: eventsInWords(m.events) })),
});

/** The cohort as one table: a row per child, lists joined with ';', the reasons and the events in words. */
function cohortTable(result: ExplainedCohort): Table {
  return {
    name: `${result.panel} cohort ${result.as_of}`,
    columns: ['person_id', 'age', 'sex', 'locality', 'criteria', 'factors', 'score', 'reasons', 'events', 'last_event_date', 'partners'],
    rows: result.members.map((m) => [m.person_id, m.age, m.sex, m.locality, m.criteria.join(';'), m.factors.join(';'), m.score,
      m.reasons.join('. '), m.events_words, m.last_event_date, m.partners.join(';')]),
  };
}

/** The legend: each criterion in words, whether it lists a child alone, and its weight. */
export const legendTable = (l: ReturnType<typeof legend>): Table => ({
  name: 'Criteria and weights',
  columns: ['criterion', 'kind', 'meaning', 'weight'],
  rows: [...l.criteria.map((c) => [c.code, c.kind, c.words, c.weight]), ['', '', l.excluded, null], ['', '', l.score, null]],
});

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
  run: async (engine, { area, cohort, linkage }, request) => uncontrolled(explained(await preventionPanelCohort(engine, area, cohort, request.panel, request.asOf, await linkage()), cohort)),
  tables: (result: ExplainedCohort) => ({ csv: cohortTable(result), sheets: [cohortTable(result), legendTable(result.legend)] }),
  fileName: (request) => ['cohort', request.panel, request.asOf],
  portal: { href: '/portal/cohort', own: true },
});
