import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { successMeasures, type MeasuresResult } from '../../analytics/products/success-measures.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';

/** Small crafted extracts whose measures are counted by hand below. */
const crime = (ref: string, day: string, group: string, knife: boolean, age: number | null, domestic = false) =>
  crimeRow(ref, { recorded_date: day, offence_date: day, offence_group: group, knife_flag: knife ? 'Y' : 'N', domestic_flag: domestic ? 'Y' : 'N', victim_age: age === null ? '' : String(age), victim_date_of_birth: '' });

let t: ReturnType<typeof testPlatform>;
let results: Record<'arquero' | 'sql', MeasuresResult>;
beforeAll(async () => {
  t = testPlatform();
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER,
    // 2019-20, the baseline: five knife-enabled serious violence (one a homicide), two homicides
    crime('B1', '2019-05-10', 'assault_with_injury', true, 20), crime('B2', '2019-08-01', 'robbery_personal', true, 20),
    crime('B3', '2019-12-24', 'assault_with_injury', true, 30), crime('B4', '2020-03-31', 'rape', true, 40),
    crime('B5', '2019-07-07', 'homicide', false, 22), crime('B6', '2019-11-11', 'homicide', true, 60),
    // 2023-24, the previous year
    crime('P1', '2023-06-15', 'assault_with_intent_serious_harm', true, 18), crime('P2', '2024-02-29', 'robbery_business', true, 50),
    // 2024-25: four knife-enabled serious violence, one non-domestic homicide
    crime('N1', '2024-04-01', 'assault_with_injury', true, 17), crime('N2', '2024-04-30', 'robbery_personal', true, 30),
    crime('N3', '2025-03-31', 'assault_with_intent_serious_harm', true, null), crime('N4', '2024-09-09', 'homicide', true, 19),
    // not counted: no knife, not a serious-violence group, domestic homicide, outside the year
    crime('X1', '2024-05-01', 'assault_with_injury', false, 20), crime('X2', '2024-05-02', 'theft', true, 20),
    crime('X3', '2024-05-03', 'possession_of_weapon', true, 20), crime('X4', '2024-10-10', 'homicide', false, 30, true),
    crime('X5', '2025-04-01', 'assault_with_injury', true, 20)));
  await ingestText(t.platform, 'hospital_admission', 'mlcsu', csv('admission_id,admission_date,admission_method,cause_codes,age',
    'H1,2024-06-01,21,S21.1;X99.4,20', 'H2,2024-06-02,11,X99.1,20', 'H3,2024-06-03,2A,W25.0,20', 'H4,2025-01-05,22,X99.0,40',
    'H5,2024-07-01,2B,S01.0;Y04,20', 'H6,2019-06-06,21,X99.9,30'));
  results = await onBothEngines(t.platform, (engine) => successMeasures(engine, '2024-25', '2019-20'));
}, 60_000);
afterAll(() => t.cleanup());

const pick = (r: MeasuresResult, id: string, split: string) => {
  const { monthly: _m, rolling_12_months: _r, ...figures } = r.measures.find((m) => m.id === id && m.split === split)!;
  return figures;
};

describe('success measures', () => {
  it('are identical on both engines', () => {
    expect(results.arquero).toEqual(results.sql);
  });

  it.each([
    ['knife_serious_violence', 'all_ages', 4, 5, -20, 2, 100],
    ['knife_serious_violence', 'under_25', 2, 2, 0, 1, 100],
    ['homicide', 'all_ages', 1, 2, -50, 0, null],
    ['homicide', 'under_25', 1, 0, null, 0, null],
    ['hospital_admissions_sharp_object', 'all_ages', 2, 1, 100, 0, null],
    ['hospital_admissions_sharp_object', 'under_25', 1, 0, null, 0, null],
  ])('%s %s: hand-counted figures', (id, split, count, baseline, vsBaseline, previous, vsPrevious) => {
    expect(pick(results.sql, id, split)).toEqual({
      id, split, count, baseline_count: baseline, change_vs_baseline_pct: vsBaseline, previous_count: previous, change_vs_previous_pct: vsPrevious,
    });
  });

  it('gives the monthly and rolling 12-month series of the year', () => {
    const knife = results.arquero.measures.find((m) => m.id === 'knife_serious_violence' && m.split === 'all_ages')!;
    expect(knife.monthly.map((m) => m.month)).toEqual(['2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03']);
    expect(knife.monthly.map((m) => m.count)).toEqual([2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    // April 2024's rolling year runs May 2023 – April 2024: June 2023, February 2024 and April's two
    expect(knife.rolling_12_months[0]).toEqual({ month: '2024-04', count: 4 });
    expect(knife.rolling_12_months[11]).toEqual({ month: '2025-03', count: 4 });
  });

  it('refuses a period that is not a financial year', async () => {
    await expect(onBothEngines(t.platform, (engine) => successMeasures(engine, '2024-26'))).rejects.toThrow('financial year');
  });
});

describe('the Home Office return', () => {
  it('renders as CSV and XLSX tables with the summary and the monthly series', async () => {
    const { measuresTables } = await import('../../analytics/products/success-measures.ts');
    const { toCsv } = await import('../../analytics/render/csv.ts');
    const { toXlsx } = await import('../../analytics/render/xlsx.ts');
    const ExcelJS = (await import('exceljs')).default;
    const tables = measuresTables(results.sql);
    const csvLines = toCsv(tables[0]).trim().split('\r\n');
    expect(csvLines[0]).toBe('measure,split,period,count,baseline,baseline_count,change_vs_baseline_pct,previous_count,change_vs_previous_pct');
    expect(csvLines).toContain('knife_serious_violence,all_ages,2024-25,4,2019-20,5,-20,2,100');
    expect(csvLines).toContain('homicide,all_ages,2024-25,1,2019-20,2,-50,0,');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await toXlsx(tables)) as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Summary', 'Monthly']);
    expect(workbook.getWorksheet('Monthly')!.rowCount).toBe(1 + 6 * 12);
    expect(workbook.getWorksheet('Summary')!.getRow(2).getCell(4).value).toBe(2);
  });
});
