import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelled } from '../../analytics/render/labels.ts';
import { exportAbout } from '../../functions/products/about.ts';
import { renderProduct, runProduct, type ProductRequest } from '../../functions/products/service.ts';
import { CRIME_HEADER, POLICE, crimeRow, crimeRows, csv, ingestText, testPlatform } from '../helpers.ts';

/** Exports for people: labels, not codes; columns that fit them; and what the file is (VRU, period, data to, when). */
let t: ReturnType<typeof testPlatform>;
beforeAll(async () => {
  t = testPlatform();
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('EX', 30, '2024-04-01'),
    crimeRow('EX-k', { knife_flag: 'Y', offence_group: 'robbery_personal', recorded_date: '2024-05-02', offence_date: '2024-05-02', victim_sex: '' })));
});
afterAll(() => t.cleanup());

const render = async (request: ProductRequest, format: 'csv' | 'xlsx') =>
  renderProduct(request, await runProduct(t.platform, 'sql', request), format, t.platform.deployment, undefined, await exportAbout(t.platform, request));

describe('exports', () => {
  it('says Not recorded only in a column of words: a suppressed count alone stays empty', () => {
    const table = labelled({ name: 'x', columns: ['period', 'count', 'home_locality'], rows: [['2025-26', null, null], ['2024-25', 4, 'leicester']] });
    expect(table.rows[0].slice(1)).toEqual([null, 'Not recorded']);
    expect(table.rows[1][1]).toBe(4);
    expect(labelled({ name: 'y', columns: ['count'], rows: [[null]] }).rows).toEqual([[null]]);
  });


  it('the measures CSV opens with the VRU, the period, the data to date and when, then labels the codes', async () => {
    const { body } = await render({ product: 'measures', period: '2024-25', baseline: '2019-20' }, 'csv');
    const lines = String(body).split('\r\n');
    expect(lines.slice(0, 5)).toEqual([
      'Produced by,"Leicester, Leicestershire and Rutland Violence Reduction Network"', 'Period,2024-25', 'Data to,2024-05-02', 'Produced,2025-11-01 12:00 UTC', '',
    ]);
    expect(lines[5]).toBe('Measure,Split,Period,Count,Baseline,Baseline count,Change vs baseline %,Previous count,Change vs previous %');
    expect(lines.filter((l) => l.startsWith('Knife-enabled serious violence,All ages,2024-25,1,'))).toHaveLength(1);
    expect(String(body)).not.toMatch(/knife_serious_violence|all_ages|under_25/);
  });

  it('the profile XLSX says Yes and No and Not recorded, and each column is as wide as its longest text', async () => {
    const { body } = await render({ product: 'profile', locality: 'leicester', period: '2024-25', audience: 'analyst' }, 'xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(body as Uint8Array) as never);
    const summary = book.getWorksheet('Summary')!;
    expect([1, 2, 3, 4].map((r) => summary.getRow(r).getCell(1).value)).toEqual(['Produced by', 'Period', 'Data to', 'Produced']);
    expect(summary.getRow(1).getCell(2).value).toBe('Leicester, Leicestershire and Rutland Violence Reduction Network');
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 6 });
    const rows = summary.getSheetValues().slice(6).map((r) => (r as unknown[]).slice(1));
    expect(rows).toContainEqual(['Rounded to 5', 'No']);
    expect(rows).toContainEqual(['Knife-enabled serious violence', 1]);
    const sex = book.getWorksheet('Victim sex')!.getSheetValues().slice(7).map((r) => (r as unknown[]).slice(1));
    expect(sex).toContainEqual(['Not recorded', 1, 'No']);
    const groups = book.getWorksheet('Offence group')!;
    const texts = groups.getSheetValues().slice(6).map((r) => String((r as unknown[])[1] ?? ''));
    expect(texts).toContain('Robbery personal');
    expect(texts).not.toContain('robbery_personal');
    // Every sheet: each column at least as wide as its header and its longest text below the opening.
    for (const sheet of book.worksheets) {
      for (let i = 1; i <= sheet.getRow(6).cellCount; i++) {
        const longest = Math.max(...sheet.getSheetValues().slice(6).map((r) => String((r as unknown[] | undefined)?.[i] ?? '').length));
        // exceljs leaves out a width of 9, its default, and reads it back as none.
        expect(sheet.getColumn(i).width ?? 9).toBeGreaterThanOrEqual(Math.min(60, longest));
      }
    }
  });
});
