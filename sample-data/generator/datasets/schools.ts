import { day, isSchoolDay, isoDate, yearsSince } from '../calendar.ts';
import { dailyMeans, renderIdentity, type Ctx } from '../context.ts';
import { byDay, type ExclusionEvent } from '../events.ts';
import { homeOn, type Person } from '../people.ts';
import { Rng, Weighted } from '../rng.ts';
import type { Sink } from '../sink.ts';
import { CRIMES_PER_YEAR } from './police.ts';

/**
 * school_exclusion: suspensions and permanent exclusions on school days, written by the council of the pupil's
 * home. Reasons follow the DfE code lists of the time: the 2020/21 additions (OW, MT, …) and the later expansion
 * (BW, LD/CB/DB, …) appear only from when they were introduced. Almost none during the school closures.
 */

const BASE = { PD: 30, PP: 16, PA: 8, VA: 12, VP: 8, OT: 9, DA: 4, DM: 3, BU: 2, RA: 1, SM: 1, TH: 1.5 };
const FROM_2020 = { ...BASE, DS: 0.3, LG: 0.5, MT: 2, OW: 1.5 };
const REASONS_2019 = Weighted.of(BASE);
const REASONS_2020 = Weighted.of({ ...FROM_2020, PH: 1 });
const REASONS_2022 = Weighted.of(FROM_2020);
const { PD: _pd, DA: _da, ...KEPT } = FROM_2020;
const REASONS_2024 = Weighted.of({
  ...KEPT, LD: 10, CB: 12, DB: 8, DR: 2.5, AR: 0.5, BW: 1, TB: 1, SB: 1, MB: 0.5, AB: 0.2, SR: 0.5, VR: 1.5, MP: 1, OS: 1,
});

export function reasonOn(rng: Rng, d: number): string {
  const table = d < day(2020, 9, 1) ? REASONS_2019 : d < day(2022, 9, 1) ? REASONS_2020 : d < day(2024, 9, 1) ? REASONS_2022 : REASONS_2024;
  return table.pick(rng);
}

const SESSIONS = new Weighted([1, 2, 4, 6, 10, 20], [5, 50, 20, 12, 8, 5]);
export const sessionsOf = (rng: Rng): number => SESSIONS.pick(rng);

/** A pupil living in the area: a young person at risk (about half) or any child of school age. */
function drawPupil(ctx: Ctx, rng: Rng, d: number): Person | null {
  for (let i = 0; i < 4; i++) {
    const p = rng.chance(0.5) ? ctx.population.draw(rng, 'youth', d, 10, 16) : ctx.population.draw(rng, 'general', d, 5, 16);
    if (p && homeOn(p, d).locality) return p;
  }
  return null;
}

export async function generateSchools(ctx: Ctx, sinks: Map<string, Sink>): Promise<void> {
  const years = (ctx.to - ctx.from + 1) / 365.25;
  // Suspensions rose after the pandemic, by about a tenth a year.
  const shape = (d: number) => (isSchoolDay(d) ? 1 + 0.1 * Math.max(0, yearsSince(d, day(2021, 4, 1))) : 0);
  const means = dailyMeans(ctx.from, ctx.to, 0.15 * CRIMES_PER_YEAR * years * ctx.scale, shape);
  const planted = byDay(ctx.planted.exclusions, (e) => e.day);
  const seqs = new Map<string, number>();
  for (let d = ctx.from; d <= ctx.to; d++) {
    const rng = new Rng(ctx.seed, 'exclusion-day', d);
    const events: ExclusionEvent[] = [];
    const n = rng.poisson(means[d - ctx.from]);
    for (let i = 0; i < n; i++) {
      const pupil = drawPupil(ctx, rng, d);
      if (!pupil) continue;
      const locality = homeOn(pupil, d).locality!;
      const permanent = rng.chance(0.015);
      events.push({
        day: d, partner: ctx.places.councilOf(locality), pupil, category: permanent ? 'permanent_exclusion' : 'suspension',
        reason: reasonOn(rng, d), sessions: permanent ? null : sessionsOf(rng), urn: ctx.places.schoolUrn(rng, locality),
      });
    }
    events.push(...(planted.get(d) ?? []));
    for (const e of events) {
      const seq = (seqs.get(e.partner) ?? 0) + 1;
      seqs.set(e.partner, seq);
      const sink = sinks.get(e.partner);
      if (!sink) continue;
      const ref = `${ctx.places.councilCodes(e.partner).prefix}-EX-${String(seq).padStart(6, '0')}`;
      const prng = new Rng(ctx.seed, `exclusion-row:${e.partner}`, seq);
      const p = e.pupil;
      const planted = p.pool === 'planted';
      const id = renderIdentity(prng, p, d, 'council', { name: 0.96, dob: 0.95, postcode: 0.93 });
      // Councils send the category as a code some of the time (SUSP, FIXD, PERM: aliases of the code list).
      const category = prng.chance(0.15) ? (e.category === 'suspension' ? prng.pick(['SUSP', 'FIXD']) : 'PERM') : e.category;
      await sink.write({
        exclusion_id: ref, upn: (planted || prng.chance(0.94)) && p.upn ? p.upn : '', forename: id.forename, surname: id.surname,
        date_of_birth: id.dob, sex: id.sex, home_postcode: id.postcode, school_urn: prng.chance(0.97) ? e.urn : '',
        category, reason_code: e.reason, start_date: isoDate(d), sessions: e.sessions === null ? '' : String(e.sessions),
      }, { ref, who: p });
    }
  }
}
