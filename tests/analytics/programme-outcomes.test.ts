import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../analytics/engine.ts';
import { addMonthsToDay, beforeAfter, ComparisonPool, contactKinds, participantsContacts, programmeOutcomes, stratumOn, type ContactPerson } from '../../analytics/products/programme-outcomes.ts';
import { isoToDay } from '../../analytics/dates.ts';
import { seededRandom } from '../../analytics/random.ts';
import { loadSampleExtracts } from '../../functions/ingest/sample-loader.ts';
import { specPlatform } from '../spec/runner.ts';
import { onBothEngines } from './engines.ts';
import { generateSample } from '../../sample-data/generator/index.ts';
import { PLANTED_EFFECT } from '../../sample-data/generator/programmes.ts';
import { tempDataDir, testPlatform } from '../helpers.ts';

const day = (iso: string) => isoToDay(iso)!;
const person = (id: string, contacts: [string, string][], extra: Partial<ContactPerson> = {}): ContactPerson => ({
  id, birth: '2008-06', sex: 'male', homes: [{ day: day('2020-01-01'), locality: 'leicester' }], referrals: [],
  contacts: contacts.map(([kind, d]) => ({ kind: kind as ContactPerson['contacts'][number]['kind'], day: day(d) })), ...extra,
});

describe('outcome windows', () => {
  it('counts the start day as after, the day a window opens as in it, and the day it closes as out', () => {
    const start = day('2023-03-31');
    const p = person('a', [
      ['suspect_offender', '2022-09-29'], ['suspect_offender', '2022-09-30'], ['asb_perpetrator', '2023-03-30'],
      ['suspect_offender', '2023-03-31'], ['suspect_offender', '2023-09-29'], ['suspect_offender', '2023-09-30'],
      ['ed_assault', '2023-05-01'],
    ]);
    // Six months before 31 March is 30 September (the month's end clamps), and six after is 30 September too.
    expect([addMonthsToDay(start, -6), addMonthsToDay(start, 6)].map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10))).toEqual(['2022-09-30', '2023-09-30']);
    expect(beforeAfter(p, start, 6, ['suspect_offender', 'asb_perpetrator'])).toEqual({ before: 2, after: 2 });
    expect(beforeAfter(p, start, 6, contactKinds)).toEqual({ before: 2, after: 3 });
    expect(beforeAfter(p, start, 12, ['suspect_offender'])).toEqual({ before: 2, after: 3 });
  });
});

describe('the comparison pool', () => {
  it('finds by stratum exactly the people that stratifying everyone on the day finds', () => {
    const rand = seededRandom(7), pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
    const from = day('2019-01-01'), span = 6 * 365;
    // Births from 1960 to after the last day (an age below zero falls in the last band), moves, missing values.
    const people = Array.from({ length: 600 }, (_, i) => person(`c${i}`,
      Array.from({ length: Math.floor(rand() * 6) }, () => [pick(contactKinds), iso(from + Math.floor(rand() * span))] as [string, string]), {
        birth: rand() < 0.05 ? null : `${1960 + Math.floor(rand() * 66)}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}`,
        sex: rand() < 0.05 ? null : pick(['male', 'female']),
        homes: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => ({ day: rand() < 0.1 ? null : from + Math.floor(rand() * span), locality: pick(['leicester', 'charnwood', 'blaby']) })).sort((a, b) => (b.day ?? -Infinity) - (a.day ?? -Infinity)),
      }));
    const pool = new ComparisonPool(people);
    let found = 0;
    for (let k = 0; k < 200; k++) {
      const on = from + Math.floor(rand() * span), stratum = stratumOn(pick(people), on);
      if (!stratum) continue;
      const expected = people.filter((p) => stratumOn(p, on) === stratum).map((p) => p.id).sort();
      expect(pool.in(stratum, on).map((p) => p.id).sort(), stratum).toEqual(expected);
      found += expected.length;
    }
    expect(found).toBeGreaterThan(200);
  });
});

