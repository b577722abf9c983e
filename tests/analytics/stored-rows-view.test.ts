import { describe, expect, it } from 'vitest';
import { col, eq, inRows, lit } from '../../analytics/ir.ts';
import { compileCount, compileRows, dialects } from '../../analytics/engines/sql-compile.ts';

/**
 * A linked dataset's query that reads no linked person reads DuckDB's view of the stored rows, without the join to
 * the links (what the indicators and the profiles count); one that reads the person reads the dataset's view. The
 * spec cases (tests/spec/cases/query.ts) pin that both give the same rows as the reference engine.
 */
describe('the relation a SQL query reads', () => {
  it('on DuckDB: the stored rows where no linked column is read, the view where one is', () => {
    expect(compileCount({ from: 'asb_incident', where: eq(col('pen_category'), lit('personal')), groupBy: { l: col('locality') } }, {}).sql).toContain('FROM "asb_incident__stored"');
    expect(compileCount({ from: 'asb_incident', groupBy: { p: col('perpetrator_linked_person_id') } }, {}).sql).toContain('FROM "asb_incident"');
    expect(compileRows({ from: 'police_person', where: { op: 'not_null', a: col('person_id') }, select: { k: col('crime_key') } }, {}).sql).toContain('FROM "police_person" WHERE');
    // A dataset with no linked column has one view; a semi-join's subquery reads by its own columns.
    expect(compileCount({ from: 'police_crime', groupBy: {} }, {}).sql).toContain('FROM "police_crime"');
    const semi = compileCount({ from: 'police_crime', where: inRows(col('record_key'), 'police_person', col('crime_key')), groupBy: {} }, {}).sql;
    expect(semi).toContain('FROM "police_person__stored"');
    expect(compileCount({ from: 'police_person', where: inRows(col('person_id'), 'police_person', col('person_id')), groupBy: {} }, {}).sql).not.toContain('__stored');
  });

  it('on Athena: always the dataset\'s view', () => {
    expect(compileCount({ from: 'asb_incident', groupBy: { l: col('locality') } }, {}, dialects.athena).sql).toContain('FROM "asb_incident"');
  });
});
