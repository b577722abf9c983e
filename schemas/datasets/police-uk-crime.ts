import type { DatasetInput } from '../dataset.ts';
import { t } from './columns.ts';

/**
 * police.uk street-level crime, the forces' monthly open data (data.police.uk), loaded as published: the
 * comparators of the performance framework (each force's counts). No personal data: locations are snapped to
 * anonymous map points, and the crime id is the force's open-data hash, not its crime reference.
 */
export const policeUkCrime: DatasetInput = {
  id: 'police_uk_crime',
  title: 'police.uk street-level crime (open data)',
  description: 'One row per crime or ASB incident as a force publishes it on police.uk; headers as published.',
  kind: 'event',
  eventDate: 'month',
  uniqueId: null,
  persons: {},
  columns: [
    { name: 'crime_id', type: t.text(64), description: 'The open-data id (empty for anti-social behaviour)' },
    { name: 'month', type: t.month(), required: true },
    { name: 'reported_by', type: t.text(80), required: true, description: 'The force that recorded it' },
    { name: 'falls_within', type: t.text(80), required: true, description: 'The force area it falls within' },
    { name: 'longitude', type: t.number(-180, 180) },
    { name: 'latitude', type: t.number(-90, 90) },
    { name: 'location', type: t.text(120), description: 'An anonymised map point ("On or near …")' },
    { name: 'lsoa_code', type: t.lsoa() },
    { name: 'lsoa_name', type: t.text(80) },
    { name: 'crime_type', type: t.enum('police_uk_crime_type'), required: true },
    { name: 'last_outcome_category', type: t.text(120) },
    { name: 'context', type: t.text(500) },
  ],
  rules: [],
};
