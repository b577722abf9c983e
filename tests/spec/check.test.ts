import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCount, checkRows, InvalidQuery } from '../../analytics/engines/check.ts';
import type { SqlValue } from '../../analytics/engines/ports.ts';
import { col, date, eq, inRows, isIn, lit, month, param, type CountQuery, type Expr } from '../../analytics/ir.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { athenaStatements, runOn, specPlatform, type SpecCase } from './runner.ts';

/** A count query on police_crime filtered by `where`. */
const crimes = (where: Expr, groupBy: CountQuery['groupBy'] = {}): CountQuery => ({ from: 'police_crime', where, groupBy });
const refusal = (run: () => unknown) => {
  try { run(); } catch (error) { return error; }
  throw new Error('the query was not refused');
};

describe('a wrong query is refused before any engine runs it, the same way on each', () => {
  let store: { platform: Platform; cleanup: () => void };
  beforeAll(async () => { store = await specPlatform({ police_crime: [{ record_key: 'a', offence_group: 'theft' }] }); });
  afterAll(() => store?.cleanup());

  const wrong: { name: string; query: CountQuery; message: string; fields: Partial<InvalidQuery> }[] = [
    {
      name: 'a column the dataset does not have',
      query: crimes(eq(col('offence_grop'), lit('theft'))),
      message: 'invalid query: eq on police_crime.offence_grop: police_crime has no such column',
      fields: { operation: 'eq', dataset: 'police_crime', column: 'offence_grop' },
    },
    {
      name: 'a date operation on a text column',
      query: crimes(eq(col('offence_group'), lit('theft')), { month: month(col('offence_group')) }),
      message: 'invalid query: month on police_crime.offence_group: needs a date or a timestamp, and this is text',
      fields: { operation: 'month', dataset: 'police_crime', column: 'offence_group' },
    },
  ];
  for (const { name, query, message, fields } of wrong) {
    const c: SpecCase = { name, tables: {}, query: { count: query }, expected: [] };
    it(`${name}: Arquero`, async () => {
      const refused = runOn('arquero', store.platform, c);
      await expect(refused).rejects.toBeInstanceOf(InvalidQuery);
      await expect(refused).rejects.toThrow(message);
      await expect(refused).rejects.toMatchObject(fields);
    });
    it(`${name}: DuckDB`, async () => {
      await expect(runOn('duckdb', store.platform, c)).rejects.toThrow(message);
    });
    it(`${name}: Athena (nothing is sent)`, async () => {
      const sent: { sql: string; values: SqlValue[] }[] = [];
      await expect(athenaStatements(c, sent)).rejects.toThrow(message);
      expect(sent).toEqual([]);
    });
  }
});

