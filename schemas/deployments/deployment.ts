import { z } from 'zod';
import { roles, User } from '../access.ts';
import { Agreement } from '../agreement.ts';
import { Area } from '../area/area.ts';
import { CohortRules } from '../cohort.ts';
import { datasets } from '../datasets/index.ts';
import { Programmes } from '../programmes.ts';

/**
 * A deployment bundle: everything that makes the service one VRU's rather than another's, as one value. Its parts
 * are plain data in schemas/deployments/<name>/ (area, agreement, cohort rules, display names, local users,
 * boundaries, hints for the synthetic sample); `loadDeployment` parses each part and cross-checks them once.
 */

/** The names the service shows: renderers, the portal, the OpenAPI document, exports. */
export const DisplayNames = z.object({
  /** The VRU's full name, as a report's footer gives it. */
  vru: z.string().min(1),
  /** Its short name (a page title, a sheet's header). */
  vruShort: z.string().min(1),
  /** The whole area in a column or a chart label ("LLR per 1,000"). */
  areaShort: z.string().min(1),
  portalTitle: z.string().min(1),
  api: z.object({ title: z.string().min(1), description: z.string().min(1) }),
});
export type DisplayNames = z.infer<typeof DisplayNames>;

export const LocalUser = User.extend({ name: z.string().min(1) });
export type LocalUser = z.infer<typeof LocalUser>;

const LsoaCode = z.string().regex(/^[EW]0\d{7}$/);
/** Each locality's LSOAs (its polygons are boundaries/<ONS code>.geo.json) and what every map drawn from them must say. */
export const Boundaries = z.object({
  /** "LSOA 2011": the geography the polygons and the lookup are in. */
  geography: z.string().min(1),
  /** The credit every map carries (licence terms of the source), in the bundle's words. */
  attribution: z.string().min(1),
  /** Each locality's ONS code → the LSOAs its polygons file holds (the LSOA → locality lookup is built from it). */
  lsoas: z.record(z.string(), z.array(LsoaCode).min(1)),
});
export type Boundaries = z.infer<typeof Boundaries>;

/** A ring of a polygon: [longitude, latitude] pairs (WGS 84), the first repeated last. */
export type Ring = [number, number][];
/**
 * One locality's LSOA polygons as GeoJSON (boundaries/<ONS code>.geo.json): a feature per LSOA, its code and name.
 * Rings are checked, not each point: the files are large (tests/deployments checks them).
 */
export const LsoaPolygons = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({
    type: z.literal('Feature'),
    properties: z.object({ lsoa: LsoaCode, name: z.string().min(1) }),
    geometry: z.discriminatedUnion('type', [
      z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.unknown()).min(4)).min(1) }),
      z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(z.unknown()).min(4)).min(1)).min(1) }),
    ]),
  })).min(1),
});
export type LsoaPolygons = z.infer<typeof LsoaPolygons>;

/** What the synthetic sample needs beyond the area and the agreement: whose files are whose, and local habits. */
export const SampleHints = z.object({
  partners: z.object({ police: z.string(), emergencyDepartment: z.string(), admissions: z.string(), team: z.string() }),
  /** The councils in the order their files are written (the first writes Windows-1252, the last support as XLSX). */
  councils: z.array(z.object({
    partner: z.string(),
    localities: z.array(z.string()).min(1),
    /** The DfE local-authority number a UPN carries. */
    laCode: z.string().regex(/^\d{3}$/),
    /** The prefix of the council's own references (person ids, case numbers). */
    prefix: z.string().regex(/^[A-Z]{2,5}$/),
    schools: z.number().int().positive().default(18),
  })).min(1),
  /** Recorded crime per head relative to the area's average, by locality (1 where not given). */
  ratePerHead: z.record(z.string(), z.number().positive()).default({}),
  /** Localities whose residents' names follow the city's mix rather than the county's. */
  cityLocalities: z.array(z.string()).default([]),
  /** Postcode districts just outside the area, for records of people who live elsewhere. */
  outOfArea: z.array(z.string().regex(/^[A-Z]{1,2}\d{1,2}$/)).min(1),
  /** Share of location postcodes the police geocode to an LSOA, which their records then carry (by the postcode). */
  lsoaShare: z.number().min(0).max(1).default(0),
  /** Where the team's referrals come from (free text in its support extract). */
  referralSources: z.array(z.string().min(1)).min(1).default([
    'Custody suite', 'ED navigator', 'School, via the DSL', 'Youth worker', 'Police, neighbourhood team', 'Self-referral',
    'Parent, by phone', 'Youth justice team', 'Probation',
  ]),
  /** The planted cases' localities per panel, in the order of the cases (default: the panel's localities in turn). */
  plantedLocalities: z.record(z.string(), z.array(z.string()).min(1)).default({}),
});
export type SampleHints = z.infer<typeof SampleHints>;

