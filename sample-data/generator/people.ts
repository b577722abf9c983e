import { nhsCheckDigit, upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import { addYears, ageOn, day, isoDate } from './calendar.ts';
import { inventName, type PersonName } from './names.ts';
import type { LocalitySlug, Places } from './places.ts';
import { Rng, Weighted, scramble } from './rng.ts';

/**
 * The synthetic population. Nobody is stored: person i is a pure function of the seed and i, so a pass over
 * a million crimes can draw victims and suspects without holding the population in memory.
 *
 * Index ranges: [0, youth) young people at risk (born 2002–2014: children during the period), then adults at
 * risk, then the general population. Low indices within a pool are drawn more often (repeat involvement), so
 * the same young people recur as suspects, ASB perpetrators, excluded pupils, A&E patients and supported children.
 */

export type Sex = 'male' | 'female';
export type Pool = 'youth' | 'adult' | 'general' | 'planted';

export interface Home { from: number; postcode: string; locality: LocalitySlug | null }

export interface Person {
  index: number;
  id: string;
  pool: Pool;
  sex: Sex;
  dob: number;
  dobIso: string;
  name: PersonName;
  /** Homes in time order; the first applies from the beginning of time. */
  homes: Home[];
  nhsNumber: string | null;
  upn: string | null;
  policeId: string;
  /** The label of a planted cohort case, or ''. */
  planted: string;
}

export const PLANTED_BASE = 9_000_000;

export const personId = (index: number): string => `P${String(index).padStart(7, '0')}`;

/** A valid NHS number for a person: a scrambled nine-digit stem and its modulus-11 check digit. */
export function nhsNumberFor(index: number): string | null {
  const stem = scramble(index, 8, 17);
  for (const lead of [4, 5, 6]) {
    const first9 = `${lead}${String(stem).padStart(8, '0')}`;
    const check = nhsCheckDigit(first9);
    if (check !== null) return `${first9}${check}`;
  }
  return null;
}

/** A valid UPN: check letter + the council's LA code + a scrambled establishment and serial + the year it was allocated. */
export function upnFor(index: number, laCode: string, yearAllocated: number): string {
  const body = String(scramble(index, 7, 3)).padStart(7, '0');
  const rest = `${laCode}${body.slice(0, 4)}${String(yearAllocated % 100).padStart(2, '0')}${body.slice(4)}`;
  return `${upnCheckLetter(rest)}${rest}`;
}

export const policeIdFor = (index: number): string => `LP${String(scramble(index, 8, 41)).padStart(8, '0')}`;

/** The council's own person id (its case-management system's number). */
export const laIdFor = (index: number, council: string, prefix: string): string =>
  `${prefix}${String(scramble(index, 7, council.length * 13)).padStart(7, '0')}`;

/** Ages (on 1 July 2022) of each pool, by band. */
const ADULT_AGES = new Weighted([[18, 24], [25, 34], [35, 49], [50, 64]] as const, [30, 35, 28, 7]);
const GENERAL_AGES = new Weighted([[0, 9], [10, 17], [18, 24], [25, 34], [35, 49], [50, 64], [65, 90]] as const, [6, 11, 16, 22, 24, 14, 7]);
const MID = day(2022, 7, 1);

export interface PopulationSizes { youth: number; adult: number; general: number }

export function populationSizes(scale: number): PopulationSizes {
  return {
    youth: Math.max(150, Math.round(2_500 * scale)),
    adult: Math.max(300, Math.round(12_000 * scale)),
    general: Math.max(1_500, Math.round(60_000 * scale)),
  };
}

export class Population {
  readonly sizes: PopulationSizes;
  private readonly cache = new Map<number, Person>();
  private readonly planted = new Map<number, Person>();

  constructor(readonly seed: number, scale: number, readonly from: number, readonly to: number, readonly places: Places) {
    this.sizes = populationSizes(scale);
  }

  get size(): number { return this.sizes.youth + this.sizes.adult + this.sizes.general; }

  poolOf(index: number): Pool {
    if (index >= PLANTED_BASE) return 'planted';
    if (index < this.sizes.youth) return 'youth';
    if (index < this.sizes.youth + this.sizes.adult) return 'adult';
    return 'general';
  }

  addPlanted(person: Person): void { this.planted.set(person.index, person); }

  get(index: number): Person {
    const planted = this.planted.get(index);
    if (planted) return planted;
    let person = this.cache.get(index);
    if (!person) {
      person = this.make(index);
      if (this.cache.size >= 50_000) this.cache.clear();
      this.cache.set(index, person);
    }
    return person;
  }

  private make(index: number): Person {
    const rng = new Rng(this.seed, 'person', index);
    const pool = this.poolOf(index);
    let dob: number;
    let sex: Sex;
    let locality: LocalitySlug | null;
    const { incidence, residence } = this.places;
    if (pool === 'youth') {
      dob = day(2002, 6, 1) + rng.int(day(2014, 6, 1) - day(2002, 6, 1));
      sex = rng.chance(0.78) ? 'male' : 'female';
      locality = incidence.pick(rng);
    } else if (pool === 'adult') {
      const [lo, hi] = ADULT_AGES.pick(rng);
      dob = addYears(MID, -hi - 1) + 1 + rng.int(365 * (hi - lo + 1));
      sex = rng.chance(0.8) ? 'male' : 'female';
      locality = incidence.pick(rng);
    } else {
      const [lo, hi] = GENERAL_AGES.pick(rng);
      dob = addYears(MID, -hi - 1) + 1 + rng.int(365 * (hi - lo + 1));
      sex = rng.chance(0.5) ? 'male' : 'female';
      locality = residence.pick(rng);
    }
    if (rng.chance(0.02)) locality = null; // lives outside the area
    const name = inventName(rng, sex, this.places.isCity(locality));
    const first: Home = { from: -1e9, postcode: locality ? this.places.postcodeIn(rng, locality) : this.places.outOfAreaPostcode(rng), locality };
    const homes = [first];
    if (rng.chance(0.1)) {
      const moveTo = locality && rng.chance(0.7) ? locality : residence.pick(rng);
      homes.push({ from: this.from + rng.int(this.to - this.from), postcode: this.places.postcodeIn(rng, moveTo), locality: moveTo });
    }
    // Someone living outside the area has a UPN from one of its councils (the second listed: LLR's county council).
    const council = this.places.councilCodes(first.locality ? this.places.councilOf(first.locality) : this.places.councils[this.places.councils.length > 1 ? 1 : 0]);
    // UPNs: children in English schools since 1999 (anyone born from 1994 on).
    const upn = dob >= day(1994, 9, 1) ? upnFor(index, council.laCode, Math.max(2000, Number(isoDate(addYears(dob, 4)).slice(0, 4)))) : null;
    return {
      index, id: personId(index), pool, sex, dob, dobIso: isoDate(dob), name, homes,
      nhsNumber: rng.chance(0.99) ? nhsNumberFor(index) : null, upn, policeId: policeIdFor(index), planted: '',
    };
  }

  /**
   * A person of a pool, drawn with repeat involvement (low indices far more often), optionally of an age range
   * on a date; null when no such person turns up in a few tries.
   */
  draw(rng: Rng, pool: 'youth' | 'adult' | 'general', on?: number, minAge = 0, maxAge = 200, skew = 2.2): Person | null {
    const start = pool === 'youth' ? 0 : pool === 'adult' ? this.sizes.youth : this.sizes.youth + this.sizes.adult;
    const size = this.sizes[pool];
    for (let attempt = 0; attempt < 12; attempt++) {
      const offset = pool === 'general' ? rng.int(size) : Math.floor(size * rng.next() ** skew);
      const person = this.get(start + offset);
      if (on === undefined) return person;
      if (person.dob > on) continue;
      const age = ageOn(person.dob, on);
      if (age >= minAge && age <= maxAge) return person;
    }
    return null;
  }
}

/** Where a person lives on a date. */
export function homeOn(person: Person, on: number): Home {
  let home = person.homes[0];
  for (const h of person.homes) if (h.from <= on) home = h;
  return home;
}
