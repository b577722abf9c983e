import type { DatasetInput } from '../dataset.ts';
import { t } from './columns.ts';

export const supportEpisode: DatasetInput = {
  id: 'support_episode',
  title: 'Support and intervention episodes',
  description: 'One row per episode of support or intervention. A snapshot: the latest extract replaces the partner\'s earlier ones.',
  kind: 'snapshot',
  eventDate: null,
  uniqueId: 'episode_id',
  persons: { subject: { storePrefix: '', ageAt: 'start_date', description: 'The person supported' } },
  columns: [
    { name: 'episode_id', type: t.text(60), required: true, reference: { namespace: 'support_episode', key: 'record_key' } },
    { name: 'service', type: t.enum('support_service'), required: true },
    { name: 'programme', type: t.text(60), description: 'e.g. vip, phoenix, reach' },
    { name: 'la_person_id', type: t.text(60), person: 'subject', identity: 'local_person_id' },
    { name: 'upn', type: t.upn(), person: 'subject', identity: 'upn' },
    { name: 'nhs_number', type: t.nhsNumber(), person: 'subject', identity: 'nhs_number' },
    { name: 'forename', type: t.text(), person: 'subject', identity: 'forename' },
    { name: 'surname', type: t.text(), person: 'subject', identity: 'surname' },
    { name: 'date_of_birth', type: t.date(), person: 'subject', identity: 'date_of_birth' },
    { name: 'sex', type: t.enum('sex') },
    { name: 'home_postcode', type: t.postcode(), person: 'subject', identity: 'home_postcode' },
    { name: 'start_date', type: t.date(), required: true },
    { name: 'end_date', type: t.date(), description: 'Empty means still open' },
  ],
  rules: [{ rule: 'not_after', column: 'start_date', other: 'end_date' }],
};
