import { DEFAULT_DEPLOYMENT, loadDeployment, type Deployment } from '../../schemas/deployments/index.ts';
import { Rng, Weighted } from './rng.ts';

/**
 * Places of one deployment: its localities weighted by population (and, for crime, by the bundle's rate per head),
 * postcodes drawn from the area's own lookups (so that every generated postcode in the area resolves to its
 * locality), LSOAs from its boundaries, and the partners whose records a locality's events become.
 */

export type LocalitySlug = string;

const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** A full postcode in a sector: the sector's digit and two letters of the inward-code alphabet. */
export const unitIn = (rng: Rng, sector: string): string =>
  `${sector}${INWARD_LETTERS[rng.int(20)]}${INWARD_LETTERS[rng.int(20)]}`;

/** The sector part of a full postcode ("LE2 4PQ" → "LE2 4"). */
export const sectorOf = (postcode: string): string => postcode.slice(0, -2);

/** The same postcode as different systems write it. */
export function writtenPostcode(rng: Rng, postcode: string): string {
  const r = rng.next();
  if (r < 0.03) return postcode.replace(' ', '');
  if (r < 0.05) return postcode.toLowerCase();
  return postcode;
}

/** 32-bit FNV-1a of a string: a stable choice from a value, with no random draw. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class Places {
  readonly localities: LocalitySlug[];
  /** Where people live: by population. */
  readonly residence: Weighted<LocalitySlug>;
  /** Where crime, ASB and the people most involved in them are: population × rate per head. */
  readonly incidence: Weighted<LocalitySlug>;
  /** The councils, in the order their files are written. */
  readonly councils: string[];
  readonly partners: Deployment['sample']['partners'];
  private readonly sectorsByLocality = new Map<string, Weighted<string>>();
  private readonly lsoasByLocality = new Map<string, string[]>();
  private readonly councilByLocality = new Map<string, Deployment['sample']['councils'][number]>();
  private readonly outOfArea: Set<string>;

  constructor(readonly deployment: Deployment) {
    const { area, sample } = deployment;
    this.localities = area.localities.map((l) => l.slug);
    this.residence = new Weighted(this.localities, area.localities.map((l) => l.population));
    this.incidence = new Weighted(this.localities, area.localities.map((l) => l.population * (sample.ratePerHead[l.slug] ?? 1)));
    this.councils = sample.councils.map((c) => c.partner);
    this.partners = sample.partners;
    for (const council of sample.councils) for (const slug of council.localities) this.councilByLocality.set(slug, council);
    for (const l of area.localities) this.lsoasByLocality.set(l.slug, deployment.boundaries.lsoas[l.onsCode] ?? []);
    this.outOfArea = new Set(sample.outOfArea);

    // A whole district: a few sectors (digits) of it, as if real, each weighing like a split-district sector; a
    // district of the area's own postcode area numbered under 20 (a town's) has six, any other four.
    const letters = (district: string) => district.replace(/\d+$/, '');
    const counts = new Map<string, number>();
    for (const district of Object.keys(area.districts)) counts.set(letters(district), (counts.get(letters(district)) ?? 0) + 1);
    const home = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    const table = new Map<string, { sectors: string[]; weights: number[] }>();
    const add = (slug: string, sector: string, weight: number) => {
      const entry = table.get(slug) ?? { sectors: [], weights: [] };
      entry.sectors.push(sector);
      entry.weights.push(weight);
      table.set(slug, entry);
    };
    for (const [district, slug] of Object.entries(area.districts)) {
      const town = letters(district) === home && Number(district.slice(letters(district).length)) < 20;
      for (const d of town ? [1, 2, 3, 4, 5, 6] : [0, 1, 2, 3]) add(slug, `${district} ${d}`, 1.5);
    }
    for (const [sector, slug] of Object.entries(area.sectors)) add(slug, sector, 1);
    for (const [slug, { sectors, weights }] of table) this.sectorsByLocality.set(slug, new Weighted(sectors, weights));
  }

  panelOf(slug: LocalitySlug): string {
    return this.deployment.area.localities.find((l) => l.slug === slug)!.panel;
  }

  /** The council that holds a locality's records. */
  councilOf(slug: LocalitySlug): string {
    return this.council(slug).partner;
  }

  /** A council's DfE number and the prefix of its own references. */
  councilCodes(partner: string): { laCode: string; prefix: string } {
    const council = this.deployment.sample.councils.find((c) => c.partner === partner);
    if (!council) throw new Error(`no council ${partner} in deployment ${this.deployment.name}`);
    return council;
  }

  /** Whether a locality's residents' names follow the city's mix. */
  isCity(slug: LocalitySlug | null): boolean {
    return slug !== null && this.deployment.sample.cityLocalities.includes(slug);
  }

  /** A full postcode in a locality: a sector of it, then a unit. */
  postcodeIn(rng: Rng, slug: LocalitySlug): string {
    const sectors = this.sectorsByLocality.get(slug);
    if (!sectors) throw new Error(`no postcode sectors for locality ${slug}`);
    return unitIn(rng, sectors.pick(rng));
  }

  /** A postcode outside the area (neighbouring districts and beyond). */
  outOfAreaPostcode(rng: Rng): string {
    return unitIn(rng, `${rng.pick(this.deployment.sample.outOfArea)} ${rng.int(10)}`);
  }

  /**
   * A location postcode as a record carries it: mostly full, some only the sector, ~2% outside the area, ~3% none;
   * now and then written in lower case or without the space.
   */
  locationPostcode(rng: Rng, slug: LocalitySlug, rates = { none: 0.03, outside: 0.02, sector: 0.06 }): string {
    const r = rng.next();
    if (r < rates.none) return '';
    if (r < rates.none + rates.outside) return this.outOfAreaPostcode(rng);
    const full = this.postcodeIn(rng, slug);
    if (r < rates.none + rates.outside + rates.sector) return sectorOf(full);
    return writtenPostcode(rng, full);
  }

  /**
   * The LSOA the police's geocoder gives a location postcode, for the bundle's share of postcodes: chosen by the
   * postcode alone (the same postcode, the same LSOA of its locality), with no random draw, so the rest of the
   * sample is the same whatever the share; '' for no postcode, one outside the area or one the geocoder misses.
   */
  lsoaFor(slug: LocalitySlug, postcode: string): string {
    const share = this.deployment.sample.lsoaShare;
    if (share === 0 || !postcode || this.outOfArea.has(postcode.toUpperCase().replace(/\s*\d[A-Z]{0,2}$/, '').trim())) return '';
    const lsoas = this.lsoasByLocality.get(slug) ?? [];
    const hash = fnv1a(postcode.toUpperCase().replace(/\s+/g, ''));
    if ((hash % 1000) / 1000 >= share || !lsoas.length) return '';
    return lsoas[Math.floor(hash / 1000) % lsoas.length];
  }

  /** Synthetic school URNs by locality (six digits, as DfE URNs), a few schools each. */
  schoolUrn(rng: Rng, slug: LocalitySlug): string {
    const base = 100_000 + 3_000 * (this.localities.indexOf(slug) + 10);
    return String(base + 37 * rng.int(this.council(slug).schools) + 11);
  }

  private council(slug: LocalitySlug) {
    const council = this.councilByLocality.get(slug);
    if (!council) throw new Error(`no council for locality ${slug}`);
    return council;
  }
}

const cache = new Map<string, Places>();
/** The places of a deployment by name (default the LLR bundle, as the committed sample and the benchmarks are). */
export function placesOf(name = DEFAULT_DEPLOYMENT): Places {
  let places = cache.get(name);
  if (!places) cache.set(name, (places = new Places(loadDeployment(name))));
  return places;
}
