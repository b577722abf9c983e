import { z } from 'zod';

/**
 * Who may do what, as data. Each role lists the actions it may take and, per action, the conditions a request's
 * scope must meet: `own` ties a scope field to one of the user's attributes (an uploader's partner is their own
 * organisation), `datasetOfOrganisation` limits uploads to the datasets the agreement lets that organisation
 * share, and `audiences` limits which figures (disclosure-controlled or not) the role may see.
 * `authorise()` in functions/api/authorise.ts is the one place that reads it.
 */
export const actions = [
  'upload.create', 'upload.read',
  'measures.read', 'profile.read', 'indicators.read', 'report.public', 'cohort.read', 'cohort.reidentify', 'deep-dive.read',
  'query.run', 'linkage.review', 'audit.read', 'programme.read',
  'panel.read', 'panel.write', 'panel.monitor',
] as const;
export type Action = (typeof actions)[number];

/** The roles: the one list (a deployment's agreement describes each, and its load checks that it does). */
export const roles = ['partner_uploader', 'analyst', 'csp_officer', 'panel_coordinator', 'performance_lead', 'programme_lead', 'admin'] as const;
export type Role = (typeof roles)[number];

/** The user's attribute a scope field must equal. */
const UserAttribute = z.enum(['organisation', 'locality', 'panel', 'programme']);
const Rule = z.object({
  own: z.partialRecord(z.enum(['partner', 'locality', 'panel', 'programme']), UserAttribute).default({}),
  datasetOfOrganisation: z.boolean().default(false),
  audiences: z.array(z.enum(['csp', 'analyst'])).optional(),
});
export type Rule = z.infer<typeof Rule>;

export const Policy = z.record(z.enum(roles), z.partialRecord(z.enum(actions), Rule));
export type Policy = z.infer<typeof Policy>;

export const policy: Policy = Policy.parse({
  partner_uploader: {
    'upload.create': { own: { partner: 'organisation' }, datasetOfOrganisation: true },
    'upload.read': { own: { partner: 'organisation' } },
  },
  analyst: {
    'upload.read': {},
    'measures.read': {},
    'profile.read': { audiences: ['csp', 'analyst'] },
    'indicators.read': { audiences: ['csp', 'analyst'] },
    'report.public': {},
    'cohort.read': {},
    'deep-dive.read': {},
    'query.run': {},
    'linkage.review': {},
    'panel.read': {},
    'panel.monitor': {},
    'programme.read': { audiences: ['csp', 'analyst'] },
  },
  csp_officer: {
    'measures.read': { audiences: ['csp'] },
    'profile.read': { own: { locality: 'locality' }, audiences: ['csp'] },
    // Their own locality, against the whole area and the other localities; every count rounded and small ones suppressed.
    'indicators.read': { own: { locality: 'locality' }, audiences: ['csp'] },
    'report.public': {},
  },
  panel_coordinator: {
    'cohort.read': { own: { panel: 'panel' } },
    // Only the records the coordinator's own organisation supplied: the route asks with partner = that organisation.
    'cohort.reidentify': { own: { panel: 'panel', partner: 'organisation' } },
    // Meetings, the list with statuses, decisions and the monitoring return: their own panel's only.
    'panel.read': { own: { panel: 'panel' } },
    'panel.write': { own: { panel: 'panel' } },
    'panel.monitor': { own: { panel: 'panel' } },
  },
  performance_lead: {
    'measures.read': {},
    // Every panel's monitoring counts, disclosure-controlled; never a list of children.
    'panel.monitor': {},
    'programme.read': { audiences: ['csp'] },
    'indicators.read': {},
    'report.public': {},
  },
  // A programme's manager: that programme's monitoring and outcomes only, disclosure-controlled.
  programme_lead: {
    'programme.read': { own: { programme: 'programme' }, audiences: ['csp'] },
  },
  admin: {
    'audit.read': {},
  },
});

/** A signed-in user, whatever signed them in (a local token or Cognito). */
export const User = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  role: z.enum(roles),
  organisation: z.string().optional(),
  locality: z.string().optional(),
  panel: z.string().optional(),
  /** A programme lead's programme (an id of the deployment's programmes.json). */
  programme: z.string().optional(),
});
export type User = z.infer<typeof User>;

/** Why a coordinator reveals references: a fixed list, so the audit trail never holds free text about a child. */
export const reidentificationReasons = {
  panel_referral: 'Referral to the Prevention Panel',
  safeguarding: 'Safeguarding concern needing action by our organisation',
  record_check: 'Checking our own record before a panel meeting',
} as const;
export type ReidentificationReason = keyof typeof reidentificationReasons;
