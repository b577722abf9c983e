import type { DatasetInput } from '../dataset.ts';
import { t } from './columns.ts';

/** The kinds of onward referral a provider counts per participant, one column each (`onward_<kind>`). */
export const onwardReferralKinds = ['education_training_employment', 'mental_health', 'substance_misuse', 'housing', 'family_support', 'positive_activities', 'other'] as const;

/**
 * programme_delivery: one row per referral to a programme of the deployment's catalogue (schemas/programmes.ts),
 * uploaded by the partner that delivers it (a commissioned voluntary-sector provider is a partner of the agreement).
 *
 * A dataset of its own rather than more columns on support_episode: support_episode is the councils' snapshot of
 * statutory episodes (youth justice, social care, early help), where referral routes, sessions, exit reasons and
 * pre/post scores mean nothing; delivery is a provider's caseload, including people referred who never started,
 * and a provider that shares only this must not be let to upload the councils' episodes. The person is encoded as
 * in every other dataset, so participants link to their police, ASB, health and school records.
 */
export const programmeDelivery: DatasetInput = {
  id: 'programme_delivery',
  title: 'Programme delivery',
  description: 'One row per referral to a programme: referral, start, sessions, exit, onward referrals, pre/post scores. A snapshot: the latest extract replaces the provider\'s earlier ones.',
  kind: 'snapshot',
  eventDate: null,
  uniqueId: 'referral_id',
  persons: { subject: { storePrefix: '', ageAt: 'referral_date', description: 'The person referred' } },
  columns: [
    { name: 'referral_id', type: t.text(60), required: true, reference: { namespace: 'programme_delivery', key: 'record_key' } },
    { name: 'programme', type: t.text(60), required: true, description: 'A programme id of the deployment\'s catalogue (programmes.json: vip, phoenix, reach, …)' },
    { name: 'strand', type: t.text(60), description: 'A strand of the programme where it has them (vip: custody, emergency_department)' },
    { name: 'nhs_number', type: t.nhsNumber(), person: 'subject', identity: 'nhs_number' },
    { name: 'upn', type: t.upn(), person: 'subject', identity: 'upn' },
    { name: 'forename', type: t.text(), person: 'subject', identity: 'forename' },
    { name: 'surname', type: t.text(), person: 'subject', identity: 'surname' },
    { name: 'date_of_birth', type: t.date(), person: 'subject', identity: 'date_of_birth' },
    { name: 'sex', type: t.enum('sex') },
    { name: 'home_postcode', type: t.postcode(), person: 'subject', identity: 'home_postcode' },
    { name: 'referral_date', type: t.date(), required: true },
    { name: 'referral_source', type: t.enum('referral_source'), required: true },
    { name: 'start_date', type: t.date(), description: 'First session attended; empty means referred but not (yet) started' },
    { name: 'end_date', type: t.date(), description: 'Empty means still open' },
    { name: 'exit_reason', type: t.enum('exit_reason'), description: 'Why the person left the programme (with end_date)' },
    { name: 'sessions_offered', type: { kind: 'int', min: 0, max: 1000 } },
    { name: 'sessions_attended', type: { kind: 'int', min: 0, max: 1000 } },
    ...onwardReferralKinds.map((kind) => ({ name: `onward_${kind}`, type: { kind: 'int' as const, min: 0, max: 50 }, description: `Onward referrals made: ${kind.replaceAll('_', ' ')}` })),
    { name: 'pre_score', type: t.number(-1000, 1000), description: 'The programme\'s measure (programmes.json `measure`, e.g. the SDQ total) before' },
    { name: 'post_score', type: t.number(-1000, 1000), description: 'The same measure after' },
  ],
  rules: [
    { rule: 'not_after', column: 'referral_date', other: 'start_date' },
    { rule: 'not_after', column: 'start_date', other: 'end_date' },
  ],
};
