import { afterEach, describe, expect, it } from 'vitest';
import { getDataset } from '../../schemas/datasets/index.ts';
import { countingParts } from '../../analytics/counting.ts';
import type { ExtractEntry } from '../../functions/platform/catalog/catalog.ts';
import { CRIME_HEADER, POLICE, crimeRow, crimeRows, csv, ingestText, sql, testPlatform } from '../helpers.ts';

let cleanup = () => {};
afterEach(() => cleanup());
const setup = () => { const t = testPlatform(); cleanup = t.cleanup; return t; };

const countByMonth = async (platform: Parameters<typeof sql>[0]) =>
  Object.fromEntries((await sql(platform, "SELECT strftime(recorded_date, '%Y-%m') AS month, count(*)::INTEGER AS n, min(upload_id) AS first, max(upload_id) AS last FROM police_crime GROUP BY 1 ORDER BY 1"))
    .map((r) => [r.month, r.n]));

describe('supersession: the latest accepted extract covering a date wins', () => {
  it('a correction for part of the period replaces only that part', async () => {
    const { platform } = setup();
    const year = await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('Y', 90, '2024-04-01')));
    expect([year.period_from, year.period_to]).toEqual(['2024-04-01', '2024-06-29']);
    expect(await countByMonth(platform)).toEqual({ '2024-04': 30, '2024-05': 31, '2024-06': 29 });

    // May resent with ten crimes: May's 31 rows no longer count, April and June stay.
    const may = await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('M', 10, '2024-05-01')), { periodFrom: '2024-05-01', periodTo: '2024-05-31' });
    expect(may.status).toBe('accepted');
    expect(may.supersedes).toEqual([year.upload_id]);
    expect(await countByMonth(platform)).toEqual({ '2024-04': 30, '2024-05': 10, '2024-06': 29 });

    const owners = await sql(platform, "SELECT DISTINCT upload_id FROM police_crime WHERE recorded_date BETWEEN DATE '2024-05-01' AND DATE '2024-05-31'");
    expect(owners).toEqual([{ upload_id: may.upload_id }]);
    // both extracts stay stored and auditable
    expect((await platform.catalog.read()).extracts.map((e) => e.upload_id)).toEqual([year.upload_id, may.upload_id]);
  });

  it('an empty-period correction removes the rows of that period (a month resent with no crimes)', async () => {
    const { platform } = setup();
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('Y', 61, '2024-04-01')));
    // period given wider than the rows: the stated period is what it covers
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, crimeRow('Z-1', { recorded_date: '2024-05-20', offence_date: '2024-05-20' })), { periodFrom: '2024-05-01', periodTo: '2024-05-31' });
    expect(await countByMonth(platform)).toEqual({ '2024-04': 30, '2024-05': 1 });
  });

  it("one partner's extract never supersedes another partner's", async () => {
    const { platform } = setup();
    const header = 'incident_ref,source,reported_at,pen_category';
    const rows = (p: string) => Array.from({ length: 20 }, (_, i) => `${p}-${i},case_management,2024-05-${String(i + 1).padStart(2, '0')} 10:00,nuisance`);
    await ingestText(platform, 'asb_incident', 'leicester-city-council', csv(header, ...rows('C')));
    const county = await ingestText(platform, 'asb_incident', 'leicestershire-county-council', csv(header, ...rows('K')));
    expect(county.supersedes).toEqual([]);
    expect(await sql(platform, 'SELECT partner, count(*)::INTEGER AS n FROM asb_incident GROUP BY 1 ORDER BY 1')).toEqual([
      { partner: 'leicester-city-council', n: 20 }, { partner: 'leicestershire-county-council', n: 20 },
    ]);
  });

  it("a snapshot replaces the partner's earlier snapshot whole", async () => {
    const { platform } = setup();
    const header = 'episode_id,service,start_date,end_date';
    const first = await ingestText(platform, 'support_episode', 'vrn', csv(header, 'E-1,vrn_intervention,2023-01-01,', 'E-2,vrn_intervention,2023-02-01,2023-06-01'));
    const second = await ingestText(platform, 'support_episode', 'vrn', csv(header, 'E-1,vrn_intervention,2023-01-01,2024-01-01'));
    expect(second.supersedes).toEqual([first.upload_id]);
    expect(await sql(platform, 'SELECT end_date FROM support_episode')).toEqual([{ end_date: '2024-01-01' }]);
  });

  it('computes counting parts for overlapping corrections in order of acceptance', () => {
    const entry = (seq: number, from: string, to: string): ExtractEntry => ({
      upload_id: `u${seq}`, dataset: 'police_crime', partner: POLICE, period_from: from, period_to: to,
      content_key: `k${seq}`, file: `f${seq}`, rows: 1, accepted_at: '', seq,
    });
    const parts = countingParts(getDataset('police_crime'), [
      entry(1, '2024-04-01', '2025-03-31'), entry(2, '2024-06-01', '2024-08-31'), entry(3, '2024-08-01', '2024-09-30'),
    ]);
    expect(parts.map((p) => [p.upload_id, p.from, p.to])).toEqual([
      ['u1', '2024-04-01', '2024-05-31'], ['u1', '2024-10-01', '2025-03-31'],
      ['u2', '2024-06-01', '2024-07-31'],
      ['u3', '2024-08-01', '2024-09-30'],
    ]);
  });
});

