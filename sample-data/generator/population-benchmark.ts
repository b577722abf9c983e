import { addYears, day, isoDate } from './calendar.ts';
import { CITY_SHARE, NAMES, ORIGIN_MIX, type NameTable, type Origin, type Zipf } from './leicester-names.ts';
import { DEFAULT_NOISE, writtenIdentity, type BenchmarkRecord, type NoiseRates } from './linkage-benchmark.ts';
import type { PersonName } from './names.ts';
import { nhsNumberFor, upnFor, type Sex } from './people.ts';
import { placesOf } from './places.ts';
import { Rng, Weighted, scramble } from './rng.ts';
import { nicknames } from '../../schemas/linkage.ts';

const nameOf = (forename: string) => nicknames[forename.toUpperCase()] ?? forename.toUpperCase();

/** The benchmarks' people live in LLR (its names, localities and councils). */
const places = placesOf('llr');

/**
 * The population benchmark: a city-and-county population whose names have Leicester's and the county's
 * frequencies (leicester-names.ts), born into families (twins at the UK rate, siblings sharing surname and home),
 * most known to one agency once, some to two or three; each record written with the child benchmark's noise. Police
 * and ASB records carry no NHS number or UPN. In memory, deterministic for a seed, with the truth of who is who and
 * how any two people are related.
 */

/** One birth in 65 is a twin birth (UK). */
export const TWIN_BIRTHS = 1 / 65;

export type Agency = 'police' | 'police_asb' | 'council_asb' | 'health' | 'school';
export const POLICE = 'leicestershire-police';

export interface PopulationPerson {
  id: string;
  index: number;
  /** People of one family share a surname and a first home; twins share a birth too. */
  family: number;
  birth: number;
  name: PersonName;
  sex: Sex;
  dob: number;
  homes: string[];
  city: boolean;
  origin: Origin;
  council: string;
  nhs: string | null;
  upn: string | null;
}

/** A record as the child benchmark's, held by `partner` (its `agency` says which of the partner's extracts), of `person`. */
export type PopulationRecord = Omit<BenchmarkRecord, 'agency' | 'child'> & { agency: Agency; partner: string; person: string };

export type Relation = 'twin' | 'sibling' | 'namesake' | 'stranger';
export const RELATIONS: readonly Relation[] = ['twin', 'sibling', 'namesake', 'stranger'];

/** How two different people are related, as the benchmark made them. */
export function relation(a: PopulationPerson, b: PopulationPerson): Relation {
  if (a.family === b.family) return a.birth === b.birth ? 'twin' : 'sibling';
  return a.name.forename === b.name.forename && a.name.surname === b.name.surname ? 'namesake' : 'stranger';
}

const zipf = <T>(items: readonly T[], { q, s }: Zipf) => new Weighted(items, items.map((_, k) => 1 / (k + 1 + q) ** s));

const drawers = new Map<Origin, { male: Weighted<string>; female: Weighted<string>; surname: Weighted<string> }>();
function drawerOf(origin: Origin) {
  let d = drawers.get(origin);
  if (!d) {
    const t: NameTable = NAMES[origin];
    d = { male: zipf(t.male, t.forenames), female: zipf(t.female, t.forenames), surname: zipf(t.surnames, t.surnameZipf) };
    drawers.set(origin, d);
  }
  return d;
}

export function surnameOf(rng: Rng, origin: Origin): string {
  const tail = NAMES[origin].tail;
  if (tail && rng.chance(tail.share)) return rng.pick(tail.stems) + rng.pick(tail.endings);
  return drawerOf(origin).surname.pick(rng);
}

export const forenameOf = (rng: Rng, origin: Origin, sex: Sex): string => drawerOf(origin)[sex].pick(rng);

const MIX = { city: Weighted.of(ORIGIN_MIX.city), county: Weighted.of(ORIGIN_MIX.county) };
const BIRTHS = new Weighted([1, 2, 3, 4], [55, 30, 11, 4]);
/** The first-born's year of birth: the people the partners record are mostly between 8 and 45. */
const FIRST_BORN = new Weighted([[1945, 1960], [1960, 1975], [1975, 1990], [1990, 2000], [2000, 2010], [2010, 2017]] as const, [6, 12, 22, 24, 26, 10]);
const LATEST_BIRTH = day(2019, 12, 31);

