import type { DatasetInput } from '../dataset.ts';
import { t } from './columns.ts';

export const schoolExclusion: DatasetInput = {
  id: 'school_exclusion',
  title: 'School suspensions and permanent exclusions',
  description: 'One row per suspension or permanent exclusion (England school census reasons).',
  kind: 'event',
  eventDate: 'start_date',
  uniqueId: 'exclusion_id',
  persons: { pupil: { storePrefix: '', description: 'The pupil' } },
  columns: [
    { name: 'exclusion_id', type: t.text(60), required: true, reference: { namespace: 'school_exclusion', key: 'record_key' } },
    { name: 'upn', type: t.upn(), person: 'pupil', identity: 'upn', description: 'Unique pupil number' },
    { name: 'forename', type: t.text(), person: 'pupil', identity: 'forename' },
    { name: 'surname', type: t.text(), person: 'pupil', identity: 'surname' },
    { name: 'date_of_birth', type: t.date(), person: 'pupil', identity: 'date_of_birth' },
    { name: 'sex', type: t.enum('sex') },
    { name: 'home_postcode', type: t.postcode(), person: 'pupil', identity: 'home_postcode' },
    { name: 'school_urn', type: t.text(12) },
    { name: 'category', type: t.enum('exclusion_category'), required: true },
    { name: 'reason_code', type: t.enum('exclusion_reason'), required: true },
    { name: 'start_date', type: t.date(), required: true },
    { name: 'sessions', type: t.number(0, 400), description: 'Half-day sessions (suspensions)' },
  ],
};
