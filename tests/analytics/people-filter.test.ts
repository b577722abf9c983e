import { describe, expect, it } from 'vitest';
import { and, col, eq, isIn, lit, param, type PersonMeasure, type PersonQuery } from '../../analytics/ir.ts';
import { compilePersons, dialects, peopleFilter } from '../../analytics/engines/sql-compile.ts';

/**
 * A person query on DuckDB aggregates only the people its `having` can keep: those with a row that must exist for
 * it to hold (the spec cases, tests/spec/cases/persons.ts, pin that the results are the reference engine's).
 */
const measures: Record<string, PersonMeasure> = {
  suspect: { agg: 'count', where: eq(col('role'), lit('suspect')) },
  crimes: { agg: 'count_distinct', value: col('crime'), where: eq(col('dataset'), lit('police_person')) },
  first: { agg: 'min', value: col('day') },
  home: { agg: 'latest', value: col('home'), by: col('day'), where: { op: 'ne', a: col('home'), b: lit('unknown') } },
  partners: { agg: 'list', value: col('partner') },
};

describe('the people a having can keep', () => {
  it('a count of at least one needs a row its filter passes; a distinct count, one with a value too', () => {
    expect(peopleFilter({ op: 'ge', a: col('suspect'), b: lit(2) }, measures, {})).toEqual(eq(col('role'), lit('suspect')));
    expect(peopleFilter({ op: 'gt', a: col('suspect'), b: param('n') }, measures, { n: 0 })).toEqual(eq(col('role'), lit('suspect')));
    expect(peopleFilter({ op: 'ge', a: col('crimes'), b: lit(1) }, measures, {})).toEqual(and(eq(col('dataset'), lit('police_person')), { op: 'not_null', a: col('crime') }));
    // None where zero rows may do.
    expect(peopleFilter({ op: 'ge', a: col('suspect'), b: lit(0) }, measures, {})).toBeNull();
    expect(peopleFilter({ op: 'eq', a: col('suspect'), b: lit(0) }, measures, {})).toBeNull();
    expect(peopleFilter({ op: 'lt', a: col('suspect'), b: lit(3) }, measures, {})).toBeNull();
  });

  it('a min or latest that must not be null needs a row with a value; a list, a column that is no measure, nothing', () => {
    expect(peopleFilter({ op: 'not_null', a: col('first') }, measures, {})).toEqual({ op: 'not_null', a: col('day') });
    expect(peopleFilter(isIn(col('home'), ['city']), measures, {})).toEqual(and(measures.home.where!, { op: 'not_null', a: col('home') }));
    expect(peopleFilter({ op: 'le', a: col('first'), b: lit('2025-01-01') }, measures, {})).toEqual({ op: 'not_null', a: col('day') });
    expect(peopleFilter({ op: 'not_null', a: col('partners') }, measures, {})).toBeNull();
    expect(peopleFilter({ op: 'not_null', a: col('person_id') }, measures, {})).toBeNull();
  });

  it('and needs one conjunct that finds them, or every branch', () => {
    const suspect = { op: 'ge' as const, a: col('suspect'), b: lit(2) };
    expect(peopleFilter(and(eq(col('suspect'), lit(0)), suspect), measures, {})).toEqual(measures.suspect.where);
    expect(peopleFilter({ op: 'or', args: [suspect, { op: 'not_null', a: col('first') }] }, measures, {})).toEqual({ op: 'or', args: [measures.suspect.where, { op: 'not_null', a: col('day') }] });
    expect(peopleFilter({ op: 'or', args: [suspect, eq(col('suspect'), lit(0))] }, measures, {})).toBeNull();
  });

  it('is compiled on DuckDB only, its values bound in the order of the text', () => {
    const query: PersonQuery = {
      sources: [{ from: 'ae_attendance', person: 'person_id', select: { day: col('arrival_at'), role: lit('patient') } }],
      measures: { suspect: measures.suspect },
      having: { op: 'ge', a: col('suspect'), b: lit(2) },
    };
    const duckdb = compilePersons(query, {});
    expect(duckdb.sql).toContain('FROM r WHERE "person_id" IN (SELECT "person_id" FROM r WHERE ("role" = ?))');
    expect(duckdb.values).toEqual(['ae_attendance', 'patient', 'suspect', 'suspect', 2]);
    expect(compilePersons({ ...query, recordsBy: ['dataset'] }, {}).values).toEqual(['ae_attendance', 'patient', 'suspect', 'suspect', 2]);
    expect(compilePersons(query, {}, dialects.athena).sql).not.toContain('SELECT "person_id" FROM r WHERE');
  });
});
