import { addYears, civil, day, isoDate } from './calendar.ts';
import { inventName, type PersonName } from './names.ts';
import { nhsNumberFor, upnFor } from './people.ts';
import { placesOf } from './places.ts';
import { Rng } from './rng.ts';

/** The benchmarks' people live in LLR (its names, localities and councils). */
const places = placesOf('llr');

/**
 * A linkage benchmark: children known to three agencies (police, health, the council's children's services and
 * schools), each agency's records of a child written with the errors real records carry, and the truth of who is
 * who. Separate from the sample extracts: it makes records in memory, not files, and changes none of them.
 *
 * Noise, per record unless said: a typo in a name (a letter substituted, dropped, doubled or two swapped), a
 * nickname, forename and surname swapped, a missing forename / date of birth / postcode / sex, a date of birth
 * with day and month swapped or a day out, a surname changed (a step-parent's, or double-barrelled), the child
 * moving house (records before and after carry different postcodes), a second police nominal id for the same child.
 * Hard negatives: twins (same surname, birth date and home) and siblings (same surname and home).
 */

export interface BenchmarkRecord {
  id: string;
  agency: 'police' | 'health' | 'council';
  /** The agency's own person id: police nominal id, council person id; none for health attendances. */
  local: string | null;
  nhs: string | null;
  upn: string | null;
  forename: string | null;
  surname: string | null;
  /** 'YYYY-MM-DD'. */
  dob: string | null;
  postcode: string | null;
  sex: string | null;
  /** The truth: who the record is. */
  child: string;
}

export interface NoiseRates {
  typo: number; nickname: number; swap: number; missingForename: number; missingDob: number; missingPostcode: number;
  missingSex: number; dayMonthSwap: number; dayOut: number; surnameChange: number; move: number; secondNominal: number;
  twins: number; siblings: number;
}

export const DEFAULT_NOISE: NoiseRates = {
  typo: 0.08, nickname: 0.08, swap: 0.03, missingForename: 0.01, missingDob: 0.03, missingPostcode: 0.06, missingSex: 0.05,
  dayMonthSwap: 0.03, dayOut: 0.03, surnameChange: 0.03, move: 0.25, secondNominal: 0.02, twins: 0.01, siblings: 0.08,
};

/** Short forms as children's records write them; some the linkage's own table knows, some it does not. */
const SHORT_FORMS: Record<string, string[]> = {
  William: ['Will', 'Billy', 'Liam'], Thomas: ['Tom', 'Tommy'], James: ['Jamie', 'Jim'], Joshua: ['Josh'], Samuel: ['Sam', 'Sammy'],
  Daniel: ['Dan', 'Danny'], Oliver: ['Ollie', 'Olly'], Alexander: ['Alex', 'Xander'], Matthew: ['Matt', 'Matty'], Benjamin: ['Ben', 'Benji'],
  Jacob: ['Jake'], Joseph: ['Joe', 'Joey'], Christopher: ['Chris'], Nathaniel: ['Nate', 'Nat'], Edward: ['Ed', 'Eddie', 'Ted'],
  Mohammed: ['Mo', 'Mohamed'], Muhammad: ['Mohammed', 'Mo'], Rebecca: ['Becky', 'Bex'], Elizabeth: ['Beth', 'Lizzie', 'Libby'],
  Jessica: ['Jess', 'Jessie'], Amelia: ['Millie', 'Amy'], Eleanor: ['Ellie', 'Nell'], Victoria: ['Vicky', 'Tori'], Isabella: ['Bella', 'Izzy'],
  Olivia: ['Liv', 'Livvy'], Charlotte: ['Lottie', 'Charlie'], Natalie: ['Nat'], Abigail: ['Abbie', 'Abby'], Harrison: ['Harry'],
  Frederick: ['Freddie', 'Fred'], Alfred: ['Alfie'], Zachary: ['Zach', 'Zac'], Kieran: ['Kie'], Bradley: ['Brad'],
};

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function typo(rng: Rng, s: string): string {
  if (s.length < 3) return s;
  const at = 1 + rng.int(s.length - 1);
  switch (rng.int(4)) {
    case 0: return s.slice(0, at) + rng.pick([...LETTERS]) + s.slice(at + 1);
    case 1: return s.slice(0, at) + s.slice(at + 1);
    case 2: return s.slice(0, at) + s[at - 1] + s.slice(at);
    default: return at < s.length - 1 ? s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2) : s.slice(0, at - 1) + s[at] + s[at - 1];
  }
}

interface Child { id: string; index: number; name: PersonName; dob: number; sex: 'male' | 'female'; homes: string[]; nhs: string | null; upn: string | null; council: string }

