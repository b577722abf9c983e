import type { DatasetInput } from '../dataset.ts';
import { t } from './columns.ts';

export const policePerson: DatasetInput = {
  id: 'police_person',
  title: 'People involved in crimes',
  description: 'One row per person involved in a recorded crime (victim, suspect or offender). A snapshot.',
  kind: 'snapshot',
  eventDate: null,
  uniqueId: null,
  persons: { subject: { storePrefix: '', ageAt: null, description: 'The person involved' } },
  columns: [
    { name: 'crime_ref', type: t.text(60), required: true, description: 'The crime in police_crime',
      reference: { namespace: 'police_crime', key: 'crime_key' } },
    { name: 'role', type: t.enum('person_role'), required: true },
    { name: 'police_person_id', type: t.text(60), person: 'subject', identity: 'local_person_id', description: "The force's nominal id" },
    { name: 'forename', type: t.text(), person: 'subject', identity: 'forename' },
    { name: 'surname', type: t.text(), person: 'subject', identity: 'surname' },
    { name: 'date_of_birth', type: t.date(), person: 'subject', identity: 'date_of_birth' },
    { name: 'sex', type: t.enum('sex') },
    { name: 'home_postcode', type: t.postcode(), person: 'subject', identity: 'home_postcode' },
    { name: 'outcome', type: t.enum('outcome') },
  ],
};
