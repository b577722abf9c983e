import { z } from 'zod';
import { agreement as llrAgreement, type Agreement } from './agreement.ts';
import { llr, type Area } from './area/index.ts';

/**
 * Who may do what, as data. Each role lists the actions it may take and, per action, the conditions a request's
 * scope must meet: `own` ties a scope field to one of the user's attributes (an uploader's partner is their own
 * organisation), `datasetOfOrganisation` limits uploads to the datasets the agreement lets that organisation
 * share, and `audiences` limits which figures (disclosure-controlled or not) the role may see.
 * `authorise()` in functions/api/authorise.ts is the one place that reads it.
 */
export const actions = [
  'upload.create', 'upload.read',
  'measures.read', 'profile.read', 'cohort.read', 'cohort.reidentify', 'deep-dive.read',
  'query.run', 'linkage.review', 'audit.read',
] as const;
export type Action = (typeof actions)[number];

export const roles = ['partner_uploader', 'analyst', 'csp_officer', 'panel_coordinator', 'performance_lead', 'admin'] as const;
export type Role = (typeof roles)[number];

/** The user's attribute a scope field must equal. */
const UserAttribute = z.enum(['organisation', 'locality', 'panel']);
const Rule = z.object({
  own: z.partialRecord(z.enum(['partner', 'locality', 'panel']), UserAttribute).default({}),
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
    'cohort.read': {},
    'deep-dive.read': {},
    'query.run': {},
    'linkage.review': {},
  },
  csp_officer: {
    'measures.read': { audiences: ['csp'] },
    'profile.read': { own: { locality: 'locality' }, audiences: ['csp'] },
  },
  panel_coordinator: {
    'cohort.read': { own: { panel: 'panel' } },
    // Only the records the coordinator's own organisation supplied: the route asks with partner = that organisation.
    'cohort.reidentify': { own: { panel: 'panel', partner: 'organisation' } },
  },
  performance_lead: {
    'measures.read': {},
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
});
export type User = z.infer<typeof User>;

/** A user's scope attributes must name things the agreement and area know, and each role needs its own. */
export function checkUser(user: User, agreement: Agreement, area: Area): string[] {
  const problems: string[] = [];
  if (user.organisation && !agreement.partners.some((p) => p.id === user.organisation)) problems.push(`unknown organisation ${user.organisation}`);
  if (user.locality && !area.localities.some((l) => l.slug === user.locality)) problems.push(`unknown locality ${user.locality}`);
  if (user.panel && !area.panels.some((p) => p.id === user.panel)) problems.push(`unknown panel ${user.panel}`);
  const needs: Partial<Record<Role, (keyof User)[]>> = {
    partner_uploader: ['organisation'], csp_officer: ['locality'], panel_coordinator: ['panel', 'organisation'],
  };
  for (const attribute of needs[user.role] ?? []) if (!user[attribute]) problems.push(`a ${user.role} needs a ${attribute}`);
  return problems.map((p) => `user ${user.id}: ${p}`);
}

/** The local users (sample configuration): `vrn token --user ID` and the portal's sign-in list them. */
export const localUsers: (User & { name: string })[] = z.array(User.extend({ name: z.string() })).parse([
  { id: 'police-uploader', name: 'Leicestershire Police data officer', role: 'partner_uploader', organisation: 'leicestershire-police' },
  { id: 'city-education-uploader', name: 'Leicester City Council education data officer', role: 'partner_uploader', organisation: 'leicester-city-council' },
  { id: 'vrn-analyst', name: 'VRN analyst', role: 'analyst', organisation: 'vrn' },
  { id: 'charnwood-csp', name: 'Charnwood Community Safety Partnership officer', role: 'csp_officer', locality: 'charnwood' },
  { id: 'city-panel', name: 'Leicester City Prevention Panel coordinator', role: 'panel_coordinator', panel: 'city', organisation: 'leicester-city-council' },
  { id: 'county-panel', name: 'Leicestershire County Prevention Panel coordinator', role: 'panel_coordinator', panel: 'county', organisation: 'leicestershire-county-council' },
  { id: 'performance-lead', name: 'VRN performance lead', role: 'performance_lead', organisation: 'vrn' },
  { id: 'admin', name: 'Platform admin', role: 'admin' },
]);
for (const user of localUsers) {
  const problems = checkUser(user, llrAgreement, llr);
  if (problems.length) throw new Error(problems.join('; '));
}

/** Why a coordinator reveals references: a fixed list, so the audit trail never holds free text about a child. */
export const reidentificationReasons = {
  panel_referral: 'Referral to the Prevention Panel',
  safeguarding: 'Safeguarding concern needing action by our organisation',
  record_check: 'Checking our own record before a panel meeting',
} as const;
export type ReidentificationReason = keyof typeof reidentificationReasons;
