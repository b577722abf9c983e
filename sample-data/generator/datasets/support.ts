import { isoDate } from '../calendar.ts';
import { renderIdentity, type Ctx } from '../context.ts';
import type { SupportEvent } from '../events.ts';
import { homeOn, laIdFor, type Person } from '../people.ts';
import { Rng, Weighted } from '../rng.ts';
import type { Sink } from '../sink.ts';
import { CRIMES_PER_YEAR } from './police.ts';

/**
 * support_episode: a snapshot of the councils' youth justice, children's social care and early help episodes,
 * and the VRN's own interventions (VIP, Phoenix, Reach). Episodes started over the period (and the year before
 * it); those not ended by its last day are open (no end date).
 */

const COUNCIL_SERVICES = Weighted.of({ youth_justice: 20, childrens_social_care: 35, early_help: 30 });
const DURATION: Record<string, [number, number]> = {
  youth_justice: [90, 365], childrens_social_care: [30, 730], early_help: [60, 270], vrn_intervention: [30, 180],
};
const VRN_PROGRAMMES = Weighted.of({ vip: 40, phoenix: 30, reach: 30 });

function councilEpisode(ctx: Ctx, rng: Rng, start: number): SupportEvent | null {
  const service = COUNCIL_SERVICES.pick(rng);
  for (let i = 0; i < 4; i++) {
    const p: Person | null = service === 'youth_justice' || rng.chance(0.6)
      ? ctx.population.draw(rng, 'youth', start, 10, 17)
      : ctx.population.draw(rng, 'general', start, 0, 17);
    const locality = p ? homeOn(p, start).locality : null;
    if (!p || !locality) continue;
    const programme = service === 'youth_justice' && rng.chance(0.15) ? 'turnaround' : service === 'early_help' && rng.chance(0.2) ? 'supporting_families' : '';
    return { partner: ctx.places.councilOf(locality), service, programme, person: p, start, end: endOf(ctx, rng, service, start) };
  }
  return null;
}

function vrnEpisode(ctx: Ctx, rng: Rng, start: number): SupportEvent | null {
  const p = rng.chance(0.6) ? ctx.population.draw(rng, 'youth', start, 10, 24) : ctx.population.draw(rng, 'adult', start, 18, 25, 1.5);
  if (!p) return null;
  return { partner: ctx.places.partners.team, service: 'vrn_intervention', programme: VRN_PROGRAMMES.pick(rng), person: p, start, end: endOf(ctx, rng, 'vrn_intervention', start) };
}

function endOf(ctx: Ctx, rng: Rng, service: string, start: number): number | null {
  const [lo, hi] = DURATION[service];
  const end = start + rng.range(lo, hi);
  return end > ctx.to ? null : end;
}

export async function generateSupport(ctx: Ctx, sinks: Map<string, Sink>): Promise<void> {
  const { places } = ctx;
  const team = places.partners.team;
  const rng = new Rng(ctx.seed, 'support');
  const first = ctx.from - 365;
  const years = (ctx.to - first + 1) / 365.25;
  const n = rng.poisson(0.03 * CRIMES_PER_YEAR * years * ctx.scale);
  // A snapshot is small (thousands of rows at scale 1): the episodes are made, then written in order of start.
  const events: SupportEvent[] = [];
  for (let i = 0; i < n; i++) {
    const start = first + rng.int(ctx.to - first + 1);
    // The VRN's interventions began with it, in 2019-20; the councils' episodes may have started before.
    const e = rng.chance(0.15) ? (start >= ctx.from ? vrnEpisode(ctx, rng, start) : null) : councilEpisode(ctx, rng, start);
    if (e) events.push(e);
  }
  events.push(...ctx.planted.support);
  events.sort((a, b) => a.start - b.start);
  const seqs = new Map<string, number>();
  for (const e of events) {
    const seq = (seqs.get(e.partner) ?? 0) + 1;
    seqs.set(e.partner, seq);
    const sink = sinks.get(e.partner);
    if (!sink) continue;
    const ref = `${e.partner === team ? 'VRN' : `${places.councilCodes(e.partner).prefix}-EP`}-${String(seq).padStart(6, '0')}`;
    const prng = new Rng(ctx.seed, `support-row:${e.partner}`, seq);
    const p = e.person;
    const planted = p.pool === 'planted';
    const vrn = e.partner === team;
    const id = renderIdentity(prng, p, e.start, vrn ? 'vrn' : 'council', { name: 0.96, dob: 0.95, postcode: 0.9 });
    await sink.write({
      episode_id: ref, service: e.service, programme: e.programme,
      la_person_id: !vrn && (planted || prng.chance(0.95)) ? laIdFor(p.index, e.partner, places.councilCodes(e.partner).prefix) : '',
      upn: (planted ? !vrn : prng.chance(0.55)) && p.upn ? p.upn : '',
      nhs_number: prng.chance(vrn ? 0.4 : 0.25) && p.nhsNumber ? p.nhsNumber : '',
      forename: id.forename, surname: id.surname, date_of_birth: id.dob, sex: id.sex, home_postcode: id.postcode,
      start_date: isoDate(e.start), end_date: e.end === null ? '' : isoDate(e.end),
      status: e.end === null ? 'Open' : 'Closed', referral_source: vrn ? prng.pick(places.deployment.sample.referralSources) : '',
    }, { ref, who: p });
  }
}
