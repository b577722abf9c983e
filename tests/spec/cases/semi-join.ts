import { and, col, date, eq, inRows, isIn, lit, param, type Expr } from '../../../analytics/ir.ts';
import type { SpecCases } from '../runner.ts';
import { valueOf } from './shape.ts';

const crimesAndPeople = {
  police_crime: [
    { record_key: 'C1', offence_group: 'robbery_personal', recorded_date: '2024-05-10' },
    { record_key: 'C2', offence_group: 'theft', recorded_date: '2024-05-10' },
    { record_key: 'C3', offence_group: 'robbery_personal', recorded_date: '2024-07-10' },
    { record_key: null, offence_group: 'robbery_personal', recorded_date: '2024-05-10' },
  ],
  police_person: [
    { crime_key: 'C1', role: 'suspect' }, { crime_key: 'C2', role: 'suspect' }, { crime_key: 'C3', role: 'victim' },
    { crime_key: 'C9', role: 'suspect' }, { crime_key: null, role: 'victim' },
  ],
};
const robberies = (where?: Expr) => inRows(col('crime_key'), 'police_crime', col('record_key'), and(isIn(col('offence_group'), ['robbery_personal']), ...(where ? [where] : [])));
const person = (where: Expr) => ({ rows: { from: 'police_person', where, select: { key: col('crime_key'), role: col('role') } } });

export const semiJoinCases: SpecCases = {
  in_rows: [
    {
      name: 'among the other dataset\'s selected values: true, false (a value not found, or no such row), null for a null',
      tables: crimesAndPeople, query: valueOf('police_person', robberies(), 'crime_key'),
      expected: [{ key: 'C1', value: true }, { key: 'C2', value: false }, { key: 'C3', value: true }, { key: 'C9', value: false }, { key: null, value: null }],
    },
    {
      name: 'under not: a value not found is kept, a null is not',
      tables: crimesAndPeople, query: person({ op: 'not', a: robberies() }),
      expected: [{ key: 'C2', role: 'suspect' }, { key: 'C9', role: 'suspect' }],
    },
    {
      name: 'parameters inside and outside it bind in the order of the text',
      tables: crimesAndPeople,
      query: person(and(eq(col('role'), param('role')), robberies({ op: 'lt', a: col('recorded_date'), b: date(param('before')) }))),
      params: { role: 'suspect', before: '2024-06-01' },
      expected: [{ key: 'C1', role: 'suspect' }],
    },
    {
      name: 'with no filter: every non-null value of the column',
      tables: crimesAndPeople, query: { count: { from: 'police_person', where: inRows(col('crime_key'), 'police_crime', col('record_key')), groupBy: { role: col('role') } } },
      expected: [{ role: 'suspect', count: 2 }, { role: 'victim', count: 1 }],
    },
    {
      name: 'nested: a semi-join inside a semi-join\'s filter',
      tables: crimesAndPeople,
      query: { count: { from: 'police_crime', where: inRows(col('record_key'), 'police_person', col('crime_key'), inRows(col('crime_key'), 'police_crime', col('record_key'), eq(col('offence_group'), lit('theft')))), groupBy: {} } },
      expected: [{ count: 1 }],
    },
  ],
};
