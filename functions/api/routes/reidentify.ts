import { createRoute, z } from '@hono/zod-openapi';
import type { CohortResult } from '../../../analytics/products/cohort.ts';
import { openReferenceVault } from '../../ingest/reference-vault.ts';
import { NotFound } from '../errors.ts';
import { checkScope, requireAction } from '../middleware/guard.ts';
import { bearer, errorResponses, type ApiApp, type RouteDeps } from './deps.ts';
import { isoDate, json, ReidentificationBody, reidentificationReason, slug } from './schemas.ts';

const reidentify = createRoute({
  method: 'post', path: '/v1/panels/{panel}/cohort/{person_id}/reidentify', security: bearer, middleware: [requireAction('cohort.reidentify')] as const,
  summary: "A panel coordinator reveals their own organisation's references for one cohort member, with a stated reason",
  request: {
    params: z.object({ panel: slug('panel'), person_id: z.string().regex(/^[A-Za-z0-9_:-]{4,80}$/, 'person_id must be a cohort person id') }),
    body: { content: { 'application/json': { schema: z.object({ as_of: isoDate('as_of'), reason: reidentificationReason }) } }, required: true },
  },
  responses: { 200: json(ReidentificationBody, "The member's records that the caller's organisation supplied, with their references"), 404: { description: 'Not in the cohort on that date' }, ...errorResponses },
});

/**
 * Re-identification: only records the coordinator's own organisation supplied, each decrypted from that
 * organisation's vault with that organisation's key. The audit trail records the person id (pseudonymous), the
 * reason code and how many references were revealed; never the references.
 */
export function registerReidentify(app: ApiApp, deps: RouteDeps) {
  const { platform, products } = deps;
  app.openapi(reidentify, async (c) => {
    const { panel, person_id } = c.req.valid('param');
    const { as_of, reason } = c.req.valid('json');
    const organisation = c.var.user!.organisation;
    checkScope(c, platform.agreement, 'cohort.reidentify', { panel, partner: organisation });
    if (!organisation) throw new Error('unreachable: the policy refuses a coordinator without an organisation');
    c.set('touched', { product: 'cohort', as_of, person_id, reason });
    const cohort = await products.result({ product: 'cohort', panel, asOf: as_of }) as CohortResult;
    const member = cohort.members.find((m) => m.person_id === person_id);
    if (!member) throw new NotFound(`${person_id} is not in the ${panel} cohort on ${as_of}`);
    const own = member.records.filter((r) => r.partner === organisation);
    const vaults = new Map<string, Promise<Map<string, string>>>();
    const records = [];
    for (const record of own) {
      const vault = `${record.dataset}/${record.upload_id}`;
      if (!vaults.has(vault)) vaults.set(vault, openReferenceVault(platform.storage, platform.keys, organisation, record.dataset, record.upload_id));
      records.push({ dataset: record.dataset, upload_id: record.upload_id, record_key: record.record_key, reference: (await vaults.get(vault)!).get(record.record_key) ?? null });
    }
    c.set('touched', { ...c.var.touched, references_revealed: String(records.filter((r) => r.reference !== null).length) });
    c.header('cache-control', 'no-store');
    return c.json({ panel, as_of, person_id, organisation, reason, records, other_organisations_records: member.records.length - own.length }, 200);
  });
}