function makePeople(seed: number, count: number, noise: NoiseRates): PopulationPerson[] {
  const people: PopulationPerson[] = [];
  let births = 0;
  for (let family = 0; people.length < count; family++) {
    const rng = new Rng(seed, 'population-family', family);
    const city = rng.chance(CITY_SHARE);
    let locality = 'leicester';
    while (!city && locality === 'leicester') locality = places.residence.pick(rng);
    const origin = MIX[city ? 'city' : 'county'].pick(rng);
    const surname = surnameOf(rng, origin);
    const home = places.postcodeIn(rng, locality);
    const [from, to] = FIRST_BORN.pick(rng);
    let dob = day(from, 1, 1) + rng.int(day(to, 1, 1) - day(from, 1, 1));
    const forenames = new Set<string>();
    for (let b = BIRTHS.pick(rng); b > 0 && dob <= LATEST_BIRTH && people.length < count; b--, births++) {
      const twins = rng.chance(TWIN_BIRTHS);
      const first: Sex = rng.chance(0.55) ? 'male' : 'female';
      // About two in three twin pairs are of one sex.
      const sexes: Sex[] = twins ? [first, rng.chance(0.65) ? first : first === 'male' ? 'female' : 'male'] : [first];
      for (const sex of sexes) {
        let forename = forenameOf(rng, origin, sex);
        // Parents do not give two children forms of one name (Mohammed and Muhammad).
        for (let tries = 0; forenames.has(nameOf(forename)) && tries < 20; tries++) forename = forenameOf(rng, origin, sex);
        forenames.add(nameOf(forename));
        const index = people.length;
        const homes = [home];
        if (rng.chance(noise.move)) homes.push(places.postcodeIn(rng, rng.chance(0.6) ? locality : places.residence.pick(rng)));
        const council = places.councilOf(locality);
        people.push({
          id: `Q${index}`, index, family, birth: births, name: { forename, surname }, sex, dob, homes, city, origin, council,
          nhs: rng.chance(0.98) ? nhsNumberFor(index) : null,
          upn: dob >= day(1996, 9, 1) ? upnFor(index, places.councilCodes(council).laCode, Math.max(2000, Number(isoDate(addYears(dob, 4)).slice(0, 4)))) : null,
        });
      }
      dob += rng.range(330, 6 * 365);
    }
  }
  return people.slice(0, count);
}

/** How many agencies know a person (most one), and how often each agency picks them. */
const AGENCIES_KNOWING = new Weighted([1, 2, 3], [78, 16, 6]);
const AGENCY_WEIGHT: Record<Agency, number> = { police: 35, police_asb: 15, council_asb: 20, health: 20, school: 10 };
const SCHOOL_AGE = [day(2004, 9, 1), day(2019, 8, 31)];

function agenciesOf(rng: Rng, person: PopulationPerson): Agency[] {
  const eligible = (Object.keys(AGENCY_WEIGHT) as Agency[]).filter((a) => a !== 'school' || (person.dob >= SCHOOL_AGE[0] && person.dob <= SCHOOL_AGE[1]));
  const chosen: Agency[] = [];
  for (let k = AGENCIES_KNOWING.pick(rng); k > 0; k--) {
    const left = eligible.filter((a) => !chosen.includes(a));
    chosen.push(new Weighted(left, left.map((a) => AGENCY_WEIGHT[a])).pick(rng));
  }
  return chosen;
}

export interface PopulationBenchmark { people: PopulationPerson[]; records: PopulationRecord[] }

/**
 * `people` people and their records. Police records carry the police nominal id (a few people have two), police ASB
 * records it half the time, council ASB records the council's person id most of the time; health records the NHS
 * number (most), school records the UPN (most); nothing else carries either.
 */
export function populationBenchmark(opts: { seed: number; people: number; noise?: Partial<NoiseRates> }): PopulationBenchmark {
  const noise = { ...DEFAULT_NOISE, move: 0.2, ...opts.noise };
  const people = makePeople(opts.seed, opts.people, noise);
  const records: PopulationRecord[] = [];
  for (const person of people) {
    const rng = new Rng(opts.seed, 'population-records', person.index);
    const { origin } = person;
    const newSurname = rng.chance(noise.surnameChange) ? (rng.chance(0.5) ? `${person.name.surname}-${surnameOf(rng, origin)}` : surnameOf(rng, origin)) : null;
    const nominals = [`LP${person.index}`, ...(rng.chance(noise.secondNominal) ? [`LP${person.index}b`] : [])];
    for (const agency of agenciesOf(rng, person)) {
      const count = 1 + (rng.chance(0.15) ? 1 : 0) + (rng.chance(0.05) ? 1 : 0);
      for (let n = 0; n < count; n++) {
        const council = agency === 'council_asb' || agency === 'school';
        const record: PopulationRecord = {
          id: `R${String(scramble(records.length, 7, 5)).padStart(7, '0')}`, agency,
          partner: council ? person.council : agency === 'health' ? 'uhl' : POLICE,
          local: null, nhs: null, upn: null, ...writtenIdentity(rng, person, noise, newSurname), person: person.id,
        };
        if (agency === 'police' || (agency === 'police_asb' && rng.chance(0.5))) record.local = rng.pick(nominals);
        if (agency === 'council_asb' && rng.chance(0.7)) record.local = `${person.council}/${person.index}`;
        if (agency === 'health' && rng.chance(0.9)) record.nhs = person.nhs;
        if (agency === 'school' && rng.chance(0.95)) record.upn = person.upn;
        records.push(record);
      }
    }
  }
  return { people, records };
}
