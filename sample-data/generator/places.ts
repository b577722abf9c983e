import { llr } from '../../schemas/area/index.ts';
import { Rng, Weighted } from './rng.ts';

/**
 * Places: localities weighted by population (and, for crime, by its higher rate per head in the city), and
 * postcodes drawn from the area's own lookups, so that every generated LLR postcode resolves to its locality.
 */

export type LocalitySlug = string;

export const localities = llr.localities.map((l) => l.slug);
export const panelOf = (slug: LocalitySlug): string => llr.localities.find((l) => l.slug === slug)!.panel;

/** Recorded crime and ASB per head relative to the county average: Leicester's rate is about twice it. */
const RATE_PER_HEAD: Record<string, number> = {
  leicester: 2.0, blaby: 0.85, charnwood: 1.0, harborough: 0.65, 'hinckley-and-bosworth': 0.9, melton: 0.85,
  'north-west-leicestershire': 1.0, 'oadby-and-wigston': 0.85, rutland: 0.55,
};

/** Where people live: by population. */
export const residence = new Weighted(localities, llr.localities.map((l) => l.population));
/** Where crime, ASB and the people most involved in them are: population × rate per head. */
export const incidence = new Weighted(localities, llr.localities.map((l) => l.population * (RATE_PER_HEAD[l.slug] ?? 1)));

/** The council that holds a locality's records. */
export function councilOf(slug: LocalitySlug): string {
  if (slug === 'leicester') return 'leicester-city-council';
  if (slug === 'rutland') return 'rutland-county-council';
  return 'leicestershire-county-council';
}
export const COUNCILS = ['leicester-city-council', 'leicestershire-county-council', 'rutland-county-council'] as const;

/** For each locality, the sectors that lie in it: whole districts (a few sectors each) and split-district sectors. */
const sectorsByLocality = new Map<string, Weighted<string>>();
{
  const table = new Map<string, { sectors: string[]; weights: number[] }>();
  const add = (slug: string, sector: string, weight: number) => {
    const entry = table.get(slug) ?? { sectors: [], weights: [] };
    entry.sectors.push(sector);
    entry.weights.push(weight);
    table.set(slug, entry);
  };
  for (const [district, slug] of Object.entries(llr.districts)) {
    // A whole district: a few sectors (digits) of it, as if real; each weighs like a split-district sector.
    const digits = /^LE\d$|^LE1\d$/.test(district) ? [1, 2, 3, 4, 5, 6] : [0, 1, 2, 3];
    for (const d of digits) add(slug, `${district} ${d}`, 1.5);
  }
  for (const [sector, slug] of Object.entries(llr.sectors)) add(slug, sector, 1);
  for (const [slug, { sectors, weights }] of table) sectorsByLocality.set(slug, new Weighted(sectors, weights));
}

const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const OUT_OF_AREA = ['NG7', 'NG1', 'NG11', 'CV1', 'CV11', 'CV21', 'DE1', 'DE22', 'NN1', 'NN17', 'PE9', 'B15', 'S1', 'MK9', 'LN1', 'WS13'];

/** A full postcode in a sector: the sector's digit and two letters of the inward-code alphabet. */
export const unitIn = (rng: Rng, sector: string): string =>
  `${sector}${INWARD_LETTERS[rng.int(20)]}${INWARD_LETTERS[rng.int(20)]}`;

/** A full postcode in a locality: a sector of it, then a unit. */
export function postcodeIn(rng: Rng, slug: LocalitySlug): string {
  const sectors = sectorsByLocality.get(slug);
  if (!sectors) throw new Error(`no postcode sectors for locality ${slug}`);
  return unitIn(rng, sectors.pick(rng));
}

/** A postcode outside the area (neighbouring counties and beyond). */
export const outOfAreaPostcode = (rng: Rng): string => unitIn(rng, `${rng.pick(OUT_OF_AREA)} ${rng.int(10)}`);

/** The sector part of a full postcode ("LE2 4PQ" → "LE2 4"). */
export const sectorOf = (postcode: string): string => postcode.slice(0, -2);

/**
 * A location postcode as a record carries it: mostly full, some only the sector, ~2% outside the area, ~3% none;
 * now and then written in lower case or without the space.
 */
export function locationPostcode(rng: Rng, slug: LocalitySlug, rates = { none: 0.03, outside: 0.02, sector: 0.06 }): string {
  const r = rng.next();
  if (r < rates.none) return '';
  if (r < rates.none + rates.outside) return outOfAreaPostcode(rng);
  const full = postcodeIn(rng, slug);
  if (r < rates.none + rates.outside + rates.sector) return sectorOf(full);
  return writtenPostcode(rng, full);
}

/** The same postcode as different systems write it. */
export function writtenPostcode(rng: Rng, postcode: string): string {
  const r = rng.next();
  if (r < 0.03) return postcode.replace(' ', '');
  if (r < 0.05) return postcode.toLowerCase();
  return postcode;
}

/** Synthetic school URNs by locality (six digits, as DfE URNs), a few schools each. */
export function schoolUrn(rng: Rng, slug: LocalitySlug): string {
  const base = 100_000 + 3_000 * (localities.indexOf(slug) + 10);
  const schools = slug === 'leicester' ? 40 : slug === 'rutland' ? 6 : 18;
  return String(base + 37 * rng.int(schools) + 11);
}