describe('contacts read from the engines', () => {
  // P1 starts VIP on 31 March 2023: crimes on the edges of the six-month windows (two on the start day), an ASB
  // report the day before, an assault admission after and an admission of another cause; a victim record is no
  // contact. P2, born in the participants' years, may be compared; P3 (born years before) and P4 (a support episode
  // only) may not, nor may a record linked to no one.
  const crimes = ['2022-09-29', '2022-09-30', '2023-03-30', '2023-03-31', '2023-03-31', '2023-09-29', '2023-09-30', '2023-06-01'];
  const tables = {
    programme_delivery: [{ record_key: 'D1', programme: 'vip', referral_date: '2023-01-10', start_date: '2023-03-31', month_of_birth: '2008-06', sex: 'male', home_locality: 'leicester', person_id: 'P1' }],
    police_crime: crimes.map((d, i) => ({ record_key: `C${i}`, recorded_date: d, offence_group: 'theft' })),
    police_person: [
      ...crimes.map((_, i) => ({ crime_key: `C${i}`, role: i === 7 ? 'victim' : 'suspect', key_local: 'N1', month_of_birth: '2008-06', sex: 'male', home_locality: i < 3 ? 'charnwood' : 'leicester', person_id: 'P1' })),
      { crime_key: 'C7', role: 'suspect', key_local: 'N9', month_of_birth: '2008-06', sex: 'male', home_locality: 'blaby' },
    ],
    asb_incident: [{ record_key: 'B1', reported_at: '2023-03-30 23:59:00', perpetrator_month_of_birth: '2008-06', perpetrator_linked_person_id: 'P1' }],
    hospital_admission: [
      { record_key: 'H1', admission_date: '2023-05-01', cause_codes: 'S01;X99', month_of_birth: '2008-06', person_id: 'P1' },
      { record_key: 'H2', admission_date: '2023-05-02', cause_codes: 'S01;W01', month_of_birth: '2008-06', person_id: 'P1' },
    ],
    ae_attendance: [
      { record_key: 'A1', arrival_at: '2023-02-01 10:00:00', month_of_birth: '2008-06', sex: 'female', home_locality: 'blaby', person_id: 'P2' },
      { record_key: 'A2', arrival_at: '2023-02-01 10:00:00', month_of_birth: '1990-01', sex: 'male', home_locality: 'blaby', person_id: 'P3' },
    ],
    support_episode: [{ record_key: 'S1', start_date: '2023-02-01', month_of_birth: '2008-06', person_id: 'P4' }],
  };
  let store: Awaited<ReturnType<typeof specPlatform>>;
  beforeAll(async () => { store = await specPlatform(tables); });
  afterAll(() => store?.cleanup());

  it('are the same on both engines, and count each window from its first day to the day before it closes', async () => {
    const results: Record<string, ContactPerson[]> = {};
    for (const name of ['sql', 'arquero'] as const) {
      const engine = await openEngine(name, store.platform);
      try { results[name] = await participantsContacts(engine, '2025-09-30'); } finally { await engine.close(); }
    }
    expect(results.arquero).toEqual(results.sql);
    const [p1, p2] = results.sql;
    expect(results.sql.map((p) => p.id)).toEqual(['P1', 'P2']);
    expect(p1).toMatchObject({ birth: '2008-06', sex: 'male', referrals: [{ programme: 'vip', start: day('2023-03-31') }] });
    expect(p2).toMatchObject({ birth: '2008-06', sex: 'female', referrals: [], contacts: [{ kind: 'ed_assault', day: day('2023-02-01') }] });
    const start = day('2023-03-31');
    // Before: 30 Sep (the window's first day), 30 Mar and the ASB report; after: the start day's two, 1 May's assault and 29 Sep.
    expect(beforeAfter(p1, start, 6, contactKinds)).toEqual({ before: 3, after: 4 });
    expect(beforeAfter(p1, start, 6, ['suspect_offender'])).toEqual({ before: 2, after: 3 });
    expect(beforeAfter(p1, start, 12, contactKinds)).toEqual({ before: 4, after: 5 });
    expect(p1.contacts.filter((c) => c.kind === 'violent_injury_admission')).toEqual([{ kind: 'violent_injury_admission', day: day('2023-05-01') }]);
    // Home on the start day: Leicester (from the start day's records), Charnwood before.
    expect(stratumOn(p1, start)).toMatch(/^10-17\|male\|leicester\|/);
    expect(stratumOn(p1, day('2023-01-01'))).toMatch(/\|charnwood\|/);
  });
});

