import { ASB_HOURS, OTHER_HOURS, VIOLENCE_HOURS } from './calendar.ts';
import type { PlantedEvents } from './events.ts';
import type { Delivery } from './programmes.ts';
import { NAME_STYLES, renderName } from './names.ts';
import { homeOn, type Person, type Population } from './people.ts';
import { writtenPostcode, type Places } from './places.ts';
import { Rng, Weighted } from './rng.ts';

/** What every dataset generator shares: the seed, the scale, the period, the population and the planted events. */
export interface Ctx {
  seed: number;
  scale: number;
  from: number;
  to: number;
  /** The as-of date of the planted Prevention Panel cases (the end of the period). */
  asOf: number;
  population: Population;
  /** The deployment's localities, postcodes, LSOAs and partners. */
  places: Places;
  planted: PlantedEvents;
  /** The programmes' referrals and starts, and the effect a start has on later contacts (programmes.ts). */
  delivery: Delivery;
}

const hours = (weights: number[]) => new Weighted(weights.map((_, h) => h), weights);
export const HOURS = { violence: hours(VIOLENCE_HOURS), asb: hours(ASB_HOURS), other: hours(OTHER_HOURS) };

/** A minute of the day from an hour profile; some systems round to the quarter hour. */
export function minuteOfDay(rng: Rng, profile: Weighted<number>): number {
  const hour = profile.pick(rng);
  const minute = rng.chance(0.3) ? 15 * rng.int(4) : rng.int(60);
  return hour * 60 + minute;
}

/** Expected counts per day, shaped by a weight function and scaled to a total over the period. */
export function dailyMeans(from: number, to: number, total: number, weight: (day: number) => number): Float64Array {
  const means = new Float64Array(to - from + 1);
  let sum = 0;
  for (let d = from; d <= to; d++) { means[d - from] = weight(d); sum += means[d - from]; }
  if (sum > 0) for (let i = 0; i < means.length; i++) means[i] *= total / sum;
  return means;
}

/** Identity fields of a person as one record has them: each present with a probability (always, if planted). */
export interface IdentityRates { name: number; dob: number; postcode: number; sexUnknown?: number }

export interface RenderedIdentity { forename: string; surname: string; dob: string; sex: string; postcode: string }

export function renderIdentity(rng: Rng, person: Person, on: number, style: keyof typeof NAME_STYLES, rates: IdentityRates): RenderedIdentity {
  const planted = person.pool === 'planted';
  const name = renderName(person.name, rng, NAME_STYLES[style]);
  const hasName = planted || rng.chance(rates.name);
  const hasDob = planted || rng.chance(rates.dob);
  const hasPostcode = planted || rng.chance(rates.postcode);
  const home = homeOn(person, on);
  return {
    forename: hasName ? name.forename : '',
    surname: hasName ? name.surname : '',
    dob: hasDob && person.dob <= on ? person.dobIso : '',
    sex: rng.chance(rates.sexUnknown ?? 0.01) ? 'unknown' : person.sex,
    postcode: hasPostcode ? (planted ? home.postcode : writtenPostcode(rng, home.postcode)) : '',
  };
}
