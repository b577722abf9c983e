import { homeOfficeOffenceCodes } from '../../../schemas/code-lists.ts';
import { OTHER_WEEKDAY, VIOLENCE_WEEKDAY, ageOn, civil, hhmm, isoDate, lockdown, season, weekday, yearsSince } from '../calendar.ts';
import { HOURS, dailyMeans, minuteOfDay, renderIdentity, type Ctx } from '../context.ts';
import { byDay, type CrimeEvent } from '../events.ts';
import { officerName } from '../names.ts';
import { homeOn, type Person } from '../people.ts';
import { Rng, Weighted } from '../rng.ts';
import type { Sink } from '../sink.ts';

/**
 * police_crime and police_person, in one pass over the days of the period: each day's crimes (a Poisson count
 * shaped by season, weekday, lockdowns and trend), each crime's victim and suspects drawn from the population,
 * the crime written to police_crime and its people to police_person. Nothing is kept from one day to the next
 * but a counter, so a million crimes stream to disk in flat memory.
 */

/** Crimes per year at scale 1 — about 100,000 over April 2019 to September 2025. */
export const CRIMES_PER_YEAR = 100_000 / 6.5;
const HOMICIDES_PER_YEAR = 10;
/** Knife-enabled serious violence falls about 6.5% a year from 2019-20. */
export const KNIFE_TREND = 0.935;

type Loc = 'public_place' | 'dwelling' | 'licensed_premises' | 'education' | 'retail' | 'transport' | 'other';
const loc = (t: Partial<Record<Loc, number>>) => Weighted.of(t as Record<Loc, number>);
const ASSAULT_LOC = loc({ public_place: 35, dwelling: 40, licensed_premises: 8, education: 4, retail: 5, transport: 3, other: 5 });

interface GroupSpec {
  share: number; knife: number; domestic: number; victim: number; suspect: number; female: number;
  victimAges: [number, number]; where: Weighted<Loc>; historic?: boolean;
}

const VIOLENCE: Record<string, GroupSpec> = {
  assault_without_injury: { share: 19, knife: 0, domestic: 0.35, victim: 0.97, suspect: 0.62, female: 0.55, victimAges: [5, 85], where: ASSAULT_LOC },
  assault_with_injury: { share: 9, knife: 0.05, domestic: 0.33, victim: 0.98, suspect: 0.66, female: 0.5, victimAges: [5, 85], where: ASSAULT_LOC },
  assault_with_intent_serious_harm: { share: 0.6, knife: 0.32, domestic: 0.2, victim: 0.99, suspect: 0.7, female: 0.25, victimAges: [12, 75], where: ASSAULT_LOC },
  threats_to_kill: { share: 1.2, knife: 0.14, domestic: 0.45, victim: 0.99, suspect: 0.72, female: 0.55, victimAges: [12, 80], where: ASSAULT_LOC },
  attempted_murder: { share: 0.04, knife: 0.55, domestic: 0.25, victim: 1, suspect: 0.85, female: 0.3, victimAges: [14, 70], where: ASSAULT_LOC },
  stalking_harassment: { share: 14, knife: 0, domestic: 0.4, victim: 0.98, suspect: 0.5, female: 0.7, victimAges: [12, 85], where: loc({ dwelling: 60, public_place: 15, other: 25 }) },
  robbery_personal: { share: 1.1, knife: 0.22, domestic: 0.01, victim: 1, suspect: 0.35, female: 0.3, victimAges: [11, 70], where: loc({ public_place: 75, transport: 10, retail: 5, other: 10 }) },
  robbery_business: { share: 0.15, knife: 0.3, domestic: 0, victim: 0.5, suspect: 0.35, female: 0.5, victimAges: [17, 65], where: loc({ retail: 80, licensed_premises: 10, other: 10 }) },
  rape: { share: 1.2, knife: 0.01, domestic: 0.4, victim: 1, suspect: 0.6, female: 0.88, victimAges: [10, 70], where: loc({ dwelling: 60, public_place: 20, licensed_premises: 5, education: 3, other: 12 }), historic: true },
  other_sexual_offence: { share: 2, knife: 0.005, domestic: 0.2, victim: 1, suspect: 0.55, female: 0.8, victimAges: [8, 75], where: loc({ dwelling: 45, public_place: 25, education: 8, licensed_premises: 5, transport: 5, other: 12 }), historic: true },
};
const OTHER: Record<string, GroupSpec> = {
  theft: { share: 20, knife: 0, domestic: 0.03, victim: 0.45, suspect: 0.25, female: 0.5, victimAges: [16, 90], where: loc({ retail: 45, public_place: 20, dwelling: 15, transport: 8, other: 12 }) },
  criminal_damage: { share: 9, knife: 0, domestic: 0.12, victim: 0.7, suspect: 0.25, female: 0.5, victimAges: [18, 90], where: loc({ dwelling: 45, public_place: 30, retail: 10, education: 5, other: 10 }) },
  burglary: { share: 5, knife: 0, domestic: 0.02, victim: 0.85, suspect: 0.15, female: 0.5, victimAges: [18, 90], where: loc({ dwelling: 75, retail: 10, other: 15 }) },
  vehicle_offence: { share: 6, knife: 0, domestic: 0, victim: 0.75, suspect: 0.1, female: 0.45, victimAges: [18, 85], where: loc({ public_place: 70, dwelling: 20, other: 10 }) },
  public_order: { share: 7.5, knife: 0, domestic: 0.1, victim: 0.4, suspect: 0.72, female: 0.5, victimAges: [12, 80], where: loc({ public_place: 55, licensed_premises: 15, dwelling: 15, retail: 10, other: 5 }) },
  drugs: { share: 2.8, knife: 0, domestic: 0, victim: 0, suspect: 0.97, female: 0.5, victimAges: [18, 60], where: loc({ public_place: 60, dwelling: 25, transport: 5, other: 10 }) },
  possession_of_weapon: { share: 1.1, knife: 0.65, domestic: 0, victim: 0, suspect: 0.97, female: 0.5, victimAges: [18, 60], where: loc({ public_place: 70, education: 8, transport: 7, dwelling: 5, licensed_premises: 5, other: 5 }) },
  other: { share: 3, knife: 0, domestic: 0.05, victim: 0.5, suspect: 0.6, female: 0.5, victimAges: [18, 80], where: loc({ public_place: 40, dwelling: 30, other: 30 }) },
};
const HOMICIDE: GroupSpec = { share: 0, knife: 0.4, domestic: 0.25, victim: 1, suspect: 0.92, female: 0.3, victimAges: [0, 85], where: loc({ dwelling: 55, public_place: 40, other: 5 }) };

