import type { DatasetInput } from '../dataset.ts';
import { t } from './columns.ts';

export const hospitalAdmission: DatasetInput = {
  id: 'hospital_admission',
  title: 'Hospital admissions',
  description: 'One row per admission (SUS/HES).',
  kind: 'event',
  eventDate: 'admission_date',
  uniqueId: 'admission_id',
  persons: { patient: { storePrefix: '', homeLsoa: 'lsoa_code', description: 'The patient' } },
  columns: [
    { name: 'admission_id', type: t.text(60), required: true, reference: { namespace: 'hospital_admission', key: 'record_key' } },
    { name: 'admission_date', type: t.date(), required: true },
    { name: 'admission_method', type: t.enum('admission_method'), required: true, description: 'HES ADMIMETH' },
    { name: 'cause_codes', type: t.icd10List(), required: true, description: 'ICD-10 codes separated by ;' },
    { name: 'nhs_number', type: t.nhsNumber(), person: 'patient', identity: 'nhs_number' },
    { name: 'date_of_birth', type: t.date(), person: 'patient', identity: 'date_of_birth' },
    { name: 'age', type: t.age(), person: 'patient', personAge: true, description: 'Where no date of birth' },
    { name: 'sex', type: t.enum('sex') },
    { name: 'home_postcode', type: t.postcode(), person: 'patient', identity: 'home_postcode' },
    { name: 'lsoa_code', type: t.lsoa(), description: 'Residence' },
  ],
};
