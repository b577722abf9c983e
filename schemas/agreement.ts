import { z } from 'zod';
import { datasets } from './datasets/index.ts';

/**
 * The information-sharing agreement, as data: who shares what, the roles, and the thresholds it sets. Each deployment
 * has its own (schemas/deployments/<name>/agreement.json); `roles` describes each role of schemas/access.ts.
 */
export const Agreement = z.object({
  version: z.string(),
  partners: z.array(z.object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string(),
    datasets: z.array(z.string()).min(1),
    /** Header aliases per dataset: the partner's column name (any case) → the schema column. */
    aliases: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  })).min(1),
  roles: z.record(z.string(), z.string()),
  ingest: z.object({
    /** An extract with a larger share of rejected rows is rejected whole. */
    maxRejectedShare: z.number().min(0).max(1),
  }),
  disclosure: z.object({
    /** Counts from 1 up to this are suppressed for audiences that see disclosure-controlled figures. */
    defaultMaxSuppressed: z.number().int().nonnegative(),
    maxSuppressedByDataset: z.record(z.string(), z.number().int().nonnegative()),
    /**
     * 'none': small counts suppressed, with secondary suppression so that none can be worked out from a total.
     * 'nearest5' (OpenSAFELY's rule): every count the audience sees rounded to the nearest 5, each total rounded
     * on its own; small counts still suppressed; rates, shares and changes computed from the rounded counts.
     * The CSP audience's products (the profiles, the measures, the indicators and their maps) are always rounded,
     * as one regime, whatever this says (analytics/disclosure.ts); it applies to the other controlled products.
     */
    rounding: z.enum(['none', 'nearest5']).default('none'),
  }),
  retention: z.object({ rawHours: z.number().positive(), curatedYears: z.number().positive() }),
}).superRefine((agreement, ctx) => {
  for (const partner of agreement.partners) {
    for (const id of [...partner.datasets, ...Object.keys(partner.aliases)]) {
      if (!datasets[id]) ctx.addIssue({ code: 'custom', message: `partner ${partner.id}: unknown dataset ${id}` });
    }
    for (const [id, aliases] of Object.entries(partner.aliases)) {
      const names = new Set(datasets[id]?.columns.map((c) => c.name));
      for (const [alias, column] of Object.entries(aliases)) {
        if (!names.has(column)) ctx.addIssue({ code: 'custom', message: `partner ${partner.id}: alias ${alias} → unknown column ${id}.${column}` });
      }
    }
  }
});
export type Agreement = z.infer<typeof Agreement>;
export type Partner = Agreement['partners'][number];
