import { z } from 'zod';

/**
 * The programmes a VRU commissions or delivers, as data: each deployment's are in schemas/deployments/<name>/programmes.json.
 * Panel decisions refer children to them, delivery extracts report on them, and the programme reports read them.
 */
export const referralRoutes = ['custody', 'emergency_department', 'school', 'police', 'social_care', 'panel', 'self', 'other'] as const;
export const ReferralRoute = z.enum(referralRoutes);
/** Why a participant left (programme_delivery's exit_reason). */
export const exitReasons = ['completed', 'good_progress', 'disengaged', 'moved_away', 'entered_custody', 'other'] as const;

export const Programme = z.object({
  /** Lower-case id, as delivery extracts and panel decisions carry it (`vip`, `phoenix`). */
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: z.string().min(1),
  /** What the programme is, in a sentence a reader of a report understands. */
  description: z.string().min(1),
  /** The partner of the agreement that delivers it (a commissioned provider is a partner too). */
  deliveredBy: z.string().min(1),
  /** Strands of one programme (VIP in custody and in the emergency department), by id. */
  strands: z.array(z.object({ id: z.string().regex(/^[a-z][a-z0-9_]*$/), name: z.string().min(1) })).default([]),
  ageFrom: z.number().int().min(0),
  ageTo: z.number().int().min(0),
  referralRoutes: z.array(ReferralRoute).min(1),
  /** An optional pre/post measure the provider records (the SDQ total), with its range and which way is better. */
  measure: z.object({ id: z.string().min(1), name: z.string().min(1), min: z.number(), max: z.number(), better: z.enum(['higher', 'lower']) }).optional(),
}).refine((p) => p.ageFrom <= p.ageTo, { message: 'ageFrom is after ageTo' });
export type Programme = z.infer<typeof Programme>;

export const Programmes = z.array(Programme).min(1).superRefine((list, ctx) => {
  const ids = list.map((p) => p.id);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) ctx.addIssue({ code: 'custom', message: `programme ${id} is listed twice` });
});
