import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, col, date, eq, inRows, isIn, lit, param, type Expr } from '../../analytics/ir.ts';
import { compileCount } from '../../analytics/engines/sql-compile.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';

const PERSON_HEADER = 'crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome';
let t: ReturnType<typeof testPlatform>;

beforeAll(async () => {
  t = testPlatform();
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER,
    crimeRow('R1', { recorded_date: '2025-01-10', offence_date: '2025-01-10', offence_group: 'robbery_personal' }),
    crimeRow('R2', { recorded_date: '2025-02-10', offence_date: '2025-02-10', offence_group: 'robbery_personal' }),
    crimeRow('T1', { recorded_date: '2025-01-15', offence_date: '2025-01-15', offence_group: 'theft' })));
  await ingestText(t.platform, 'police_person', POLICE, csv(PERSON_HEADER,
    'R1,suspect,NOM-1,Amy,Lee,2010-05-14,female,LE2 1AB,', 'R1,victim,,Bob,Ray,,male,,',
    'R2,suspect,NOM-1,Amy,Lee,2010-05-14,female,LE2 1AB,', 'T1,suspect,NOM-2,Cy,Fox,2009-01-01,male,LE1 1AA,',
    // a person in a crime that is not in the crime extracts
    'Z9,suspect,NOM-3,Di,Moe,2008-01-01,female,LE1 1AA,'));
});
afterAll(() => t.cleanup());

const robberies = (from: string): Expr => inRows(col('crime_key'), 'police_crime', col('record_key'),
  and(isIn(col('offence_group'), ['robbery_personal']), { op: 'ge', a: col('recorded_date'), b: date(param(from)) }));

describe('a semi-join (in_rows)', () => {
  it('keeps the rows whose value is among the other dataset\'s selected values, on both engines', async () => {
    const counts = await onBothEngines(t.platform, (e) => e.count({ from: 'police_person', where: robberies('from'), groupBy: { role: col('role') } }, { from: '2025-01-01' }));
    expect(counts.arquero).toEqual([{ role: 'suspect', count: 2 }, { role: 'victim', count: 1 }]);
    expect(counts.sql).toEqual(counts.arquero);
  });

  it('binds its parameters in the order of the text', async () => {
    const later = await onBothEngines(t.platform, (e) => e.count({ from: 'police_person', where: and(eq(col('role'), lit('suspect')), robberies('from')), groupBy: {} }, { from: '2025-02-01' }));
    expect(later).toEqual({ arquero: [{ count: 1 }], sql: [{ count: 1 }] });
    const { sql, values } = compileCount({ from: 'police_person', where: and(eq(col('role'), lit('suspect')), robberies('from')), groupBy: {} }, { from: '2025-02-01' });
    expect(sql.split('?').length - 1).toBe(values.length);
    expect(values).toEqual(['suspect', 'robbery_personal', '2025-02-01']);
  });

  it('treats an empty list as false for a value and null for a null, under NOT too, on both engines', async () => {
    const kept = await onBothEngines(t.platform, (e) => e.count({ from: 'police_person', where: { op: 'not', a: isIn(col('month_of_birth'), []) }, groupBy: {} }, {}));
    expect(kept).toEqual({ arquero: [{ count: 4 }], sql: [{ count: 4 }] }); // the victim has no birth month
  });

  it('treats a value not found as false, so that NOT keeps it, on both engines', async () => {
    const outside = await onBothEngines(t.platform, (e) => e.rows({ from: 'police_person', where: { op: 'not', a: inRows(col('crime_key'), 'police_crime', col('record_key')) }, select: { role: col('role') } }, {}));
    expect(outside).toEqual({ arquero: [{ role: 'suspect' }], sql: [{ role: 'suspect' }] });
  });
});