function makeChildren(seed: number, count: number): Child[] {
  const children: Child[] = [];
  const rng = new Rng(seed, 'linkage-children');
  const noise = DEFAULT_NOISE;
  while (children.length < count) {
    const index = children.length;
    const sex = rng.chance(0.7) ? 'male' : 'female';
    const locality = places.residence.pick(rng);
    const previous = children[children.length - 1];
    let child: Child;
    if (previous && rng.chance(noise.twins)) {
      // A twin: same surname, birth date and home, another forename.
      const name = { ...previous.name, forename: inventName(rng, sex, places.isCity(locality)).forename };
      child = { ...previous, id: `C${index}`, index, name, sex };
    } else if (previous && rng.chance(noise.siblings)) {
      const name = { ...previous.name, forename: inventName(rng, sex, places.isCity(locality)).forename };
      child = { ...previous, id: `C${index}`, index, name, sex, dob: previous.dob + rng.range(400, 2000) * (rng.chance(0.5) ? 1 : -1) };
    } else {
      const dob = day(2006, 1, 1) + rng.int(day(2014, 12, 31) - day(2006, 1, 1));
      const homes = [places.postcodeIn(rng, locality)];
      if (rng.chance(noise.move)) homes.push(places.postcodeIn(rng, rng.chance(0.6) ? locality : places.residence.pick(rng)));
      child = { id: `C${index}`, index, name: inventName(rng, sex, places.isCity(locality)), dob, sex, homes, nhs: null, upn: null, council: places.councilOf(locality) };
    }
    child.nhs = rng.chance(0.98) ? nhsNumberFor(100_000 + index) : null;
    child.upn = upnFor(100_000 + index, places.councilCodes(child.council).laCode, Number(isoDate(addYears(child.dob, 4)).slice(0, 4)));
    children.push(child);
  }
  return children;
}

function dobAsWritten(rng: Rng, dob: number, noise: NoiseRates): string | null {
  if (rng.chance(noise.missingDob)) return null;
  const [y, m, d] = civil(dob);
  if (d <= 12 && d !== m && rng.chance(noise.dayMonthSwap)) return isoDate(day(y, d, m));
  if (rng.chance(noise.dayOut)) return isoDate(dob + (rng.chance(0.5) ? 1 : -1));
  return isoDate(dob);
}

/** Who a record is about, as far as its identity fields go. */
export interface Identity { name: PersonName; dob: number; sex: 'male' | 'female'; homes: readonly string[] }

/** The identity fields as one record writes them, with the noise of `noise`; `surnameAfter` a later surname, if any. */
export function writtenIdentity(rng: Rng, person: Identity, noise: NoiseRates, surnameAfter: string | null) {
  let forename: string | null = person.name.forename;
  let surname: string | null = surnameAfter && rng.chance(0.5) ? surnameAfter : person.name.surname;
  const shorts = SHORT_FORMS[forename];
  if (shorts && rng.chance(noise.nickname * 3)) forename = rng.pick(shorts);
  if (rng.chance(noise.typo)) forename = typo(rng, forename);
  if (rng.chance(noise.typo)) surname = typo(rng, surname);
  if (rng.chance(noise.swap)) [forename, surname] = [surname, forename];
  if (rng.chance(noise.missingForename)) forename = null;
  if (rng.chance(0.3)) surname = surname.toUpperCase();
  const home = person.homes[Math.min(person.homes.length - 1, rng.int(person.homes.length))];
  const dob = dobAsWritten(rng, person.dob, noise);
  const postcode = rng.chance(noise.missingPostcode) ? null : home;
  const sex = rng.chance(noise.missingSex) ? null : person.sex;
  return { forename, surname, dob, postcode, sex };
}

function recordOf(rng: Rng, child: Child, agency: BenchmarkRecord['agency'], n: number, noise: NoiseRates, surnameAfter: string | null): BenchmarkRecord {
  return { id: `${agency}/${child.id}/${n}`, agency, local: null, nhs: null, upn: null, ...writtenIdentity(rng, child, noise, surnameAfter), child: child.id };
}

/**
 * The records of `children` children: each known to two or three agencies, one to three records per agency.
 * Health records carry the NHS number (most), council records the council's person id and often the UPN or
 * the NHS number, police records the nominal id. Deterministic for a seed.
 */
export function childLinkageBenchmark(opts: { seed: number; children: number; noise?: Partial<NoiseRates> }): BenchmarkRecord[] {
  const noise = { ...DEFAULT_NOISE, ...opts.noise };
  const records: BenchmarkRecord[] = [];
  for (const child of makeChildren(opts.seed, opts.children)) {
    const rng = new Rng(opts.seed, 'linkage-records', child.index);
    const agencies = (['police', 'health', 'council'] as const).filter(() => rng.chance(0.75));
    while (agencies.length < 2) { const a = rng.pick(['police', 'health', 'council'] as const); if (!agencies.includes(a)) agencies.push(a); }
    const newSurname = rng.chance(noise.surnameChange) ? (rng.chance(0.5) ? `${child.name.surname}-${inventName(rng, 'male', false).surname}` : inventName(rng, 'male', false).surname) : null;
    const nominals = [`LP${child.index}`, ...(rng.chance(noise.secondNominal) ? [`LP${child.index}b`] : [])];
    for (const agency of agencies) {
      const count = 1 + (rng.chance(0.5) ? 1 : 0) + (rng.chance(0.2) ? 1 : 0);
      for (let n = 0; n < count; n++) {
        const r = recordOf(rng, child, agency, n, noise, newSurname);
        if (agency === 'police') r.local = rng.pick(nominals);
        if (agency === 'health') r.nhs = rng.chance(0.75) ? child.nhs : null;
        if (agency === 'council') {
          r.local = `LA${child.index}`;
          r.upn = rng.chance(0.5) ? child.upn : null;
          r.nhs = rng.chance(0.2) ? child.nhs : null;
        }
        records.push(r);
      }
    }
  }
  return records;
}
