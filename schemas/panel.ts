import { z } from 'zod';

/**
 * The Prevention Panel's meetings and decisions, as data: fixed vocabularies only, so nothing a coordinator records
 * is free text about a child. Members are named by the linking run's pseudonymous person ids alone.
 */
export const decisions = {
  refer_programme: 'Refer to a programme of the catalogue',
  refer_service: 'Refer to another service',
  monitor: 'Monitor: bring back to the next meeting',
  no_action: 'No action',
  already_supported: 'Already supported',
} as const;
export type DecisionCode = keyof typeof decisions;

/** Services outside the catalogue a panel refers to. */
export const otherServices = {
  early_help: 'Early help',
  childrens_social_care: "Children's social care",
  youth_justice: 'Youth justice service',
  camhs: 'Child and adolescent mental health services',
  school_inclusion: 'School inclusion team',
  youth_service: 'Youth service',
  substance_misuse: 'Young people’s substance misuse service',
} as const;

export const consents = { given: 'Consent given', refused: 'Consent refused', not_sought: 'Consent not sought yet' } as const;
export const outcomes = { engaged: 'Engaged', declined: 'Declined', completed: 'Completed', not_completed: 'Not completed' } as const;

/** A member of a meeting's list, against the meeting before. */
export const statuses = { new: 'New since the last meeting', still_eligible: 'Still eligible', no_longer_eligible: 'No longer eligible' } as const;
export type Status = keyof typeof statuses;
/** Why a member of the last meeting's list is not on this one. */
export const leavingReasons = ['other_panel', 'aged_out', 'criteria_lapsed'] as const;
export type LeavingReason = (typeof leavingReasons)[number];

const keys = <T extends Record<string, string>>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
export const PersonId = z.string().regex(/^P-[A-Za-z0-9_-]{4,76}$/, 'must be a pseudonymous person id from the list (P-…)');

/**
 * What a coordinator records for a member at a meeting: the whole state as of that meeting (the form starts from the
 * last one). Strict: a field not listed here (a note, a name) is refused, not dropped.
 */
export const DecisionInput = z.strictObject({
  meeting: isoDate,
  decision: z.enum(keys(decisions)),
  /** refer_programme: the programme's id in the deployment's catalogue (checked against it). */
  programme: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a programme id of the catalogue').optional(),
  /** refer_service: one of otherServices. */
  service: z.enum(keys(otherServices)).optional(),
  consent: z.enum(keys(consents)).optional(),
  /** The day the support offered starts (a referral only). */
  support_start: isoDate.optional(),
  /** At follow-up (a referral only). */
  outcome: z.enum(keys(outcomes)).optional(),
}).superRefine((d, ctx) => {
  const refer = d.decision === 'refer_programme' || d.decision === 'refer_service';
  if (d.decision === 'refer_programme' && !d.programme) ctx.addIssue({ code: 'custom', path: ['programme'], message: 'a referral to a programme names the programme' });
  if (d.decision !== 'refer_programme' && d.programme) ctx.addIssue({ code: 'custom', path: ['programme'], message: 'only a referral to a programme names one' });
  if (d.decision === 'refer_service' && !d.service) ctx.addIssue({ code: 'custom', path: ['service'], message: 'a referral to another service names the service' });
  if (d.decision !== 'refer_service' && d.service) ctx.addIssue({ code: 'custom', path: ['service'], message: 'only a referral to another service names one' });
  for (const field of ['consent', 'support_start', 'outcome'] as const) {
    if (!refer && d[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is recorded for a referral only` });
  }
});
export type DecisionInput = z.infer<typeof DecisionInput>;

/** A decision as stored: the input, who recorded it and when. */
export interface DecisionEntry extends DecisionInput { person_id: string; by: string; at: string }