const SERIOUS = new Set(['homicide', 'attempted_murder', 'threats_to_kill', 'assault_with_intent_serious_harm', 'assault_with_injury',
  'robbery_personal', 'robbery_business', 'rape', 'other_sexual_offence']);

export const specOf = (group: string): GroupSpec => VIOLENCE[group] ?? OTHER[group] ?? HOMICIDE;
const violenceGroups = Weighted.of(Object.fromEntries(Object.entries(VIOLENCE).map(([g, s]) => [g, s.share])));
const otherGroups = Weighted.of(Object.fromEntries(Object.entries(OTHER).map(([g, s]) => [g, s.share])));
const VIOLENCE_SHARE = Object.values(VIOLENCE).reduce((a, s) => a + s.share, 0);
const OTHER_SHARE = Object.values(OTHER).reduce((a, s) => a + s.share, 0);

/** Home Office codes of each group (the reverse of the schema's map). */
const codesOf = new Map<string, string[]>();
for (const [code, group] of Object.entries(homeOfficeOffenceCodes)) codesOf.set(group, [...(codesOf.get(group) ?? []), code]);

const OUTCOMES = Weighted.of({ charged: 14, caution: 4, community_resolution: 6, no_further_action: 46, outstanding: 8, other: 8 });
const OUTCOMES_RECENT = Weighted.of({ charged: 8, caution: 2, community_resolution: 3, no_further_action: 20, outstanding: 60, other: 4 });
export const roleFor = (outcome: string): 'suspect' | 'offender' =>
  outcome === 'charged' || outcome === 'caution' || outcome === 'community_resolution' ? 'offender' : 'suspect';

/** Days from offence to recording. */
function lag(rng: Rng, historic: boolean): number {
  const r = rng.next();
  if (historic) return r < 0.35 ? 0 : r < 0.6 ? rng.range(1, 7) : r < 0.85 ? rng.range(8, 60) : rng.range(61, 900);
  return r < 0.62 ? 0 : r < 0.82 ? rng.range(1, 3) : r < 0.94 ? rng.range(4, 14) : r < 0.99 ? rng.range(15, 60) : rng.range(61, 400);
}

/** A victim of an age range on a date, preferring a sex; mostly from the general population. */
function drawVictim(ctx: Ctx, rng: Rng, on: number, ages: [number, number], female: number): Person | null {
  const want = rng.chance(female) ? 'female' : 'male';
  let fallback: Person | null = null;
  for (let i = 0; i < 4; i++) {
    const r = rng.next();
    const pool = r < 0.84 ? 'general' : r < 0.95 ? 'adult' : 'youth';
    const p = ctx.population.draw(rng, pool, on, ages[0], ages[1]);
    if (!p) continue;
    if (p.sex === want) return p;
    fallback ??= p;
  }
  return fallback;
}

