import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disclose } from '../../analytics/disclosure.ts';
import { countMonitoring, type Monitoring } from '../../analytics/products/programme-monitoring.ts';
import { authorise } from '../../functions/api/authorise.ts';
import { computeProduct } from '../../functions/products/service.ts';
import { openEngine } from '../../analytics/engine.ts';
import type { ProgrammeReport } from '../../analytics/products/programme-report.ts';
import { csv, ingestText, testPlatform } from '../helpers.ts';
import { onBothEngines } from './engines.ts';

const HEADER = 'referral_id,programme,strand,forename,surname,date_of_birth,sex,home_postcode,referral_date,referral_source,start_date,end_date,exit_reason,sessions_offered,sessions_attended,onward_mental_health,onward_housing,pre_score,post_score';
// Reach in 2023-24: seven referrals in the year (one the year before, one after), five starts, three exits.
const ROWS = [
  'R1,reach,,Amy,Stone,2010-05-01,female,LE2 1AB,2023-04-03,school,2023-04-10,2023-07-01,completed,10,9,1,0,30,24',
  'R2,reach,,Ben,Hall,2009-02-01,male,LE2 1AB,2023-04-20,school,2023-05-20,2023-09-30,good_progress,12,10,0,1,28,25',
  'R3,reach,,Cal,Ward,2011-03-01,male,LE11 1AA,2023-06-01,panel,2023-06-15,2024-03-31,disengaged,20,5,0,0,,',
  'R4,reach,,Dee,Moss,2008-09-01,female,LE11 1AA,2023-08-01,police,2023-08-11,,,6,6,2,0,,',
  'R5,reach,,Eve,Lamb,2012-01-01,female,LE2 1AB,2023-10-01,school,2024-04-01,,,,,,,,',
  'R6,reach,,Fay,Cole,2010-12-01,female,LE2 1AB,2024-01-15,social_care,,,,,,,,,',
  'R7,reach,,Gus,Reed,2009-07-01,male,LE2 1AB,2024-03-01,school,2024-03-02,,,1,1,0,0,,',
  'R8,reach,,Hal,Shaw,2010-07-01,male,LE2 1AB,2022-12-01,school,2023-01-05,2023-04-01,moved_away,8,4,0,0,,',
  'R9,phoenix,,Ian,Park,2005-07-01,male,LE2 1AB,2023-05-01,police,2023-05-03,,,3,3,0,0,,',
];

let t: ReturnType<typeof testPlatform>;
beforeAll(async () => {
  t = testPlatform();
  const report = await ingestText(t.platform, 'programme_delivery', 'vrn', csv(HEADER, ...ROWS));
  expect(report.rows_accepted).toBe(ROWS.length);
});
afterAll(() => t.cleanup());

const counts = (cells: { key: string; count: { count: number | null } }[]) => Object.fromEntries(cells.filter((c) => c.count.count).map((c) => [c.key, c.count.count]));

