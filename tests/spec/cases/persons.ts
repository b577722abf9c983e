import { and, col, date, eq, isIn, lit, param, type Expr, type PersonQuery, type Scalar } from '../../../analytics/ir.ts';
import type { SpecCases } from '../runner.ts';

/**
 * Person queries: records of several datasets joined by their linked person. P1 has two crimes as a suspect (one a
 * victim), an A&E attendance and an exclusion; P2 one crime and two attendances; P3 only an ASB record as
 * perpetrator; a record linked to nobody (no person_id) never counts.
 */
const tables: Record<string, Record<string, Scalar>[]> = {
  police_crime: [
    { record_key: 'C1', offence_group: 'robbery_personal', recorded_date: '2024-05-10' },
    { record_key: 'C2', offence_group: 'theft', recorded_date: '2024-08-01' },
    { record_key: 'C3', offence_group: 'homicide', recorded_date: '2024-09-15' },
  ],
  police_person: [
    { crime_key: 'C1', role: 'suspect', key_local: 'N1', month_of_birth: '2010-05', home_locality: 'leicester', person_id: 'P1' },
    { crime_key: 'C2', role: 'suspect', key_local: 'N1', month_of_birth: '2010-06', home_locality: 'charnwood', person_id: 'P1' },
    { crime_key: 'C3', role: 'victim', key_local: 'N1', month_of_birth: null, home_locality: 'blaby', person_id: 'P1' },
    { crime_key: 'C2', role: 'suspect', key_local: 'N2', month_of_birth: '2009-01', person_id: 'P2' },
    { crime_key: 'C9', role: 'suspect', key_local: 'N3', month_of_birth: '2008-01', person_id: 'P4' },
    { crime_key: 'C1', role: 'victim', key_local: 'N5' },
  ],
  ae_attendance: [
    { record_key: 'A1', arrival_at: '2024-04-02 23:10:00', partner: 'uhl', person_id: 'P1' },
    { record_key: 'A2', arrival_at: '2024-06-02 01:00:00', person_id: 'P2' },
    { record_key: 'A3', arrival_at: '2024-10-02 01:00:00', person_id: 'P2' },
  ],
  school_exclusion: [{ record_key: 'X1', start_date: '2024-09-01', category: 'suspension', month_of_birth: '2010-07', person_id: 'P1' }],
  asb_incident: [{ record_key: 'B1', reported_at: '2024-07-01 12:00:00', perpetrator_linked_person_id: 'P3' }, { record_key: 'B2', reported_at: '2024-07-02 12:00:00' }],
};

const police = (select: PersonQuery['sources'][number]['select'], where?: Expr): PersonQuery['sources'][number] => ({
  from: 'police_person', person: 'person_id', ...(where ? { where } : {}),
  lookup: { from: 'police_crime', key: 'crime_key', match: 'record_key', select: { crime_day: col('recorded_date'), crime_group: col('offence_group') } },
  select: { day: col('crime_day'), ...select },
});
const ae = { from: 'ae_attendance', person: 'person_id', select: { day: date(col('arrival_at')) } };
const exclusions = { from: 'school_exclusion', person: 'person_id', select: { day: col('start_date'), birth: col('month_of_birth') } };
const asb = { from: 'asb_incident', person: 'perpetrator_linked_person_id', select: { day: date(col('reported_at')) } };