/** A suspect on a date: a young person at risk (about a quarter) or an adult at risk. */
export function drawSuspect(ctx: Ctx, rng: Rng, on: number): Person {
  if (rng.chance(0.27)) {
    const young = ctx.population.draw(rng, 'youth', on, 10, 24);
    if (young) return young;
  }
  return ctx.population.draw(rng, 'adult', on, 16, 90) ?? ctx.population.get(ctx.population.sizes.youth);
}

/** One background crime recorded on a day. */
function makeCrime(ctx: Ctx, rng: Rng, recorded: number, group: string): CrimeEvent {
  const spec = specOf(group);
  const offence = recorded - lag(rng, spec.historic ?? false);
  const knifeChance = SERIOUS.has(group) ? spec.knife * KNIFE_TREND ** yearsSince(recorded, ctx.from) : spec.knife;
  const knife = rng.chance(knifeChance);
  const domestic = rng.chance(spec.domestic);
  const victim = rng.chance(spec.victim) ? drawVictim(ctx, rng, offence, domestic ? [16, 75] : spec.victimAges, spec.female) : null;
  const involved: CrimeEvent['involved'] = [];
  if (rng.chance(spec.suspect)) {
    const n = rng.chance(0.8) ? 1 : rng.chance(0.75) ? 2 : 3;
    const recent = ctx.to - recorded < 120;
    for (let i = 0; i < n; i++) {
      const outcome = (recent ? OUTCOMES_RECENT : OUTCOMES).pick(rng);
      const person = drawSuspect(ctx, rng, offence);
      if (!ctx.delivery.averts(ctx.seed, person, offence)) involved.push({ person, role: roleFor(outcome), outcome });
    }
  }
  const locationType = domestic ? 'dwelling' : spec.where.pick(rng);
  // Domestic crimes happen at the victim's home; others anywhere, the city more than its share of people.
  const home = victim && domestic ? homeOn(victim, offence) : null;
  const atHome = home && home.locality && rng.chance(0.9) ? home : null;
  const locality = atHome ? atHome.locality! : ctx.places.incidence.pick(rng);
  const postcode = atHome ? atHome.postcode : ctx.places.locationPostcode(rng, locality);
  const lsoa = ctx.places.lsoaFor(locality, postcode);
  const violent = group in VIOLENCE || group === 'homicide';
  const minute = rng.chance(0.92) ? minuteOfDay(rng, violent ? HOURS.violence : HOURS.other) : null;
  return { recorded, offence, minute, group, knife, domestic, locationType, postcode, lsoa, victim, involved };
}

function weights(ctx: Ctx) {
  const violence = (d: number) => {
    const ld = lockdown(d);
    return season(d, 0.15) * VIOLENCE_WEEKDAY[weekday(d)] * (ld === 'first' ? 0.8 : ld ? 0.88 : 1) * (1 + 0.005 * yearsSince(d, ctx.from));
  };
  const other = (d: number) => {
    const ld = lockdown(d);
    return season(d, 0.05, 300) * OTHER_WEEKDAY[weekday(d)] * (ld === 'first' ? 0.68 : ld ? 0.8 : 1);
  };
  const years = (ctx.to - ctx.from + 1) / 365.25;
  const total = CRIMES_PER_YEAR * years * ctx.scale;
  return {
    violence: dailyMeans(ctx.from, ctx.to, (total * VIOLENCE_SHARE) / (VIOLENCE_SHARE + OTHER_SHARE), violence),
    other: dailyMeans(ctx.from, ctx.to, (total * OTHER_SHARE) / (VIOLENCE_SHARE + OTHER_SHARE), other),
    homicide: (HOMICIDES_PER_YEAR * ctx.scale) / 365.25,
  };
}

/** Writes police_crime and police_person (either may be absent: the same crimes are generated regardless). */
export async function generatePolice(ctx: Ctx, sinks: { crime: Sink | null; person: Sink | null }): Promise<void> {
  const means = weights(ctx);
  const planted = byDay(ctx.planted.crimes, (c) => c.recorded);
  const officers = Array.from({ length: 160 }, (_, i) => officerName(new Rng(ctx.seed, 'officer', i)));
  let seq = 0;
  for (let d = ctx.from; d <= ctx.to; d++) {
    const rng = new Rng(ctx.seed, 'crime-day', d);
    const crimes: CrimeEvent[] = [];
    const nv = rng.poisson(means.violence[d - ctx.from]);
    const no = rng.poisson(means.other[d - ctx.from]);
    const nh = rng.poisson(means.homicide);
    for (let i = 0; i < nh; i++) crimes.push(makeCrime(ctx, rng, d, 'homicide'));
    for (let i = 0; i < nv; i++) crimes.push(makeCrime(ctx, rng, d, violenceGroups.pick(rng)));
    for (let i = 0; i < no; i++) crimes.push(makeCrime(ctx, rng, d, otherGroups.pick(rng)));
    crimes.push(...(planted.get(d) ?? []));
    const year = civil(d)[0];
    for (const crime of crimes) {
      seq++;
      const ref = `LP-${year}-${String(seq).padStart(7, '0')}`;
      await writeCrime(ctx, rng, crime, seq, ref, officers, sinks);
    }
  }
}

