import type { DatasetInput } from '../dataset.ts';
import { t } from './columns.ts';

export const aeAttendance: DatasetInput = {
  id: 'ae_attendance',
  title: 'Violence-related A&E attendances',
  description: 'One row per violence-related emergency department attendance (ISTV and ECDS). '
    + 'The ISTV free-text location description is not accepted: it often holds personal details.',
  kind: 'event',
  eventDate: 'arrival_at',
  uniqueId: 'attendance_id',
  persons: { patient: { storePrefix: '', description: 'The patient' } },
  columns: [
    { name: 'attendance_id', type: t.text(60), required: true, reference: { namespace: 'ae_attendance', key: 'record_key' } },
    { name: 'arrival_at', type: t.datetime(), required: true },
    { name: 'incident_date', type: t.date(), description: 'Date of the assault' },
    { name: 'incident_time', type: t.time() },
    { name: 'incident_location_type', type: t.enum('incident_location_type') },
    { name: 'incident_postcode', type: t.postcode(), description: 'Where the assault happened',
      location: { sector: 'incident_sector', locality: 'incident_locality' } },
    { name: 'means_of_assault', type: t.enum('means_of_assault'), required: true },
    { name: 'nhs_number', type: t.nhsNumber(), person: 'patient', identity: 'nhs_number' },
    { name: 'forename', type: t.text(), person: 'patient', identity: 'forename' },
    { name: 'surname', type: t.text(), person: 'patient', identity: 'surname' },
    { name: 'date_of_birth', type: t.date(), person: 'patient', identity: 'date_of_birth' },
    { name: 'age', type: t.age(), person: 'patient', personAge: true, description: 'Where no date of birth' },
    { name: 'sex', type: t.enum('sex') },
    { name: 'home_postcode', type: t.postcode(), person: 'patient', identity: 'home_postcode' },
  ],
  rules: [{ rule: 'not_after', column: 'incident_date', other: 'arrival_at' }],
};
