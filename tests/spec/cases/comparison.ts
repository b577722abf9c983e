import { col, date, eq, lit, param, type Expr } from '../../../analytics/ir.ts';
import type { SpecCases } from '../runner.ts';
import { valueOf } from './shape.ts';

const ages = { police_crime: [{ record_key: 'a', victim_age: 20 }, { record_key: 'b', victim_age: 30 }, { record_key: 'c', victim_age: null }] };
const age = (op: 'lt' | 'le' | 'gt' | 'ge' | 'ne', n: number): Expr => ({ op, a: col('victim_age'), b: lit(n) });

export const comparisonCases: SpecCases = {
  eq: [
    {
      name: 'numbers: true, false, and null where a side is null',
      tables: ages, query: valueOf('police_crime', eq(col('victim_age'), lit(20))),
      expected: [{ key: 'a', value: true }, { key: 'b', value: false }, { key: 'c', value: null }],
    },
    {
      name: 'a code, as a filter: a row whose code is null does not count',
      tables: { police_crime: [{ offence_group: 'robbery_personal' }, { offence_group: 'robbery_personal' }, { offence_group: 'theft' }, { offence_group: null }] },
      query: { count: { from: 'police_crime', where: eq(col('offence_group'), lit('robbery_personal')), groupBy: {} } },
      expected: [{ count: 2 }],
    },
    {
      name: 'a date with a date parameter',
      tables: { police_crime: [{ record_key: 'a', recorded_date: '2024-06-01' }, { record_key: 'b', recorded_date: '2024-06-02' }] },
      query: valueOf('police_crime', eq(col('recorded_date'), date(param('day')))), params: { day: '2024-06-02' },
      expected: [{ key: 'a', value: false }, { key: 'b', value: true }],
    },
    {
      name: 'true/false columns, and two columns of a row',
      tables: { police_crime: [{ record_key: 'a', knife_flag: true, domestic_flag: true }, { record_key: 'b', knife_flag: false, domestic_flag: true }, { record_key: 'c', knife_flag: null, domestic_flag: false }] },
      query: valueOf('police_crime', eq(col('knife_flag'), col('domestic_flag'))),
      expected: [{ key: 'a', value: true }, { key: 'b', value: false }, { key: 'c', value: null }],
    },
  ],
  ne: [
    { name: 'numbers, null where a side is null', tables: ages, query: valueOf('police_crime', age('ne', 20)), expected: [{ key: 'a', value: false }, { key: 'b', value: true }, { key: 'c', value: null }] },
    {
      name: 'a code, as a filter: a null code is not "not theft"',
      tables: { police_crime: [{ offence_group: 'robbery_personal' }, { offence_group: 'theft' }, { offence_group: null }] },
      query: { count: { from: 'police_crime', where: { op: 'ne', a: col('offence_group'), b: lit('theft') }, groupBy: {} } },
      expected: [{ count: 1 }],
    },
  ],
  lt: [
    { name: 'numbers: strictly below', tables: { police_crime: [{ record_key: 'a', victim_age: 24 }, { record_key: 'b', victim_age: 25 }, { record_key: 'c', victim_age: null }] }, query: valueOf('police_crime', age('lt', 25)), expected: [{ key: 'a', value: true }, { key: 'b', value: false }, { key: 'c', value: null }] },
    {
      name: 'dates: before a date parameter',
      tables: { police_crime: [{ record_key: 'a', recorded_date: '2024-05-31' }, { record_key: 'b', recorded_date: '2024-06-01' }] },
      query: valueOf('police_crime', { op: 'lt', a: col('recorded_date'), b: date(param('from')) }), params: { from: '2024-06-01' },
      expected: [{ key: 'a', value: true }, { key: 'b', value: false }],
    },
  ],
  le: [
    { name: 'numbers: at or below', tables: { police_crime: [{ record_key: 'a', victim_age: 24 }, { record_key: 'b', victim_age: 25 }, { record_key: 'c', victim_age: 26 }] }, query: valueOf('police_crime', age('le', 25)), expected: [{ key: 'a', value: true }, { key: 'b', value: true }, { key: 'c', value: false }] },
    {
      name: 'text: months of birth in order',
      tables: { police_person: [{ crime_key: 'a', month_of_birth: '2010-04' }, { crime_key: 'b', month_of_birth: '2010-05' }, { crime_key: 'c', month_of_birth: '2010-06' }, { crime_key: 'd', month_of_birth: null }] },
      query: valueOf('police_person', { op: 'le', a: col('month_of_birth'), b: lit('2010-05') }, 'crime_key'),
      expected: [{ key: 'a', value: true }, { key: 'b', value: true }, { key: 'c', value: false }, { key: 'd', value: null }],
    },
  ],
  gt: [
    { name: 'numbers: strictly above', tables: ages, query: valueOf('police_crime', age('gt', 20)), expected: [{ key: 'a', value: false }, { key: 'b', value: true }, { key: 'c', value: null }] },
    {
      name: 'two dates of a row: a timestamp\'s date after a date',
      tables: { ae_attendance: [
        { record_key: 'a', arrival_at: '2024-06-02 00:10:00', incident_date: '2024-06-01' },
        { record_key: 'b', arrival_at: '2024-06-01 23:50:00', incident_date: '2024-06-01' },
      ] },
      query: valueOf('ae_attendance', { op: 'gt', a: date(col('arrival_at')), b: col('incident_date') }),
      expected: [{ key: 'a', value: true }, { key: 'b', value: false }],
    },
  ],
  ge: [
    { name: 'numbers: at or above', tables: ages, query: valueOf('police_crime', age('ge', 30)), expected: [{ key: 'a', value: false }, { key: 'b', value: true }, { key: 'c', value: null }] },
    {
      name: 'fractional numbers',
      tables: { school_exclusion: [{ record_key: 'a', sessions: 0.5 }, { record_key: 'b', sessions: 1 }, { record_key: 'c', sessions: 2.5 }] },
      query: valueOf('school_exclusion', { op: 'ge', a: col('sessions'), b: lit(1) }),
      expected: [{ key: 'a', value: false }, { key: 'b', value: true }, { key: 'c', value: true }],
    },
  ],
};