/** Groups in which hate crime is recorded, and the share of each flagged (about 3% of crime in all). */
const HATE_SHARE: Record<string, number> = {
  public_order: 0.16, assault_without_injury: 0.05, assault_with_injury: 0.03, stalking_harassment: 0.05, criminal_damage: 0.03, threats_to_kill: 0.03,
};
/** Offences that can be racially or religiously aggravated in law (Crime and Disorder Act 1998, ss. 29–32). */
const AGGRAVATED = new Set(['public_order', 'assault_without_injury', 'assault_with_injury', 'stalking_harassment', 'criminal_damage']);

/**
 * The Board's flags of a crime, from a stream of their own (so every other column stays as it was): hate crime,
 * racial or religious aggravation (most hate crime is racial), and whether a burglary was of a home or a business.
 */
function crimeFlags(rng: Rng, c: CrimeEvent) {
  const hate = rng.chance(HATE_SHARE[c.group] ?? 0);
  const aggravated = hate && AGGRAVATED.has(c.group) && rng.chance(0.75);
  const burglary = c.group !== 'burglary' ? '' : c.locationType === 'dwelling' ? 'residential' : 'business';
  return { hate_flag: String(hate), racially_religiously_aggravated: String(aggravated), burglary_type: burglary };
}

async function writeCrime(ctx: Ctx, rng: Rng, c: CrimeEvent, seq: number, ref: string, officers: string[], sinks: { crime: Sink | null; person: Sink | null }) {
  // The way the group is sent: mostly the group, sometimes only the Home Office code, sometimes both.
  const r = rng.next();
  const codes = codesOf.get(c.group) ?? [];
  const code = c.group === 'homicide' && rng.chance(0.9) ? '1' : codes.length ? rng.pick(codes) : '';
  const sendGroup = r < 0.8 || r >= 0.9 || !code;
  const sendCode = r >= 0.8 && code !== '';
  let victimAge = '', victimDob = '';
  if (c.victim) {
    const v = rng.next();
    if (v < 0.55 || c.victim.pool === 'planted') victimDob = c.victim.dobIso;
    else if (v < 0.95) victimAge = String(ageOn(c.victim.dob, c.offence));
  }
  // Drawn whether or not the file is written, so that police_crime is the same with or without police_person.
  const locationType = rng.chance(0.96) ? c.locationType : '';
  const victimSex = c.victim ? (rng.chance(0.02) ? 'unknown' : c.victim.sex) : '';
  const officer = rng.pick(officers);
  const flags = crimeFlags(new Rng(ctx.seed, 'crime-flags', seq), c);
  if (sinks.crime) {
    await sinks.crime.write({
      crime_ref: ref, recorded_date: isoDate(c.recorded), offence_date: isoDate(c.offence),
      offence_time: c.minute === null ? '' : hhmm(c.minute), offence_group: sendGroup ? c.group : '',
      ho_offence_code: sendCode ? code : '', knife_flag: String(c.knife), domestic_flag: String(c.domestic),
      location_type: locationType, ...flags, postcode: c.postcode, lsoa_code: c.lsoa ?? '',
      victim_age: victimAge, victim_date_of_birth: victimDob, victim_sex: victimSex, officer_in_charge: officer,
    });
  }
  if (!sinks.person) return;
  // The people of the crime draw from their own stream (skipped entirely when police_person is not written).
  const prng = new Rng(ctx.seed, 'crime-people', seq);
  const people: { person: Person; role: string; outcome: string }[] = [];
  if (c.victim) people.push({ person: c.victim, role: 'victim', outcome: '' });
  for (const s of c.involved) people.push({ person: s.person, role: s.role, outcome: s.outcome });
  for (const p of people) {
    const id = renderIdentity(prng, p.person, c.offence, 'police', { name: 0.96, dob: 0.92, postcode: 0.88 });
    const planted = p.person.pool === 'planted';
    await sinks.person.write({
      crime_ref: ref, role: p.role, police_person_id: planted || prng.chance(0.9) ? p.person.policeId : '',
      forename: id.forename, surname: id.surname, date_of_birth: id.dob, sex: id.sex, home_postcode: id.postcode,
      outcome: p.outcome,
    }, { ref, who: p.person });
  }
}