describe('programme monitoring', () => {
  it('counts referrals, starts, sessions, exits, onward referrals and scores on both engines alike', async () => {
    const { programmes } = t.platform.deployment;
    const results = await onBothEngines(t.platform, async (engine) => disclose(await countMonitoring(engine, t.platform.agreement, programmes, { programme: 'reach', period: '2023-24', audience: 'analyst' }), 'none'));
    expect(results.sql).toEqual(results.arquero);
    const m: Monitoring = results.sql;
    expect(m.referrals.total.count).toBe(7);
    expect(counts(m.referrals.by_source)).toEqual({ school: 4, panel: 1, police: 1, social_care: 1 });
    expect(m.starts.total.count).toBe(5); // R1, R2, R3, R4, R7 (R5 starts in 2024-25, R8 before)
    expect(m.starts.not_started.count).toBe(1); // R6
    expect([m.starts.days_to_start_median, m.starts.days_to_start_mean]).toEqual([10, 12.4]); // 7, 30, 14, 10, 1
    expect(m.engagement).toEqual({ sessions_offered: 49, sessions_attended: 31, attendance_pct: 63.3 });
    expect(m.exits.total.count).toBe(4); // R1, R2, R3 and R8 (ended 2023-04-01)
    expect(counts(m.exits.by_reason)).toEqual({ completed: 1, good_progress: 1, disengaged: 1, moved_away: 1 });
    expect(counts(m.onward_referrals.by_kind)).toEqual({ mental_health: 3, housing: 1 });
    expect(m.measure).toMatchObject({ id: 'sdq_total', scored: { count: 2 }, pre_mean: 29, post_mean: 24.5, change_mean: -4.5 });
    expect(counts(m.reached.sex)).toEqual({ female: 2, male: 3 });
    expect(counts(m.reached.age_band)).toEqual({ '10-17': 5 });
    expect(counts(m.reached.locality)).toEqual({ leicester: 3, charnwood: 2 });
    expect(m.monthly.find((x) => x.month === '2023-04')).toMatchObject({ referrals: { count: 2 }, starts: { count: 1 }, exits: { count: 1 } });
    expect(m.monthly.reduce((n, x) => n + x.referrals.count!, 0)).toBe(7);
  });

  it('names an unknown programme', async () => {
    const engine = await openEngine('arquero', t.platform);
    try {
      await expect(countMonitoring(engine, t.platform.agreement, t.platform.deployment.programmes, { programme: 'knitting', period: '2023-24', audience: 'analyst' })).rejects.toThrow(/unknown programme "knitting"; known: vip, phoenix/);
    } finally { await engine.close(); }
  });

  it('is disclosure-controlled for a programme lead, who sees only their own programme', async () => {
    const lead = t.platform.deployment.users.find((u) => u.role === 'programme_lead' && u.programme === 'phoenix')!;
    const scope = (programme: string, audience: 'csp' | 'analyst') => ({ action: 'programme.read' as const, scope: { programme, audience } });
    expect(authorise(lead, scope('phoenix', 'csp'), t.platform.agreement)).toEqual({ allowed: true });
    expect(authorise(lead, scope('reach', 'csp'), t.platform.agreement)).toMatchObject({ allowed: false, reason: 'programme reach is outside this user\'s programme' });
    expect(authorise(lead, scope('phoenix', 'analyst'), t.platform.agreement)).toMatchObject({ allowed: false });
    const engine = await openEngine('sql', t.platform);
    try {
      const r = await computeProduct(engine, t.platform, { product: 'programme', programme: 'reach', period: '2023-24', audience: 'csp' }) as ProgrammeReport;
      // Every count from 1 to 4 is withheld, and whatever would give one away: no published figure is in 1..4.
      const shown = [r.referrals.total, ...r.referrals.by_source.map((c) => c.count), r.starts.total, ...r.exits.by_reason.map((c) => c.count), ...r.reached.sex.map((c) => c.count), ...r.monthly.flatMap((m) => [m.referrals, m.starts, m.exits])];
      expect(shown.filter((c) => !c.suppressed && c.count! >= 1 && c.count! <= 4)).toEqual([]);
      // Sources 4, 1, 1, 1: each withheld, and the total with them, since it would give their sum away.
      expect(r.referrals.by_source.filter((c) => c.count.suppressed).map((c) => c.key)).toEqual(['school', 'police', 'social_care', 'panel']);
      expect(r.referrals.total).toEqual({ count: null, suppressed: true });
      // Sums and means of people are shown only where the count behind them is.
      expect(r.starts.total.suppressed).toBe(true);
      expect(r.engagement).toEqual({ sessions_offered: null, sessions_attended: null, attendance_pct: null });
      expect(r.measure).toMatchObject({ scored: { count: null, suppressed: true }, pre_mean: null, change_mean: null });
      expect(r.outcomes.windows.every((w) => w.did.estimate === null)).toBe(true);
    } finally { await engine.close(); }
  });
});