describe('matching', () => {
  const start = '2022-06-01';
  const participant = (id: string, prior: number, sex = 'male') => person(id, Array.from({ length: prior }, (_, i) => ['suspect_offender', `2022-0${1 + i}-10`] as [string, string]), { sex, referrals: [{ programme: 'vip', start: day(start) }] });
  const pool = (id: string, prior: number, sex = 'male', locality = 'leicester') => person(id, Array.from({ length: prior }, (_, i) => ['asb_perpetrator', `2022-0${1 + i}-20`] as [string, string]), { sex, homes: [{ day: day('2020-01-01'), locality }] });
  const people = [
    participant('p1', 0), participant('p2', 2), participant('p3', 5, 'female'), participant('p4', 1),
    pool('c1', 0), pool('c2', 0), pool('c3', 2), pool('c4', 2), pool('c5', 2), pool('c6', 2), pool('c7', 5, 'female'),
    pool('c8', 2, 'male', 'charnwood'), pool('c9', 5, 'male'), person('r1', [], { referrals: [{ programme: 'reach', start: null }] }),
  ];
  const result = programmeOutcomes(people, { programmes: ['vip'], label: 'vip', startsTo: '2023-03-31', dataFrom: '2019-04-01', dataTo: '2025-09-30' });

  it('is exact on age band, sex, locality and banded prior contacts, from people never referred', () => {
    const w = result.windows.find((x) => x.months === 12)!;
    // p4 (one prior contact) has no one of its stratum; the others are matched, c8 (Charnwood), c9 (male) and r1 (referred) never.
    expect([w.eligible, w.matched, w.unmatched, w.comparison_people]).toEqual([4, 3, 1, 6]);
    const strata = (id: string) => stratumOn(people.find((p) => p.id === id)!, day(start));
    expect(strata('p2')).toBe(strata('c3'));
    expect(strata('p2')).not.toBe(strata('c8'));
    expect(strata('p3')).toBe('10-17|female|leicester|4-5|0');
  });

  it('reports balance: equal on what it matched exactly, and prior contacts within the bands', () => {
    const balance = Object.fromEntries(result.balance.map((b) => [b.variable, b]));
    expect(balance['male (share)']).toMatchObject({ participants: 0.667, comparison: 0.667, smd: 0 });
    expect(balance['contacts in the 12 months before (all kinds)']).toMatchObject({ participants: 2.333, comparison: 2.333, smd: 0 });
    expect(result.matching).toMatch(/^coarsened exact matching/);
  });
});

describe('the planted effect on the scale-1 sample', () => {
  let t: ReturnType<typeof testPlatform>;
  let dir: ReturnType<typeof tempDataDir>;
  beforeAll(async () => {
    dir = tempDataDir();
    t = testPlatform();
    await generateSample({ out: dir.dir, seed: 1, scale: 1, datasets: ['police_crime', 'police_person', 'asb_incident', 'ae_attendance', 'hospital_admission', 'school_exclusion', 'programme_delivery'] });
    await loadSampleExtracts(t.platform, dir.dir);
  }, 1_200_000);
  afterAll(() => { t?.cleanup(); dir?.cleanup(); });

  it("recovers it: the interval of the relative change in suspect and ASB contacts holds the generator's fall", async () => {
    const both = await onBothEngines(t.platform, (engine) => participantsContacts(engine, '2025-09-30'));
    expect(both.arquero).toEqual(both.sql);
    {
      const people = both.sql;
      const all = t.platform.deployment.programmes.map((p) => p.id);
      const r = programmeOutcomes(people, { programmes: all, label: 'all', startsTo: '2025-03-31', dataFrom: '2019-04-01', dataTo: '2025-09-30', kinds: ['suspect_offender', 'asb_perpetrator'] });
      for (const w of r.windows) {
        expect(w.matched, `${w.months} months`).toBeGreaterThan(100);
        expect(w.relative.low!, `${w.months} months`).toBeLessThanOrEqual(-PLANTED_EFFECT);
        expect(w.relative.high!, `${w.months} months`).toBeGreaterThanOrEqual(-PLANTED_EFFECT);
        // And it is not nothing: the interval stays below zero.
        expect(w.relative.high!, `${w.months} months`).toBeLessThan(0);
      }
      for (const b of r.balance) expect(Math.abs(b.smd ?? 0), b.variable).toBeLessThan(0.2);
      console.log(`planted ${-PLANTED_EFFECT}: ${r.windows.map((w) => `${w.months} months: ${w.relative.estimate} (${w.relative.low} to ${w.relative.high}), ${w.matched} matched`).join('; ')}`);
    }
  }, 600_000);
});
