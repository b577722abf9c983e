import { z } from 'zod';

/**
 * An area served by one deployment: its localities (Community Safety Partnerships), populations, panels and the
 * lookups that place a postcode sector or LSOA in a locality. Another VRU deploys with its own area.
 */
export const Area = z.object({
  id: z.string(),
  name: z.string(),
  populationSource: z.string(),
  /** Where the figures come from and what is approximate, for a reader of the bundle. */
  notes: z.array(z.string()).default([]),
  localities: z.array(z.object({
    slug: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string(),
    onsCode: z.string(),
    population: z.number().int().positive(),
    panel: z.string(),
  })).min(1),
  panels: z.array(z.object({ id: z.string(), name: z.string(), runBy: z.string() })).min(1),
  /** Postcode districts that lie wholly or almost wholly in one locality. */
  districts: z.record(z.string(), z.string()),
  /** Postcode sectors of split districts ("LE2 4" → locality). */
  sectors: z.record(z.string(), z.string()),
  /** LSOA code → locality; used before the postcode where configured. */
  lsoas: z.record(z.string(), z.string()).default({}),
}).superRefine((area, ctx) => {
  const slugs = new Set(area.localities.map((l) => l.slug));
  const panels = new Set(area.panels.map((p) => p.id));
  for (const l of area.localities) {
    if (!panels.has(l.panel)) ctx.addIssue({ code: 'custom', message: `locality ${l.slug}: unknown panel ${l.panel}` });
  }
  for (const [table, lookup] of [['districts', area.districts], ['sectors', area.sectors], ['lsoas', area.lsoas]] as const) {
    for (const [key, slug] of Object.entries(lookup)) {
      if (!slugs.has(slug)) ctx.addIssue({ code: 'custom', message: `${table}.${key}: unknown locality ${slug}` });
    }
  }
});
export type Area = z.infer<typeof Area>;
export type Locality = Area['localities'][number];

/** The label under which records with no resolvable locality are counted (never dropped). */
export const UNKNOWN_LOCALITY = 'unknown';
