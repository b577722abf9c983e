import { ASB_WEEKDAY, day, isoDate, isoDatetime, lockdown, season, weekday, yearsSince } from '../calendar.ts';
import { HOURS, dailyMeans, minuteOfDay, renderIdentity, type Ctx } from '../context.ts';
import { byDay, type AsbEvent } from '../events.ts';
import { laIdFor, type Person } from '../people.ts';
import { Rng, Weighted } from '../rng.ts';
import type { Sink } from '../sink.ts';
import { CRIMES_PER_YEAR } from './police.ts';

/**
 * asb_incident: police calls for service (the police partner) and the councils' case-management cases (each
 * council only in its own localities). Half as many incidents as crimes, an evening peak, a summer peak, and the
 * spike of 2020–21 when lockdown breaches were reported as ASB.
 */

const PEN = Weighted.of({ nuisance: 70, personal: 20, environmental: 10 });
function weight(ctx: Ctx) {
  return (d: number) => {
    const ld = lockdown(d);
    const covid = ld === 'first' ? 2.3 : ld ? 1.7 : d >= day(2020, 4, 1) && d <= day(2021, 3, 31) ? 1.35 : 1;
    return season(d, 0.2) * ASB_WEEKDAY[weekday(d)] * covid * (1 - 0.03 * yearsSince(d, ctx.from));
  };
}

/** A perpetrator: about four in ten a child (10–17), else a young adult or adult at risk. */
function drawPerpetrator(ctx: Ctx, rng: Rng, on: number): Person | null {
  if (rng.chance(0.42)) {
    const child = ctx.population.draw(rng, 'youth', on, 10, 17);
    if (child) return child;
  }
  return ctx.population.draw(rng, 'adult', on, 18, 70);
}

/** A perpetrator whose contact the programme averted is not recorded: the incident's perpetrator is unknown. */
const notAverted = (ctx: Ctx, p: Person | null, on: number): Person | null => (p && ctx.delivery.averts(ctx.seed, p, on) ? null : p);

function makeIncident(ctx: Ctx, rng: Rng, d: number): AsbEvent {
  const { places } = ctx;
  const locality = places.incidence.pick(rng);
  const council = rng.chance(0.25);
  const source = council ? 'case_management' : 'police_call';
  const known = rng.chance(council ? 0.75 : 0.18);
  return {
    day: d, minute: minuteOfDay(rng, HOURS.asb), partner: council ? places.councilOf(locality) : places.partners.police, source,
    pen: PEN.pick(rng), postcode: council ? places.locationPostcode(rng, locality, { none: 0.02, outside: 0, sector: 0.04 }) : places.locationPostcode(rng, locality),
    perpetrator: known ? notAverted(ctx, drawPerpetrator(ctx, rng, d), d) : null,
  };
}

export async function generateAsb(ctx: Ctx, sinks: Map<string, Sink>): Promise<void> {
  const POLICE = ctx.places.partners.police;
  const years = (ctx.to - ctx.from + 1) / 365.25;
  const means = dailyMeans(ctx.from, ctx.to, 0.5 * CRIMES_PER_YEAR * years * ctx.scale, weight(ctx));
  const planted = byDay(ctx.planted.asb, (e) => e.day);
  const seqs = new Map<string, number>();
  for (let d = ctx.from; d <= ctx.to; d++) {
    const rng = new Rng(ctx.seed, 'asb-day', d);
    const n = rng.poisson(means[d - ctx.from]);
    const incidents: AsbEvent[] = [];
    for (let i = 0; i < n; i++) incidents.push(makeIncident(ctx, rng, d));
    incidents.push(...(planted.get(d) ?? []));
    for (const e of incidents) {
      const seq = (seqs.get(e.partner) ?? 0) + 1;
      seqs.set(e.partner, seq);
      const sink = sinks.get(e.partner);
      if (!sink) continue;
      const ref = e.partner === POLICE ? `ASB-${isoDate(d).slice(0, 4)}-${String(seq).padStart(7, '0')}` : `${ctx.places.councilCodes(e.partner).prefix}-ASB-${String(seq).padStart(6, '0')}`;
      const prng = new Rng(ctx.seed, `asb-row:${e.partner}`, seq);
      const p = e.perpetrator;
      const police = e.partner === POLICE;
      const id = p ? renderIdentity(prng, p, d, police ? 'police' : 'council', police ? { name: 0.9, dob: 0.8, postcode: 0.8 } : { name: 0.95, dob: 0.9, postcode: 0.9 }) : null;
      const planted = p?.pool === 'planted';
      const personId = !p ? '' : police ? (planted || prng.chance(0.85) ? p.policeId : '') : (planted || prng.chance(0.5) ? laIdFor(p.index, e.partner, ctx.places.councilCodes(e.partner).prefix) : '');
      await sink.write({
        incident_ref: ref, source: e.source, reported_at: isoDatetime(d, e.minute), pen_category: e.pen, postcode: e.postcode,
        lsoa_code: '', perpetrator_person_id: personId, perpetrator_forename: id?.forename ?? '',
        perpetrator_surname: id?.surname ?? '', perpetrator_date_of_birth: id?.dob ?? '',
        perpetrator_sex: id?.sex ?? '', perpetrator_home_postcode: id?.postcode ?? '',
      }, p ? { ref, who: p } : undefined);
    }
  }
}