export const personCases: SpecCases = {
  'person count': [
    {
      name: 'rows per person over every source, and rows passing the measure\'s filter; a person with none counts 0',
      tables,
      query: { persons: { sources: [police({ role: col('role') }), ae], measures: { records: { agg: 'count' }, attendances: { agg: 'count', where: eq(col('dataset'), lit('ae_attendance')) } } } },
      expected: [{ person_id: 'P1', records: 4, attendances: 1 }, { person_id: 'P2', records: 3, attendances: 2 }, { person_id: 'P4', records: 1, attendances: 0 }],
    },
  ],
  'person count_distinct': [
    {
      name: 'distinct non-null values: a suspect\'s crimes, a crime they are not found in (C9) still a value',
      tables,
      query: { persons: { sources: [police({ crime: col('crime_key'), role: col('role') })], measures: { crimes: { agg: 'count_distinct', value: col('crime'), where: eq(col('role'), lit('suspect')) } } } },
      expected: [{ person_id: 'P1', crimes: 2 }, { person_id: 'P2', crimes: 1 }, { person_id: 'P4', crimes: 1 }],
    },
  ],
  'person min': [
    {
      name: 'the earliest date; a record without a date (its crime not found) is left out, and a person with none is null',
      tables,
      query: { persons: { sources: [police({}), ae], measures: { first: { agg: 'min', value: col('day') } } } },
      expected: [{ person_id: 'P1', first: '2024-04-02' }, { person_id: 'P2', first: '2024-06-02' }, { person_id: 'P4', first: null }],
    },
  ],
  'person max': [
    {
      name: 'the latest date among rows passing the filter, over the lookup\'s column',
      tables,
      query: { persons: { sources: [police({ group: col('crime_group') })], measures: { last_theft: { agg: 'max', value: col('day'), where: eq(col('group'), lit('theft')) } } } },
      expected: [{ person_id: 'P1', last_theft: '2024-08-01' }, { person_id: 'P2', last_theft: '2024-08-01' }, { person_id: 'P4', last_theft: null }],
    },
  ],
  'person list': [
    {
      name: 'the distinct datasets and partners, sorted and joined by ;, null where a person has no value',
      tables,
      query: { persons: { sources: [police({ partner: col('partner') }), { ...ae, select: { ...ae.select, partner: col('partner') } }], measures: { datasets: { agg: 'list', value: col('dataset') }, partners: { agg: 'list', value: col('partner') } } } },
      expected: [
        { person_id: 'P1', datasets: 'ae_attendance;police_person', partners: 'uhl' },
        { person_id: 'P2', datasets: 'ae_attendance;police_person', partners: null }, { person_id: 'P4', datasets: 'police_person', partners: null },
      ],
    },
  ],
  'person latest': [
    {
      name: 'the value of the latest dated row that has one: a later row with none does not hide an earlier one',
      tables,
      query: { persons: { sources: [police({ birth: col('month_of_birth'), home: col('home_locality') }), exclusions], measures: { birth: { agg: 'latest', value: col('birth'), by: col('day') }, home: { agg: 'latest', value: col('home'), by: col('day') } } } },
      expected: [{ person_id: 'P1', birth: '2010-07', home: 'blaby' }, { person_id: 'P2', birth: '2009-01', home: null }, { person_id: 'P4', birth: '2008-01', home: null }],
    },
    {
      name: 'rows on the same day: the greatest value; an undated row only when no row is dated',
      tables: { ...tables, school_exclusion: [{ record_key: 'X1', start_date: '2024-08-01', month_of_birth: '2010-01', person_id: 'P2' }] },
      query: { persons: { sources: [police({ birth: col('month_of_birth') }), exclusions], measures: { birth: { agg: 'latest', value: col('birth'), by: col('day') } } } },
      expected: [{ person_id: 'P1', birth: '2010-06' }, { person_id: 'P2', birth: '2010-01' }, { person_id: 'P4', birth: '2008-01' }],
    },
  ],
  'person query': [
    {
      name: 'having keeps the people whose measures meet it; a source filter with a parameter; the ASB perpetrator column',
      tables,
      query: {
        persons: {
          sources: [police({ role: col('role') }, { op: 'le', a: col('crime_day'), b: date(param('to')) }), asb],
          measures: { suspect_crimes: { agg: 'count', where: eq(col('role'), lit('suspect')) }, asb: { agg: 'count', where: eq(col('dataset'), lit('asb_incident')) } },
          having: { op: 'or', args: [{ op: 'ge', a: col('suspect_crimes'), b: lit(2) }, { op: 'ge', a: col('asb'), b: lit(1) }] },
        },
      },
      params: { to: '2024-12-31' },
      expected: [{ person_id: 'P1', suspect_crimes: 2, asb: 0 }, { person_id: 'P3', suspect_crimes: 0, asb: 1 }],
    },
    {
      name: 'a semi-join with parameters in a source\'s select binds in the order of the text',
      tables,
      query: {
        persons: {
          sources: [police({ in_scope: { op: 'in_rows', a: col('crime_key'), from: 'police_crime', select: col('record_key'), where: eq(col('offence_group'), param('group')) } }, { op: 'le', a: col('crime_day'), b: date(param('to')) })],
          measures: { n: { agg: 'count', where: eq(col('in_scope'), lit(true)) } },
        },
      },
      params: { group: 'theft', to: '2024-12-31' },
      expected: [{ person_id: 'P1', n: 1 }, { person_id: 'P2', n: 1 }],
    },
    {
      name: 'a source\'s filter over its own columns and the lookup\'s together',
      tables,
      query: { persons: { sources: [police({}, and(isIn(col('role'), ['suspect']), eq(col('crime_group'), lit('theft'))))], measures: { n: { agg: 'count' } } } },
      expected: [{ person_id: 'P1', n: 1 }, { person_id: 'P2', n: 1 }],
    },
    {
      name: 'recordsBy: each kept person\'s distinct combinations counted, beside their measures; having still decides by person, nulls sort first',
      tables,
      query: {
        persons: {
          sources: [police({ role: col('role') }), ae],
          measures: { attendances: { agg: 'count', where: eq(col('dataset'), lit('ae_attendance')) } },
          having: { op: 'ge', a: col('attendances'), b: lit(1) },
          recordsBy: ['dataset', 'role'],
        },
      },
      expected: [
        { person_id: 'P1', attendances: 1, dataset: 'ae_attendance', role: null, records: 1 },
        { person_id: 'P1', attendances: 1, dataset: 'police_person', role: 'suspect', records: 2 },
        { person_id: 'P1', attendances: 1, dataset: 'police_person', role: 'victim', records: 1 },
        { person_id: 'P2', attendances: 2, dataset: 'ae_attendance', role: null, records: 2 },
        { person_id: 'P2', attendances: 2, dataset: 'police_person', role: 'suspect', records: 1 },
      ],
    },
    {
      name: 'having over an earliest date or a distinct count at a parameter, beside a count that holds everyone: each person kept on all their rows',
      tables,
      query: {
        persons: {
          sources: [police({ crime: col('crime_key'), role: col('role') }), ae],
          measures: {
            records: { agg: 'count' }, first_ae: { agg: 'min', value: col('day'), where: eq(col('dataset'), lit('ae_attendance')) },
            crimes: { agg: 'count_distinct', value: col('crime'), where: eq(col('role'), lit('suspect')) },
          },
          having: and({ op: 'gt', a: col('records'), b: lit(0) }, { op: 'or', args: [{ op: 'not_null', a: col('first_ae') }, { op: 'ge', a: col('crimes'), b: param('min') }] }),
        },
      },
      params: { min: 1 },
      expected: [
        { person_id: 'P1', records: 4, first_ae: '2024-04-02', crimes: 2 }, { person_id: 'P2', records: 3, first_ae: '2024-06-02', crimes: 1 },
        { person_id: 'P4', records: 1, first_ae: null, crimes: 1 },
      ],
    },
    {
      name: 'recordsBy under having over a latest value listed and a distinct count: the kept person\'s records of every dataset',
      tables,
      query: {
        persons: {
          sources: [police({ crime: col('crime_key'), role: col('role'), home: col('home_locality') }), ae],
          measures: { home: { agg: 'latest', value: col('home'), by: col('day') }, crimes: { agg: 'count_distinct', value: col('crime'), where: eq(col('role'), lit('suspect')) } },
          having: and(isIn(col('home'), ['blaby', 'charnwood']), { op: 'ge', a: col('crimes'), b: lit(2) }),
          recordsBy: ['dataset'],
        },
      },
      expected: [
        { person_id: 'P1', home: 'blaby', crimes: 2, dataset: 'ae_attendance', records: 1 },
        { person_id: 'P1', home: 'blaby', crimes: 2, dataset: 'police_person', records: 3 },
      ],
    },
    {
      name: 'having over a latest value listed, where an earlier row has another listed value, and an earliest date at a parameter',
      tables,
      query: {
        persons: {
          sources: [police({ home: col('home_locality') }), ae],
          measures: { home: { agg: 'latest', value: col('home'), by: col('day') }, first: { agg: 'min', value: col('day') } },
          having: and(isIn(col('home'), ['blaby', 'charnwood']), { op: 'le', a: col('first'), b: date(param('to')) }, { op: 'ne', a: col('home'), b: lit('charnwood') }),
        },
      },
      params: { to: '2024-05-10' },
      expected: [{ person_id: 'P1', home: 'blaby', first: '2024-04-02' }],
    },
    {
      name: 'recordsBy a date: the lookup\'s and a timestamp\'s day alike, a row whose crime is not found undated',
      tables,
      query: { persons: { sources: [police({}), ae], measures: {}, recordsBy: ['day'] } },
      expected: [
        { person_id: 'P1', day: '2024-04-02', records: 1 }, { person_id: 'P1', day: '2024-05-10', records: 1 },
        { person_id: 'P1', day: '2024-08-01', records: 1 }, { person_id: 'P1', day: '2024-09-15', records: 1 },
        { person_id: 'P2', day: '2024-06-02', records: 1 }, { person_id: 'P2', day: '2024-08-01', records: 1 }, { person_id: 'P2', day: '2024-10-02', records: 1 },
        { person_id: 'P4', day: null, records: 1 },
      ],
    },
  ],
};
