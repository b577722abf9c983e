import { col, eq, inRows, lit, param, type Scalar } from '../../../analytics/ir.ts';
import type { SpecCases } from '../runner.ts';

const three = { police_crime: [
  { record_key: 'a', offence_group: 'theft', victim_sex: 'female' }, { record_key: 'b', offence_group: 'theft', victim_sex: null },
  { record_key: 'c', offence_group: null, victim_sex: 'male' },
] };

/** Two rows linked to one person, one to nobody. */
const linked: Record<string, Record<string, Scalar>[]> = { police_person: [
  { crime_key: 'a', role: 'suspect', person_id: 'P1' }, { crime_key: 'b', role: 'victim', person_id: 'P1' }, { crime_key: 'c', role: 'suspect' },
] };

/** Counting and selecting themselves: groups, no groups, no rows, nulls as a group, literals and parameters as outputs. */
export const queryCases: SpecCases = {
  query: [
    { name: 'a count with no groups is one row', tables: three, query: { count: { from: 'police_crime', groupBy: {} } }, expected: [{ count: 3 }] },
    { name: 'a count with no groups over no rows is 0', tables: three, query: { count: { from: 'police_crime', where: eq(col('offence_group'), lit('homicide')), groupBy: {} } }, expected: [{ count: 0 }] },
    { name: 'a count with groups over no rows has no rows', tables: three, query: { count: { from: 'police_crime', where: eq(col('offence_group'), lit('homicide')), groupBy: { sex: col('victim_sex') } } }, expected: [] },
    { name: 'a dataset with no extract counts nothing', tables: {}, query: { count: { from: 'support_episode', groupBy: {} } }, expected: [{ count: 0 }] },
    {
      name: 'null is a group of its own, and groups combine',
      tables: three, query: { count: { from: 'police_crime', groupBy: { group: col('offence_group'), sex: col('victim_sex') } } },
      expected: [{ group: null, sex: 'male', count: 1 }, { group: 'theft', sex: null, count: 1 }, { group: 'theft', sex: 'female', count: 1 }],
    },
    {
      name: 'rows: every row that passes, with its selected columns',
      tables: three, query: { rows: { from: 'police_crime', where: { op: 'not_null', a: col('victim_sex') }, select: { key: col('record_key'), sex: col('victim_sex') } } },
      expected: [{ key: 'a', sex: 'female' }, { key: 'c', sex: 'male' }],
    },
    {
      name: 'a text literal and a parameter as outputs',
      tables: { police_crime: [{ record_key: 'a' }] },
      query: { rows: { from: 'police_crime', select: { key: col('record_key'), source: lit('police'), period: param('period') } } }, params: { period: '2024-25' },
      expected: [{ key: 'a', source: 'police', period: '2024-25' }],
    },
    {
      name: 'the extract each row came from',
      tables: { police_person: [{ crime_key: 'a' }] },
      query: { rows: { from: 'police_person', select: { key: col('crime_key'), upload: col('upload_id') } } },
      expected: [{ key: 'a', upload: 'up-20250101000000-00000001' }],
    },
    // A linked dataset read with and without its linked person (DuckDB reads the second without the join to the links).
    {
      name: 'a linked dataset counted without its person: every row, linked or not',
      tables: linked, query: { count: { from: 'police_person', groupBy: { role: col('role') } } },
      expected: [{ role: 'suspect', count: 2 }, { role: 'victim', count: 1 }],
    },
    {
      name: 'a linked dataset counted by its person: the rows linked to nobody a group of their own',
      tables: linked, query: { count: { from: 'police_person', groupBy: { person: col('person_id') } } },
      expected: [{ person: null, count: 1 }, { person: 'P1', count: 2 }],
    },
    {
      name: 'a linked dataset filtered on its person, and its rows selected with and without it',
      tables: linked, query: { rows: { from: 'police_person', where: { op: 'not_null', a: col('person_id') }, select: { key: col('crime_key') } } },
      expected: [{ key: 'a' }, { key: 'b' }],
    },
    {
      name: 'a semi-join into a linked dataset, on its person and on a stored column',
      tables: linked,
      query: { count: { from: 'police_person', where: inRows(col('person_id'), 'police_person', col('person_id'), eq(col('role'), lit('victim'))), groupBy: { key: col('crime_key') } } },
      expected: [{ key: 'a', count: 1 }, { key: 'b', count: 1 }],
    },
    {
      name: 'a semi-join into a linked dataset on a stored column only',
      tables: linked,
      query: { count: { from: 'police_person', where: inRows(col('crime_key'), 'police_person', col('crime_key'), eq(col('role'), lit('victim'))), groupBy: {} } },
      expected: [{ count: 1 }],
    },
  ],
};