export const Deployment = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  names: DisplayNames,
  area: Area,
  agreement: Agreement,
  cohort: CohortRules,
  /** The programmes the VRU commissions or delivers (schemas/programmes.ts). */
  programmes: Programmes,
  users: z.array(LocalUser),
  boundaries: Boundaries,
  /** Each locality's LSOA polygons, by ONS code (the maps' geometry). */
  geometry: z.record(z.string(), LsoaPolygons),
  sample: SampleHints,
});
export type Deployment = z.infer<typeof Deployment>;

/** A bundle's parts as its files hold them, before parsing. */
export type DeploymentFiles = Record<keyof Deployment, unknown>;

/** An unknown or broken bundle: a broken one lists every problem found, each on its own line. */
export class DeploymentError extends Error {
  override name = 'DeploymentError';
  constructor(message: string, readonly problems: string[] = []) {
    super(message);
  }

  static invalid(deployment: string, problems: string[]): DeploymentError {
    return new DeploymentError(`deployment "${deployment}" is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, problems);
  }
}

/** The checks across parts, made once at load; each problem names the part and the thing. */
export function crossCheck(d: Deployment): string[] {
  const problems: string[] = [];
  const slugs = new Set(d.area.localities.map((l) => l.slug));
  const partners = new Map(d.agreement.partners.map((p) => [p.id, p]));
  const panels = new Set(d.area.panels.map((p) => p.id));

  // Roles: schemas/access.ts is the source (its policy says what each may do); the agreement describes each one.
  for (const role of roles) if (!(role in d.agreement.roles)) problems.push(`agreement: role ${role} (schemas/access.ts) is not described`);
  for (const role of Object.keys(d.agreement.roles)) {
    if (!(roles as readonly string[]).includes(role)) problems.push(`agreement: role ${role} is not a role of schemas/access.ts (${roles.join(', ')})`);
  }
  for (const id of Object.keys(d.agreement.disclosure.maxSuppressedByDataset)) {
    if (!datasets[id]) problems.push(`agreement: disclosure threshold for unknown dataset ${id}`);
  }

  for (const l of d.area.localities) {
    if (!d.boundaries.lsoas[l.onsCode]?.length) problems.push(`area: locality ${l.slug} (${l.onsCode}) has no boundaries (boundaries/${l.onsCode}.geo.json)`);
    const drawn = d.geometry[l.onsCode]?.features.map((f) => f.properties.lsoa).sort() ?? [];
    const listed = [...(d.boundaries.lsoas[l.onsCode] ?? [])].sort();
    if (listed.length && drawn.join() !== listed.join()) problems.push(`geometry: boundaries/${l.onsCode}.geo.json does not hold exactly the LSOAs boundaries.json lists for ${l.slug} (${drawn.length} polygons, ${listed.length} listed)`);
  }
  const codes = new Set(d.area.localities.map((l) => l.onsCode));
  for (const code of Object.keys(d.boundaries.lsoas)) if (!codes.has(code)) problems.push(`boundaries: ${code} is not a locality of the area`);
  const seen = new Map<string, string>();
  for (const [code, lsoas] of Object.entries(d.boundaries.lsoas)) {
    for (const lsoa of lsoas) {
      const other = seen.get(lsoa);
      if (other && other !== code) problems.push(`boundaries: LSOA ${lsoa} is in both ${other} and ${code}`);
      seen.set(lsoa, code);
    }
  }
  for (const panel of d.area.panels) {
    if (!d.area.localities.some((l) => l.panel === panel.id)) problems.push(`area: panel ${panel.id} has no localities`);
    if (!partners.has(panel.runBy)) problems.push(`area: panel ${panel.id} is run by ${panel.runBy}, not a partner of the agreement`);
  }

  for (const user of d.users) {
    if (user.organisation && !partners.has(user.organisation)) problems.push(`users: user ${user.id}: unknown organisation ${user.organisation}`);
    if (user.locality && !slugs.has(user.locality)) problems.push(`users: user ${user.id}: unknown locality ${user.locality}`);
    if (user.panel && !panels.has(user.panel)) problems.push(`users: user ${user.id}: unknown panel ${user.panel}`);
    if (user.programme && !d.programmes.some((p) => p.id === user.programme)) problems.push(`users: user ${user.id}: unknown programme ${user.programme}`);
    const needs: Partial<Record<User['role'], (keyof User)[]>> = {
      partner_uploader: ['organisation'], csp_officer: ['locality'], panel_coordinator: ['panel', 'organisation'], programme_lead: ['programme'],
    };
    for (const attribute of needs[user.role] ?? []) if (!user[attribute]) problems.push(`users: user ${user.id}: a ${user.role} needs a ${attribute}`);
  }
  for (const p of d.programmes) {
    const provider = partners.get(p.deliveredBy);
    if (!provider) problems.push(`programmes: programme ${p.id} is delivered by ${p.deliveredBy}, not a partner of the agreement`);
    else if (!provider.datasets.includes('programme_delivery')) problems.push(`programmes: programme ${p.id}: its provider ${p.deliveredBy} does not share programme_delivery`);
  }
  const ids = d.users.map((u) => u.id);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) problems.push(`users: user ${id} is listed twice`);

  const shares = (partner: string, dataset: string, what: string) => {
    const p = partners.get(partner);
    if (!p) problems.push(`sample: ${what} ${partner} is not a partner of the agreement`);
    else if (!p.datasets.includes(dataset)) problems.push(`sample: ${what} ${partner} does not share ${dataset}`);
  };
  shares(d.sample.partners.police, 'police_crime', 'police');
  shares(d.sample.partners.emergencyDepartment, 'ae_attendance', 'emergency department');
  shares(d.sample.partners.admissions, 'hospital_admission', 'admissions');
  shares(d.sample.partners.team, 'support_episode', 'team');
  const covered = new Map<string, string>();
  for (const council of d.sample.councils) {
    for (const dataset of ['school_exclusion', 'asb_incident', 'support_episode']) shares(council.partner, dataset, 'council');
    for (const slug of council.localities) {
      if (!slugs.has(slug)) problems.push(`sample: council ${council.partner}: unknown locality ${slug}`);
      if (covered.has(slug)) problems.push(`sample: locality ${slug} has two councils (${covered.get(slug)}, ${council.partner})`);
      covered.set(slug, council.partner);
    }
  }
  for (const slug of slugs) if (!covered.has(slug)) problems.push(`sample: locality ${slug} has no council`);
  for (const slug of [...Object.keys(d.sample.ratePerHead), ...d.sample.cityLocalities, ...Object.values(d.sample.plantedLocalities).flat()]) {
    if (!slugs.has(slug)) problems.push(`sample: unknown locality ${slug}`);
  }
  for (const panel of Object.keys(d.sample.plantedLocalities)) if (!panels.has(panel)) problems.push(`sample: unknown panel ${panel}`);
  return problems;
}

/** Each part parsed on its own (so an error names its file), then the LSOA lookup built from the boundaries. */
export function parseDeployment(name: string, files: DeploymentFiles): Deployment {
  const problems: string[] = [];
  const parts: Partial<Record<keyof Deployment, unknown>> = { name };
  const schemas = { names: DisplayNames, area: Area, agreement: Agreement, cohort: CohortRules, programmes: Programmes, users: z.array(LocalUser), boundaries: Boundaries, geometry: z.record(z.string(), LsoaPolygons), sample: SampleHints };
  for (const [part, schema] of Object.entries(schemas) as [keyof typeof schemas, z.ZodType][]) {
    const input = part === 'area' ? withLsoaLookup(files.area, files.boundaries) : files[part];
    const parsed = schema.safeParse(input);
    if (parsed.success) parts[part] = parsed.data;
    else for (const issue of parsed.error.issues) problems.push(`${part}: ${where(input, issue.path)}${issue.message}`);
  }
  if (problems.length) throw DeploymentError.invalid(name, problems);
  const deployment = Deployment.parse(parts);
  const crossProblems = crossCheck(deployment);
  if (crossProblems.length) throw DeploymentError.invalid(name, crossProblems);
  return deployment;
}

/** The area's LSOA → locality lookup: its own entries and every LSOA of each locality's boundaries. */
function withLsoaLookup(area: unknown, boundaries: unknown): unknown {
  const parsed = Boundaries.safeParse(boundaries);
  if (!parsed.success || typeof area !== 'object' || area === null) return area;
  const localities = (area as { localities?: { slug?: string; onsCode?: string }[] }).localities ?? [];
  const lookup: Record<string, string> = { ...((area as { lsoas?: Record<string, string> }).lsoas ?? {}) };
  for (const l of Array.isArray(localities) ? localities : []) {
    for (const lsoa of (l.onsCode && parsed.data.lsoas[l.onsCode]) || []) if (l.slug) lookup[lsoa] ??= l.slug;
  }
  return { ...area, lsoas: lookup };
}

/** A path as a reader finds it: `localities[3] (melton).population: `, naming the entry by its slug or id. */
function where(input: unknown, path: PropertyKey[]): string {
  if (!path.length) return '';
  let node: unknown = input;
  const parts: string[] = [];
  for (const key of path) {
    node = typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key === 'number') {
      if (!parts.length) parts.push('');
      const label = typeof node === 'object' && node !== null ? ((node as { slug?: unknown; id?: unknown }).slug ?? (node as { id?: unknown }).id) : undefined;
      parts[parts.length - 1] += `[${key}]${typeof label === 'string' ? ` (${label})` : ''}`;
    } else parts.push(String(key));
  }
  return `${parts.join('.')}: `;
}
