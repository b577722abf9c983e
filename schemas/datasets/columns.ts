import type { ColumnType } from '../dataset.ts';

/** Shorthands for writing dataset definitions; they only build plain data. */
export const t = {
  text: (maxLength = 200): ColumnType => ({ kind: 'text', maxLength }),
  date: (): ColumnType => ({ kind: 'date' }),
  month: (): ColumnType => ({ kind: 'month' }),
  time: (): ColumnType => ({ kind: 'time' }),
  datetime: (): ColumnType => ({ kind: 'datetime' }),
  boolean: (): ColumnType => ({ kind: 'boolean' }),
  enum: (codeList: string): ColumnType => ({ kind: 'enum', codeList }),
  age: (): ColumnType => ({ kind: 'int', min: 0, max: 120 }),
  number: (min: number, max: number): ColumnType => ({ kind: 'number', min, max }),
  postcode: (): ColumnType => ({ kind: 'postcode' }),
  lsoa: (): ColumnType => ({ kind: 'lsoa' }),
  nhsNumber: (): ColumnType => ({ kind: 'nhs_number' }),
  upn: (): ColumnType => ({ kind: 'upn' }),
  icd10List: (): ColumnType => ({ kind: 'icd10_list' }),
};