describe('the check of each rule', () => {
  it.each<[string, () => void, string]>([
    ['an unknown dataset', () => checkCount({ from: 'police_crimes', groupBy: {} }, {}), 'from on police_crimes: no dataset has this id'],
    ['a column of another dataset in a semi-join\'s select', () => checkCount(crimes(inRows(col('record_key'), 'police_person', col('record_key'))), {}), 'in_rows on police_person.record_key: police_person has no such column'],
    ['a semi-join on an unknown dataset', () => checkCount(crimes(inRows(col('record_key'), 'people', col('crime_key'))), {}), 'in_rows on people: no dataset has this id'],
    ['a semi-join between a number and text', () => checkCount(crimes(inRows(col('victim_age'), 'police_person', col('crime_key'))), {}), 'in_rows on police_crime.victim_age: looks for a number among text of police_person'],
    ['a number compared with text', () => checkCount(crimes({ op: 'lt', a: col('victim_age'), b: lit('25') }), {}), 'lt on police_crime.victim_age: compares a number with text'],
    ['a date compared with text, not a date', () => checkCount(crimes({ op: 'ge', a: col('recorded_date'), b: param('from') }), { from: '2024-04-01' }), 'ge on police_crime.recorded_date: compares a date with text (the date operation makes a timestamp or a YYYY-MM-DD text a date)'],
    ['a timestamp compared with a date', () => checkCount({ from: 'asb_incident', where: { op: 'le', a: col('reported_at'), b: date(lit('2024-06-30')) }, groupBy: {} }, {}), 'le on asb_incident.reported_at: compares a timestamp with a date (the date operation makes a timestamp or a YYYY-MM-DD text a date)'],
    ['a comparison with null', () => checkCount(crimes(eq(col('victim_age'), lit(null))), {}), 'eq on police_crime.victim_age: a comparison with null is never true: use is_null or not_null'],
    ['an ordering of true/false', () => checkCount(crimes({ op: 'gt', a: col('knife_flag'), b: lit(false) }), {}), 'gt on police_crime.knife_flag: true/false values are compared only with eq or ne'],
    ['a code not in the code list (eq)', () => checkCount(crimes(eq(col('offence_group'), lit('robbery'))), {}), 'eq on police_crime.offence_group: compares with a value that is not in the code list offence_group'],
    ['a code not in the code list, literal first (ne)', () => checkCount(crimes({ op: 'ne', a: lit('robbery'), b: col('offence_group') }), {}), 'ne on police_crime.offence_group: compares with a value that is not in the code list offence_group'],
    ['a code not in the code list (in)', () => checkCount({ from: 'police_person', where: isIn(col('role'), ['suspect', 'witness']), groupBy: {} }, {}), 'in on police_person.role: compares with a value that is not in the code list person_role'],
    ['a number among text codes', () => checkCount(crimes(isIn(col('offence_group'), ['theft', 3])), {}), 'in on police_crime.offence_group: lists a number among values of text'],
    ['a list of values for a date', () => checkCount(crimes(isIn(col('recorded_date'), ['2024-06-01'])), {}), 'in on police_crime.recorded_date: lists values, which cannot be compared with a date'],
    ['a filter that is not a condition', () => checkCount(crimes(col('offence_group')), {}), 'where on police_crime.offence_group: needs a condition (true/false), and this is text'],
    ['an and of a number', () => checkCount(crimes({ op: 'and', args: [eq(col('knife_flag'), lit(true)), col('victim_age')] }), {}), 'and on police_crime.victim_age: needs a condition (true/false), and this is a number'],
    ['an empty or', () => checkCount(crimes({ op: 'or', args: [] }), {}), 'or on police_crime: needs at least one condition'],
    ['a prefix search on a plain text column', () => checkCount(crimes({ op: 'list_has_prefix', a: col('offence_group'), prefixes: ['X'] }), {}), 'list_has_prefix on police_crime.offence_group: needs a column of ;-separated codes (an ICD-10 list)'],
    ['a prefix with a LIKE wildcard', () => checkCount({ from: 'hospital_admission', where: { op: 'list_has_prefix', a: col('cause_codes'), prefixes: ['X9_'] }, groupBy: {} }, {}), 'list_has_prefix on hospital_admission.cause_codes: needs at least one prefix, each of letters, digits and dots'],
    ['the weekday of a number', () => checkCount(crimes(eq(col('knife_flag'), lit(true)), { d: { op: 'weekday', a: col('victim_age') } }), {}), 'weekday on police_crime.victim_age: needs a date or a timestamp, and this is a number'],
    ['the hour of a text column that is not a time', () => checkCount(crimes(eq(col('knife_flag'), lit(true)), { h: { op: 'hour_of_time', a: col('sector') } }), {}), 'hour_of_time on police_crime.sector: needs a time-of-day (HH:MM) column'],
    ['the date of a text column', () => checkRows({ from: 'police_person', select: { d: date(col('month_of_birth')) } }, {}), 'date on police_person.month_of_birth: needs a date, a timestamp or a YYYY-MM-DD literal or parameter, and this is a text column'],
    ['the date of a number', () => checkRows({ from: 'police_crime', select: { d: date(col('victim_age')) } }, {}), 'date on police_crime.victim_age: needs a date, a timestamp or a YYYY-MM-DD literal or parameter, and this is a number'],
    ['a dataset id that is only a name on every object', () => checkCount({ from: 'constructor', groupBy: {} }, {}), 'from on constructor: no dataset has this id'],
    ['the date of a parameter that is not YYYY-MM-DD', () => checkCount(crimes({ op: 'ge', a: col('recorded_date'), b: date(param('from')) }), { from: '1/4/2024' }), 'date on police_crime: needs a YYYY-MM-DD date, and the parameter from is not one'],
    ['a parameter not given', () => checkCount(crimes({ op: 'ge', a: col('recorded_date'), b: date(param('from')) }), {}), 'date on police_crime: the parameter from is not given'],
    ['an output name that is not a plain name', () => checkRows({ from: 'police_crime', select: { 'Key; --': col('record_key') } }, {}), 'select on police_crime: an output name must be a plain lower-case name'],
    ['a group named count', () => checkCount({ from: 'police_crime', groupBy: { count: col('record_key') } }, {}), 'group by on police_crime: the output name count is taken by the count itself'],
    ['an operation the description does not have', () => checkCount(crimes({ op: 'like', a: col('sector') } as unknown as Expr), {}), 'like on police_crime: is not an operation of the query description'],
  ])('refuses %s', (_, run, message) => {
    const error = refusal(run);
    expect(error).toBeInstanceOf(InvalidQuery);
    expect((error as Error).message).toBe(`invalid query: ${message}`);
  });

  it('never puts a value in the error: not a literal, not a parameter', () => {
    const messages = [
      refusal(() => checkCount(crimes(eq(col('offence_group'), lit('Ann Smith 2001-03-04'))), {})),
      refusal(() => checkCount(crimes({ op: 'ge', a: col('recorded_date'), b: date(param('from')) }), { from: 'LE1 5AB' })),
      refusal(() => checkCount(crimes({ op: 'lt', a: col('victim_age'), b: param('age') }), { age: 'NHS 943 476 5919' })),
    ].map((e) => (e as Error).message);
    for (const message of messages) expect(message).not.toMatch(/Ann|Smith|2001|LE1|5AB|943|5919/);
    expect(messages).toHaveLength(3);
  });

  it('lets through what the products ask: codes in their lists, dates of parameters, months, grids and semi-joins', () => {
    const period = { from: '2024-04-01', to: '2025-03-31' };
    expect(() => checkCount({
      from: 'police_crime',
      where: { op: 'and', args: [isIn(col('offence_group'), ['homicide', 'robbery_personal']), { op: 'ge', a: col('recorded_date'), b: date(param('from')) }, eq(col('knife_flag'), lit(true))] },
      groupBy: { month: month(col('recorded_date')), weekday: { op: 'weekday', a: col('offence_date') }, hour: { op: 'hour_of_time', a: col('offence_time') } },
    }, period)).not.toThrow();
    expect(() => checkRows({
      from: 'police_person',
      where: inRows(col('crime_key'), 'police_crime', col('record_key'), { op: 'le', a: col('recorded_date'), b: date(param('to')) }),
      select: { key: col('key_local'), group: col('role'), upload: col('upload_id') },
    }, period)).not.toThrow();
    expect(() => checkCount({ from: 'asb_incident', where: { op: 'le', a: date(col('reported_at')), b: date(param('to')) }, groupBy: { month: month(col('reported_at')) } }, period)).not.toThrow();
  });
});
