import type { Column, Dataset } from './dataset.ts';

/**
 * The stored (pseudonymised) table of a dataset, derived from its upload format: what reaches Parquet, the SQL
 * views and Athena. Identity columns never appear; they become person keys, ages, month of birth and areas.
 */
export type StoredType = 'string' | 'date' | 'timestamp' | 'int' | 'double' | 'boolean';

export interface StoredColumn {
  name: string;
  type: StoredType;
  description: string;
  /** A keyed hash: random-looking and seldom repeated in a row group, so it is stored without dictionary or compression. */
  keyed?: true;
}

/** Person-key kinds: each a domain of its own in the keyed hash. */
export const personKeyKinds = ['nhs', 'upn', 'local', 'name_dob'] as const;
export type PersonKeyKind = (typeof personKeyKinds)[number];

const storedTypeOf = (column: Column): StoredType => {
  switch (column.type.kind) {
    case 'date': case 'month': return 'date';
    case 'datetime': return 'timestamp';
    case 'boolean': return 'boolean';
    case 'int': return 'int';
    case 'number': return 'double';
    default: return 'string';
  }
};

export interface PersonColumns {
  person: string;
  prefix: string;
  keys: Partial<Record<PersonKeyKind, string>>;
  age?: string;
  ageBand?: string;
  monthOfBirth?: string;
  homeSector?: string;
  homeLocality?: string;
  /** Fuzzy-linkage encodings (analytics/matching/encoding.ts), where the person has a name or a birth date and home. */
  clk?: string;
  linkBlocks?: string;
  /** Keyed tokens of the forename's one-edit neighbourhood: the forename's `typo` level (README: Fuzzy linkage). */
  linkEdits?: string;
  /** The column holding the person's sex, encoded into the CLK (it is also stored as itself). */
  sexColumn?: string;
}

/** The stored columns describing each person of a dataset, from which identity fields it carries. */
export function personColumns(dataset: Dataset): PersonColumns[] {
  return Object.entries(dataset.persons).map(([person, spec]) => {
    const roles = new Set(dataset.columns.filter((c) => c.person === person && c.identity).map((c) => c.identity));
    const hasAge = dataset.columns.some((c) => c.person === person && c.personAge);
    const p = spec.storePrefix;
    const keys: PersonColumns['keys'] = {};
    if (roles.has('nhs_number')) keys.nhs = `${p}key_nhs`;
    if (roles.has('upn')) keys.upn = `${p}key_upn`;
    if (roles.has('local_person_id')) keys.local = `${p}key_local`;
    if (roles.has('forename') && roles.has('surname') && roles.has('date_of_birth')) keys.name_dob = `${p}key_name_dob`;
    const encoded = roles.has('forename') || roles.has('surname') || (roles.has('date_of_birth') && roles.has('home_postcode'));
    const sex = dataset.columns.find((c) => c.name === `${p}sex` && c.type.kind === 'enum' && c.type.codeList === 'sex');
    const agesKnown = spec.ageAt !== null && (roles.has('date_of_birth') || hasAge);
    return {
      person,
      prefix: p,
      keys,
      ...(agesKnown ? { age: `${p}age`, ageBand: `${p}age_band` } : {}),
      ...(roles.has('date_of_birth') ? { monthOfBirth: `${p}month_of_birth` } : {}),
      ...(roles.has('home_postcode') ? { homeSector: `${p}home_sector`, homeLocality: `${p}home_locality` } : {}),
      ...(encoded ? { clk: `${p}clk`, linkBlocks: `${p}link_blocks`, linkEdits: `${p}link_edits`, ...(sex ? { sexColumn: sex.name } : {}) } : {}),
    };
  });
}

export function storedColumns(dataset: Dataset): StoredColumn[] {
  const out: StoredColumn[] = [{ name: 'partner', type: 'string', description: 'The partner that supplied the extract' }];
  for (const column of dataset.columns) {
    if (column.reference) {
      // The reference itself is kept only in the partner's sealed reference vault, beside the extract.
      out.push({ name: column.reference.key, type: 'string', description: `Keyed hash of ${column.name} (joins records; not reversible)`, keyed: true });
      continue;
    }
    if (column.identity || column.personAge) continue;
    if (column.type.kind === 'postcode' && column.location) {
      out.push({ name: column.location.sector, type: 'string', description: `Postcode sector of ${column.name}` });
      out.push({ name: column.location.locality, type: 'string', description: `Locality of ${column.name} ('unknown' if unresolved)` });
      continue;
    }
    out.push({ name: column.name, type: storedTypeOf(column), description: column.description });
  }
  for (const person of personColumns(dataset)) {
    for (const [kind, name] of Object.entries(person.keys)) {
      out.push({ name, type: 'string', description: `Person key (${kind}) of the ${person.person}`, keyed: true });
    }
    if (person.age) out.push({ name: person.age, type: 'int', description: `Age of the ${person.person} at the event` });
    if (person.ageBand) out.push({ name: person.ageBand, type: 'string', description: `Age band of the ${person.person}` });
    if (person.monthOfBirth) out.push({ name: person.monthOfBirth, type: 'string', description: `Month of birth (YYYY-MM) of the ${person.person}` });
    if (person.homeSector) out.push({ name: person.homeSector, type: 'string', description: `Postcode sector of the ${person.person}'s home` });
    if (person.homeLocality) out.push({ name: person.homeLocality, type: 'string', description: `Locality of the ${person.person}'s home` });
    if (person.clk) out.push({ name: person.clk, type: 'string', description: `Keyed Bloom-filter encoding of the ${person.person}'s names, birth date, postcode and sex (fuzzy linkage; not reversible)` });
    if (person.linkBlocks) out.push({ name: person.linkBlocks, type: 'string', description: `Keyed blocking tokens of the ${person.person} (fuzzy linkage; not reversible)` });
    if (person.linkEdits) out.push({ name: person.linkEdits, type: 'string', description: `Keyed tokens of the ${person.person}'s forename and its one-letter deletions (fuzzy linkage: tells a typo from another name; not reversible)` });
  }
  return out;
}

/**
 * The columns a dataset's view shows beyond its stored ones: the person each person block was linked to (by the
 * latest linking run, and the uploads linked on arrival since). Person ids are pseudonymous; null where a row names
 * no person.
 */
export function linkedColumns(dataset: Dataset): StoredColumn[] {
  return personColumns(dataset).filter((p) => p.clk).map((p) => ({
    name: linkedPersonColumn(dataset, p.prefix), type: 'string' as const, description: `The person the ${p.person} was linked to (pseudonymous; one id across datasets)`,
  }));
}

/**
 * `person_id` (with the block's prefix), or `linked_person_id` where an upload column has that name (ASB's
 * perpetrator_person_id is the council's own id, never stored): a view column never shares a name with an upload one.
 */
export function linkedPersonColumn(dataset: Dataset, prefix: string): string {
  const name = `${prefix}person_id`;
  return dataset.columns.some((c) => c.name === name) ? `${prefix}linked_person_id` : name;
}

/** Stored and linked columns: what a dataset's view (DuckDB, Athena, the reference engine) shows. */
export const viewColumns = (dataset: Dataset): StoredColumn[] => [...storedColumns(dataset), ...linkedColumns(dataset)];
