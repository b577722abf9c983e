import { z } from 'zod';

/** The Prevention Panel rules as configuration: each deployment's are in schemas/deployments/<name>/cohort.json. */
export const CohortRules = z.object({
  ageFrom: z.number().int(),
  ageTo: z.number().int(),
  windowMonths: z.number().int().positive(),
  /** M1: suspect or offender in at least this many distinct crimes in the window. */
  m1MinCrimes: z.number().int().positive(),
  /** M2: perpetrator in at least this many ASB incidents in the window. */
  m2MinAsb: z.number().int().positive(),
  suspectRoles: z.array(z.string()),
  /** Open episodes of these services on the as-of date exclude the child (already supported). */
  excludingServices: z.array(z.string()),
  /** D5: open episodes of these services are shown as a factor, not excluded. */
  earlyHelpServices: z.array(z.string()),
  /** D4: at least this many suspensions for any reason in the window. */
  d4MinSuspensions: z.number().int().positive(),
  weights: z.record(z.enum(['M1', 'M2', 'D1', 'D2', 'D3', 'D4', 'D5']), z.number()),
});
export type CohortRules = z.infer<typeof CohortRules>;
