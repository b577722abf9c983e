import type { DatasetInput } from '../dataset.ts';
import { t } from './columns.ts';

export const policeCrime: DatasetInput = {
  id: 'police_crime',
  title: 'Police recorded crime',
  description: 'One row per recorded crime.',
  kind: 'event',
  eventDate: 'recorded_date',
  uniqueId: 'crime_ref',
  persons: { victim: { storePrefix: 'victim_', ageAt: 'offence_date', description: 'The victim, where there is one' } },
  columns: [
    { name: 'crime_ref', type: t.text(60), required: true, reference: { namespace: 'police_crime', key: 'record_key' } },
    { name: 'recorded_date', type: t.date(), required: true },
    { name: 'offence_date', type: t.date(), required: true, description: 'Start of the committed window' },
    { name: 'offence_time', type: t.time() },
    { name: 'offence_group', type: t.enum('offence_group') },
    { name: 'ho_offence_code', type: t.enum('ho_offence_code'), description: 'Home Office offence classification code' },
    { name: 'knife_flag', type: t.boolean(), required: true, description: 'Knife or sharp instrument used or threatened (ADR 160)' },
    { name: 'domestic_flag', type: t.boolean(), required: true },
    { name: 'location_type', type: t.enum('location_type') },
    { name: 'hate_flag', type: t.boolean(), description: 'Flagged as a hate crime (any strand), where the force records it' },
    { name: 'racially_religiously_aggravated', type: t.boolean(), description: 'A racially or religiously aggravated offence' },
    { name: 'burglary_type', type: t.enum('burglary_type'), description: 'Burglaries: residential, or business and community' },
    { name: 'postcode', type: t.postcode(), description: 'Offence location, full or sector',
      location: { sector: 'sector', locality: 'locality', lsoa: 'lsoa_code' } },
    { name: 'lsoa_code', type: t.lsoa() },
    { name: 'victim_age', type: t.age(), person: 'victim', personAge: true },
    { name: 'victim_date_of_birth', type: t.date(), person: 'victim', identity: 'date_of_birth' },
    { name: 'victim_sex', type: t.enum('sex') },
  ],
  rules: [
    { rule: 'not_after', column: 'offence_date', other: 'recorded_date' },
    { rule: 'one_of', columns: ['offence_group', 'ho_offence_code'] },
    { rule: 'maps_to', column: 'ho_offence_code', map: 'homeOfficeOffenceCodes', target: 'offence_group' },
  ],
};
