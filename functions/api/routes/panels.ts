import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { sorts } from '../../../analytics/panel/meeting-list.ts';
import type { CohortResult } from '../../../analytics/products/cohort.ts';
import type { User } from '../../../schemas/access.ts';
import { consents, decisions, DecisionInput, otherServices, outcomes, statuses } from '../../../schemas/panel.ts';
import { meetingDates, panelList, recordDecision, recordMeeting, touchedBy, type PanelDeps } from '../../panels/panels.ts';
import { renderList } from '../../panels/tables.ts';
import { exportAbout } from '../../products/about.ts';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { isoDate, json, slug } from './schemas.ts';

const panelParam = z.object({ panel: slug('panel') });
const personParam = panelParam.extend({ person_id: z.string().regex(/^P-[A-Za-z0-9_-]{4,76}$/, 'person_id must be a pseudonymous person id from the list (P-…)') });
const notFound = { 404: json(z.object({ error: z.string(), message: z.string() }), 'no such panel, meeting or member') };
const conflict = { 409: json(z.object({ error: z.string(), message: z.string() }), 'that meeting is recorded already, or a later one is') };
const codes = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k}: ${v}`).join('; ');

const MeetingBody = z.object({ panel: z.string(), date: z.string(), previous: z.string().nullable(), members: z.number().int(), left: z.number().int(), recorded_by: z.string() }).openapi('PanelMeeting');
const DecisionBody = z.object({
  person_id: z.string(), meeting: z.string(), decision: z.string(), programme: z.string().optional(), service: z.string().optional(),
  consent: z.string().optional(), support_start: z.string().optional(), outcome: z.string().optional(), by: z.string(), at: z.string(),
}).openapi('PanelDecision');
const ListBody = z.object({
  panel: z.string(), meeting: z.string(), previous: z.string().nullable(), legend: z.unknown(), count: z.number().int(),
  rows: z.array(z.object({
    person_id: z.string(), status: z.enum(Object.keys(statuses) as [string]), status_words: z.string(), why: z.string().nullable(),
    age: z.number(), sex: z.string().nullable(), locality: z.string(), criteria: z.array(z.string()), factors: z.array(z.string()), score: z.number(),
    reasons: z.array(z.string()), events: z.record(z.string(), z.number()), events_words: z.string(), last_event_date: z.string().nullable(),
    seen_again: z.string().nullable().describe('a member referred before, with new crime or ASB records since: what is new, in words'),
    decision: DecisionBody.nullable(),
  })),
}).openapi('PanelList');

const meetingRoute = createRoute({
  method: 'post', path: '/v1/panels/{panel}/meetings', security: bearer, middleware: [requireAction('panel.write')] as const,
  summary: "Record a meeting of the coordinator's own panel: its list on that date is kept, each member new or still eligible, and those no longer eligible with why",
  request: { params: panelParam, body: { required: true, content: { 'application/json': { schema: z.strictObject({ date: isoDate('date') }) } } } },
  responses: { 201: json(MeetingBody, 'the meeting as recorded'), ...notFound, ...conflict, ...errorResponses },
});
const meetingsRoute = createRoute({
  method: 'get', path: '/v1/panels/{panel}/meetings', security: bearer, middleware: [requireAction('panel.read')] as const,
  summary: "The panel's recorded meetings, earliest first",
  request: { params: panelParam },
  responses: { 200: json(z.object({ panel: z.string(), meetings: z.array(MeetingBody.omit({ panel: true, previous: true })) }), 'the meetings'), ...notFound, ...errorResponses },
});
const listRoute = createRoute({
  method: 'get', path: '/v1/panels/{panel}/list', security: bearer, middleware: [requireAction('panel.read')] as const,
  summary: "A meeting's list (the latest unless meeting= names one): status, reasons in words, events, seen again, the decision; sorted and filtered",
  request: {
    params: panelParam,
    query: z.object({
      meeting: isoDate('meeting').optional(),
      status: z.enum(Object.keys(statuses) as [keyof typeof statuses]).optional(),
      criterion: z.enum(['M1', 'M2', 'D1', 'D2', 'D3', 'D4', 'D5']).optional(),
      locality: slug('locality').optional(),
      age_from: z.coerce.number().int().optional(), age_to: z.coerce.number().int().optional(), min_score: z.coerce.number().optional(),
      sort: z.enum(sorts).default('score'),
      format: z.enum(['json', 'csv', 'xlsx']).default('json'),
    }),
  },
  responses: {
    200: { description: 'The list as JSON, or as a file', content: { 'application/json': { schema: ListBody }, 'text/csv': { schema: z.string() }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...notFound, ...errorResponses,
  },
});
const decideRoute = createRoute({
  method: 'post', path: '/v1/panels/{panel}/decisions/{person_id}', security: bearer, middleware: [requireAction('panel.write')] as const,
  summary: `Record what the panel decided for a member at a meeting, and what came of it: fixed codes only, no free text. decision: ${codes(decisions)}. service: ${codes(otherServices)}. consent: ${codes(consents)}. outcome: ${codes(outcomes)}. programme: an id of the deployment's catalogue`,
  request: { params: personParam, body: { required: true, content: { 'application/json': { schema: DecisionInput } } } },
  responses: { 200: json(DecisionBody, 'the decision as recorded'), ...notFound, ...errorResponses },
});

