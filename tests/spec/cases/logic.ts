import { and, col, eq, lit, or, type Expr } from '../../../analytics/ir.ts';
import type { SpecCases } from '../runner.ts';
import { valueOf } from './shape.ts';

const knife = eq(col('knife_flag'), lit(true));
const young = { op: 'lt', a: col('victim_age'), b: lit(25) } as const satisfies Expr;
/** Every pairing of true, false and null for "knife" and "under 25". */
const pairs = { police_crime: [
  { record_key: 'tt', knife_flag: true, victim_age: 20 }, { record_key: 'tf', knife_flag: true, victim_age: 30 }, { record_key: 'tn', knife_flag: true, victim_age: null },
  { record_key: 'ft', knife_flag: false, victim_age: 20 }, { record_key: 'ff', knife_flag: false, victim_age: 30 }, { record_key: 'fn', knife_flag: false, victim_age: null },
  { record_key: 'nt', knife_flag: null, victim_age: 20 }, { record_key: 'nf', knife_flag: null, victim_age: 30 }, { record_key: 'nn', knife_flag: null, victim_age: null },
] };
const truth = (values: (boolean | null)[]) => pairs.police_crime.map((r, i) => ({ key: r.record_key, value: values[i] }));
const countWhere = (where: Expr) => ({ count: { from: 'police_crime', where, groupBy: {} } });
const flags = { police_crime: [{ record_key: 'a', knife_flag: true }, { record_key: 'b', knife_flag: false }, { record_key: 'c', knife_flag: null }] };

export const logicCases: SpecCases = {
  and: [
    { name: 'three-valued: false wins over null, null over true', tables: pairs, query: valueOf('police_crime', and(knife, young)), expected: truth([true, false, null, false, false, false, null, false, null]) },
    { name: 'under not, an unknown and stays unknown (the row does not count)', tables: pairs, query: countWhere({ op: 'not', a: and(knife, young) }), expected: [{ count: 5 }] },
    { name: 'one condition is itself', tables: flags, query: valueOf('police_crime', and(knife)), expected: [{ key: 'a', value: true }, { key: 'b', value: false }, { key: 'c', value: null }] },
  ],
  or: [
    { name: 'three-valued: true wins over null, null over false', tables: pairs, query: valueOf('police_crime', or(knife, young)), expected: truth([true, true, true, true, false, null, true, null, null]) },
    { name: 'under not, an unknown or stays unknown (the row does not count)', tables: pairs, query: countWhere({ op: 'not', a: or(knife, young) }), expected: [{ count: 1 }] },
  ],
  not: [
    { name: 'true, false and null', tables: flags, query: valueOf('police_crime', { op: 'not', a: knife }), expected: [{ key: 'a', value: false }, { key: 'b', value: true }, { key: 'c', value: null }] },
    { name: 'as a filter: a null flag is neither in nor out', tables: flags, query: countWhere({ op: 'not', a: knife }), expected: [{ count: 1 }] },
  ],
  is_null: [
    { name: 'true or false, never null', tables: flags, query: valueOf('police_crime', { op: 'is_null', a: col('knife_flag') }), expected: [{ key: 'a', value: false }, { key: 'b', value: false }, { key: 'c', value: true }] },
    {
      name: 'text and time columns, as a filter',
      tables: { police_crime: [{ offence_time: '22:15', offence_group: 'theft' }, { offence_time: null, offence_group: 'theft' }, { offence_time: null, offence_group: null }] },
      query: { count: { from: 'police_crime', where: { op: 'is_null', a: col('offence_time') }, groupBy: { offence_group: col('offence_group') } } },
      expected: [{ offence_group: null, count: 1 }, { offence_group: 'theft', count: 1 }],
    },
  ],
  not_null: [
    { name: 'true or false, never null', tables: flags, query: valueOf('police_crime', { op: 'not_null', a: col('knife_flag') }), expected: [{ key: 'a', value: true }, { key: 'b', value: true }, { key: 'c', value: false }] },
    {
      name: 'of an expression: the month of a missing date is missing',
      tables: { police_crime: [{ record_key: 'a', offence_date: '2024-06-09' }, { record_key: 'b', offence_date: null }] },
      query: valueOf('police_crime', { op: 'not_null', a: { op: 'month', a: col('offence_date') } }),
      expected: [{ key: 'a', value: true }, { key: 'b', value: false }],
    },
  ],
};
