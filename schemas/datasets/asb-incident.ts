import type { DatasetInput } from '../dataset.ts';
import { t } from './columns.ts';

export const asbIncident: DatasetInput = {
  id: 'asb_incident',
  title: 'Anti-social behaviour incidents',
  description: 'One row per anti-social behaviour incident or case.',
  kind: 'event',
  eventDate: 'reported_at',
  uniqueId: 'incident_ref',
  persons: { perpetrator: { storePrefix: 'perpetrator_', description: 'The perpetrator, where known' } },
  columns: [
    { name: 'incident_ref', type: t.text(60), required: true, reference: { namespace: 'asb_incident', key: 'record_key' } },
    { name: 'source', type: t.enum('asb_source'), required: true },
    { name: 'reported_at', type: t.datetime(), required: true },
    { name: 'pen_category', type: t.enum('pen_category'), required: true },
    { name: 'postcode', type: t.postcode(), description: 'Incident location',
      location: { sector: 'sector', locality: 'locality', lsoa: 'lsoa_code' } },
    { name: 'lsoa_code', type: t.lsoa() },
    { name: 'perpetrator_person_id', type: t.text(60), person: 'perpetrator', identity: 'local_person_id' },
    { name: 'perpetrator_forename', type: t.text(), person: 'perpetrator', identity: 'forename' },
    { name: 'perpetrator_surname', type: t.text(), person: 'perpetrator', identity: 'surname' },
    { name: 'perpetrator_date_of_birth', type: t.date(), person: 'perpetrator', identity: 'date_of_birth' },
    { name: 'perpetrator_sex', type: t.enum('sex') },
    { name: 'perpetrator_home_postcode', type: t.postcode(), person: 'perpetrator', identity: 'home_postcode' },
  ],
};