/** The panel's meetings, list and decisions (issue 17), for coordinators of their own panel and analysts. */
export function registerPanels(app: ApiApp, deps: RouteDeps) {
  const { platform, products } = deps;
  // The middleware audits every request, denied ones too; the core need not write another entry.
  const core: PanelDeps = { platform, cohort: (panel, asOf) => products.result({ product: 'cohort', panel, asOf }) as Promise<CohortResult> };
  const user = (c: Context) => c.var.user as User;

  app.openapi(meetingRoute, async (c) => {
    const { panel } = c.req.valid('param');
    const { date } = c.req.valid('json');
    checkScope(c, platform.agreement, 'panel.write', { panel });
    c.set('touched', { meeting: date });
    const m = await recordMeeting(core, user(c), panel, date);
    c.set('touched', { meeting: date, members: String(m.members.length), left: String(m.left.length) });
    return c.json({ panel, date: m.date, previous: m.previous, members: m.members.length, left: m.left.length, recorded_by: m.recorded_by }, 201);
  });

  app.openapi(meetingsRoute, async (c) => {
    const { panel } = c.req.valid('param');
    checkScope(c, platform.agreement, 'panel.read', { panel });
    return c.json({ panel, meetings: await meetingDates(core, user(c), panel) }, 200);
  });

  app.openapi(listRoute, async (c) => {
    const { panel } = c.req.valid('param');
    const q = c.req.valid('query');
    checkScope(c, platform.agreement, 'panel.read', { panel });
    const list = await panelList(core, user(c), panel, q.meeting, { status: q.status, criterion: q.criterion, locality: q.locality, ageFrom: q.age_from, ageTo: q.age_to, minScore: q.min_score, sort: q.sort });
    c.set('touched', { meeting: list.meeting, format: q.format });
    c.header('cache-control', 'no-store');
    if (q.format === 'json') return c.json(list, 200);
    const programmeName = (id: string) => platform.deployment.programmes.find((p) => p.id === id)?.name ?? id;
    const body = await renderList(list, q.format, programmeName, { ...await exportAbout(platform, { product: 'panel-list' }), period: `meeting of ${list.meeting}` });
    c.header('content-type', q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    c.header('content-disposition', `attachment; filename="panel-${panel}-${list.meeting}.${q.format}"`);
    return c.body(typeof body === 'string' ? body : new Uint8Array(body), 200) as never;
  });

  app.openapi(decideRoute, async (c) => {
    const { panel, person_id } = c.req.valid('param');
    const input = c.req.valid('json');
    c.set('touched', { person_id, decision: input.decision, meeting: input.meeting });
    checkScope(c, platform.agreement, 'panel.write', { panel });
    const entry = await recordDecision(core, user(c), panel, person_id, input);
    c.set('touched', touchedBy(entry));
    return c.json(entry, 200);
  });
}
