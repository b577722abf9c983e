import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localityProfile, profileLongTable, type ProfileResult } from '../../analytics/products/locality-profile.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';
import { agreement, llr } from '../deployments.ts';

/** Charnwood (population 183,900) in 2024-25, with counts small enough to check by hand. */
const crime = (ref: string, day: string, group: string, cells: Record<string, string> = {}) =>
  crimeRow(ref, { recorded_date: day, offence_date: day, offence_group: group, postcode: 'LE11 3AB', offence_time: '22:10', ...cells });

let t: ReturnType<typeof testPlatform>;
let csp: Record<'arquero' | 'sql', ProfileResult>;
let analyst: Record<'arquero' | 'sql', ProfileResult>;
beforeAll(async () => {
  t = testPlatform();
  const assaults = Array.from({ length: 12 }, (_, i) => crime(`A${i}`, `2024-06-${String(i + 1).padStart(2, '0')}`, 'assault_with_injury', { victim_date_of_birth: '', victim_age: '30', victim_sex: 'male' }));
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER,
    ...assaults, // 12 assaults with injury, Saturdays and others in June 2024, 22:xx
    crime('R1', '2024-07-06', 'robbery_personal', { knife_flag: 'Y', postcode: 'LE11 5ZZ', victim_date_of_birth: '2008-01-01' }),
    crime('R2', '2024-07-07', 'robbery_personal', { knife_flag: 'Y', postcode: 'LE11 5ZZ', domestic_flag: 'Y' }),
    crime('T1', '2024-07-08', 'theft'), // not serious violence
    crime('P1', '2023-06-01', 'assault_with_injury'), crime('P2', '2023-06-02', 'rape'), // previous year: 2
    crime('L1', '2024-06-01', 'assault_with_injury', { postcode: 'LE1 1AA' }), // Leicester: counts for LLR only
    crime('U1', '2024-06-01', 'assault_with_injury', { postcode: '' }))); // unknown locality: LLR only
  await ingestText(t.platform, 'ae_attendance', 'uhl', csv('attendance_id,arrival_at,means_of_assault,incident_postcode',
    ...Array.from({ length: 6 }, (_, i) => `E${i},2024-08-0${i + 1}T23:00,knife_or_sharp,LE11 2AA`), ...Array.from({ length: 9 }, (_, i) => `F${i},2024-08-0${i + 1}T23:00,body_part,LE11 2AA`)));
  await ingestText(t.platform, 'school_exclusion', 'leicestershire-county-council', csv('exclusion_id,home_postcode,category,reason_code,start_date',
    ...Array.from({ length: 6 }, (_, i) => `X${i},LE11 4AB,suspension,PA,2024-09-1${i}`), 'X9,LE11 4AB,suspension,PD,2024-09-20', 'X8,LE11 4AB,permanent_exclusion,OW,2024-10-01'));
  csp = await onBothEngines(t.platform, (e) => localityProfile(e, llr, agreement, { locality: 'charnwood', period: '2024-25' }));
  analyst = await onBothEngines(t.platform, (e) => localityProfile(e, llr, agreement, { locality: 'charnwood', period: '2024-25', audience: 'analyst' }));
}, 60_000);
afterAll(() => t.cleanup());

describe('locality profile', () => {
  it('is identical on both engines, for both audiences', () => {
    expect(csp.arquero).toEqual(csp.sql);
    expect(analyst.arquero).toEqual(analyst.sql);
  });

  it('counts serious violence with its rate, the LLR rate and the change on last year', () => {
    // The CSP audience's counts are rounded to 5, as its indicators are (one regime for everything it sees).
    expect(csp.sql.serious_violence).toEqual({
      count: 15, suppressed: false, rate_per_1000: 0.08, // 14 rounded to 15; 15 / 183,900 × 1,000
      // LLR's 16 rounded is 15, 13..17; with Charnwood's 14 (pinned to 14..16 by its breakdowns) Leicester's
      // suppressed 1 is left in 1..3, three values: the rule's least, so the LLR figure stays
      area_rate_per_1000: 0.01,
      previous_count: null, change_pct: null, // 2 last year is a small count: withheld from CSP officers
    });
    expect(analyst.sql.serious_violence).toMatchObject({ count: 14, previous_count: 2, change_pct: 600, area_rate_per_1000: 0.01 }); // 16 / 1,121,900 × 1,000
  });

  it('suppresses small cells for CSP officers, rounds the rest, and shows analysts everything', () => {
    const group = (p: ProfileResult, g: string) => p.by_offence_group.find((r) => r.group === g)!;
    // 12 rounded to 10 (8..12) beside the total's 14..16 leaves robbery's 2 at least three values: nothing more is withheld
    expect(group(csp.sql, 'assault_with_injury')).toEqual({ group: 'assault_with_injury', count: 10, suppressed: false });
    expect(group(csp.sql, 'robbery_personal')).toEqual({ group: 'robbery_personal', count: null, suppressed: true }); // 2: primary
    expect(group(csp.sql, 'rape')).toEqual({ group: 'rape', count: 0, suppressed: false });
    expect(group(analyst.sql, 'robbery_personal').count).toBe(2);
    expect(csp.sql.knife_serious_violence).toMatchObject({ count: null, suppressed: true });
    expect(analyst.sql.knife_serious_violence).toMatchObject({ count: 2, previous_count: 0, change_pct: null });
  });

  it('places crimes by weekday and hour, and lists hotspots with their share', () => {
    const june1 = analyst.sql.hour_by_weekday.cells[5][22]; // 2024-06-01 was a Saturday
    expect(june1.count).toBeGreaterThan(0);
    const total = analyst.sql.hour_by_weekday.cells.flat().reduce((n, c) => n + (c.count ?? 0), 0);
    expect(total).toBe(14);
    expect(analyst.sql.hotspots).toEqual([{ sector: 'LE11 3', count: 12, share_pct: 85.7 }, { sector: 'LE11 5', count: 2, share_pct: 14.3 }]);
    // LE11 5's 2 is small and never listed; LE11 3's 12, rounded, leaves it anywhere in 1..4
    expect(csp.sql.hotspots).toEqual([{ sector: 'LE11 3', count: 10, share_pct: 66.7 }]);
  });

  it('uses the hospital threshold (1–7) for A&E cells and counts only violence-related exclusions', () => {
    expect(csp.sql.ae_attendances.count).toBe(15);
    expect(csp.sql.ae_attendances.by_means_of_assault.find((r) => r.key === 'knife_or_sharp')).toEqual({ key: 'knife_or_sharp', count: null, suppressed: true });
    expect(analyst.sql.ae_attendances.by_means_of_assault.find((r) => r.key === 'body_part')!.count).toBe(9);
    expect(analyst.sql.school_exclusions.count).toBe(7);
    expect(analyst.sql.school_exclusions.by_category.map((r) => [r.key, r.count])).toEqual([['suspension', 6], ['permanent_exclusion', 1]]);
  });

  it('renders as one long table for CSV, with nothing recoverable that was suppressed', () => {
    const long = profileLongTable(csp.sql);
    expect(long.columns).toEqual(['section', 'category', 'count', 'suppressed']);
    const robbery = long.rows.find((r) => r[0] === 'Offence group' && r[1] === 'robbery_personal')!;
    expect(robbery).toEqual(['Offence group', 'robbery_personal', null, true]);
  });

  it('refuses an unknown locality', async () => {
    await expect(onBothEngines(t.platform, (e) => localityProfile(e, llr, agreement, { locality: 'atlantis', period: '2024-25' }))).rejects.toThrow('unknown locality');
  });
});
