import { col, isIn, type Expr } from '../../../analytics/ir.ts';
import type { SpecCases } from '../runner.ts';
import { valueOf } from './shape.ts';

const groups = { police_crime: [{ record_key: 'a', offence_group: 'robbery_personal' }, { record_key: 'b', offence_group: 'homicide' }, { record_key: 'c', offence_group: null }] };
const causes = (...codes: (string | null)[]) => ({ hospital_admission: codes.map((cause_codes, i) => ({ record_key: `r${i}`, cause_codes })) });
const prefix = (prefixes: string[], first_only?: boolean): Expr => ({ op: 'list_has_prefix', a: col('cause_codes'), prefixes, ...(first_only === undefined ? {} : { first_only }) });
// More values than travel as `?, ?, …`: the SQL binds them as one array.
const many = Array.from({ length: 60 }, (_, i) => `k${i}`);

export const listCases: SpecCases = {
  in: [
    { name: 'codes: true, false, null for a null', tables: groups, query: valueOf('police_crime', isIn(col('offence_group'), ['robbery_personal', 'theft'])), expected: [{ key: 'a', value: true }, { key: 'b', value: false }, { key: 'c', value: null }] },
    { name: 'an empty list: false, and null for a null', tables: groups, query: valueOf('police_crime', isIn(col('offence_group'), [])), expected: [{ key: 'a', value: false }, { key: 'b', value: false }, { key: 'c', value: null }] },
    {
      name: 'a null in the list matches nothing',
      tables: { police_crime: [{ record_key: 'a', victim_age: 20 }, { record_key: 'b', victim_age: 30 }, { record_key: 'c', victim_age: null }] },
      query: valueOf('police_crime', isIn(col('victim_age'), [20, null])),
      expected: [{ key: 'a', value: true }, { key: 'b', value: false }, { key: 'c', value: null }],
    },
    {
      name: 'a long list of text (bound as one array)',
      tables: { police_person: [{ crime_key: 'x', key_local: 'k3' }, { crime_key: 'y', key_local: 'k70' }, { crime_key: 'z', key_local: null }] },
      query: valueOf('police_person', isIn(col('key_local'), many), 'crime_key'),
      expected: [{ key: 'x', value: true }, { key: 'y', value: false }, { key: 'z', value: null }],
    },
    {
      name: 'a long list of numbers (bound as one array)',
      tables: { police_crime: [{ record_key: 'a', victim_age: 10 }, { record_key: 'b', victim_age: 70 }] },
      query: valueOf('police_crime', isIn(col('victim_age'), many.map((_, i) => i))),
      expected: [{ key: 'a', value: true }, { key: 'b', value: false }],
    },
    {
      name: 'true/false values',
      tables: { police_crime: [{ record_key: 'a', knife_flag: true }, { record_key: 'b', knife_flag: false }] },
      query: valueOf('police_crime', isIn(col('knife_flag'), [true])),
      expected: [{ key: 'a', value: true }, { key: 'b', value: false }],
    },
  ],
  has_token: [
    {
      name: 'a token of the same key version, at any position; another version\'s token of the same text is not one',
      tables: { police_person: [
        { crime_key: 'a', link_blocks: 'k1:aa bb cc' }, { crime_key: 'b', link_blocks: 'k1:cc' }, { crime_key: 'c', link_blocks: 'k2:bb' },
        { crime_key: 'd', link_blocks: 'k1:bbb' }, { crime_key: 'e', link_blocks: null },
      ] },
      query: valueOf('police_person', { op: 'has_token', a: col('link_blocks'), tokens: ['k1:bb', 'k3:cc'] }, 'crime_key'),
      expected: [{ key: 'a', value: true }, { key: 'b', value: false }, { key: 'c', value: false }, { key: 'd', value: false }, { key: 'e', value: null }],
    },
    {
      name: 'tokens of two versions: either',
      tables: { police_person: [{ crime_key: 'a', link_blocks: 'k1:aa' }, { crime_key: 'b', link_blocks: 'k2:bb' }, { crime_key: 'c', link_blocks: 'k2:aa' }] },
      query: { count: { from: 'police_person', where: { op: 'has_token', a: col('link_blocks'), tokens: ['k1:aa', 'k2:bb'] }, groupBy: {} } },
      expected: [{ count: 2 }],
    },
  ],
  list_has_prefix: [
    {
      name: 'a code at any position starts with the prefix (only at a code\'s start)',
      tables: causes('W50;X99.1', 'X99', 'X990', 'W50', 'AX99', null),
      query: valueOf('hospital_admission', prefix(['X99'])),
      expected: [{ key: 'r0', value: true }, { key: 'r1', value: true }, { key: 'r2', value: true }, { key: 'r3', value: false }, { key: 'r4', value: false }, { key: 'r5', value: null }],
    },
    {
      name: 'first only: the first code alone is looked at',
      tables: causes('X99.1;W50', 'W50;X99.1'),
      query: valueOf('hospital_admission', prefix(['X99'], true)),
      expected: [{ key: 'r0', value: true }, { key: 'r1', value: false }],
    },
    {
      name: 'several prefixes: any of them',
      tables: causes('Y28', 'W50;X99', 'W50'),
      query: { count: { from: 'hospital_admission', where: prefix(['X99', 'Y28'], false), groupBy: {} } },
      expected: [{ count: 2 }],
    },
  ],
};