describe('uploads that change nothing', () => {
  it('recognises the same file uploaded twice', async () => {
    const { platform } = setup();
    const text = csv(CRIME_HEADER, ...crimeRows('S', 5));
    const first = await ingestText(platform, 'police_crime', POLICE, text);
    const catalogBefore = await platform.catalog.version();
    const files = await platform.storage.list('curated');
    const again = await ingestText(platform, 'police_crime', POLICE, text);
    expect(again.duplicate_of).toBe(first.upload_id);
    expect(again.upload_id).toBe(first.upload_id);
    expect(await platform.catalog.version()).toBe(catalogBefore);
    expect(await platform.storage.list('curated')).toEqual(files);
  });

  it('a rejected extract stores nothing and changes nothing', async () => {
    const { platform } = setup();
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('OK', 10)));
    const version = await platform.catalog.version();
    const files = await platform.storage.list('curated');
    const bad = await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('B', 5).map((r) => r.replace(',N,N,', ',maybe,N,'))));
    expect(bad.status).toBe('rejected');
    expect(await platform.catalog.version()).toBe(version);
    expect(await platform.storage.list('curated')).toEqual(files);
    expect(await sql(platform, 'SELECT count(*)::INTEGER AS n FROM police_crime')).toEqual([{ n: 10 }]);
  });

  it('a crash between writing the data and recording it in the catalog leaves the previous state', async () => {
    const { platform } = setup();
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('A', 10, '2024-04-01')));
    const version = await platform.catalog.version();
    const crash = ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('B', 3, '2024-04-01')), {
      beforeCommit: async () => { throw new Error('power cut'); },
    });
    await expect(crash).rejects.toThrow('power cut');
    expect(await platform.catalog.version()).toBe(version);
    const rows = await sql(platform, "SELECT count(*)::INTEGER AS n, min(upload_id) = max(upload_id) AS one FROM police_crime");
    expect(rows).toEqual([{ n: 10, one: true }]);
  });

  it('concurrent ingests both land: the catalog loses no update', async () => {
    const { platform } = setup();
    const reports = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows(`C${i}`, 5, `2024-0${i + 1}-01`)))));
    expect(reports.every((r) => r.status === 'accepted')).toBe(true);
    const catalog = await platform.catalog.read();
    expect(catalog.extracts.map((e) => e.seq).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await sql(platform, 'SELECT count(*)::INTEGER AS n FROM police_crime')).toEqual([{ n: 30 }]);
  });
});
