import { isoToDay } from '../dates.ts';
import { and, col, date, isIn, lit, or, type Engine, type Expr, type Params, type ResultRow } from '../ir.ts';
import { KeyClusters } from './key-clusters.ts';
import { unitCandidates } from './candidates.ts';
import { withTrainedModel } from './training.ts';
import { linkRowOf, linkSources, loadLinkTable, type LinkSource } from './link-rows.ts';
import { indexPeople, type PeopleIndex } from './people-index.ts';
import { resolveTable, type Decisions } from './resolve.ts';
import { linkageConfig } from '../../schemas/linkage.ts';

/**
 * People across the partnership's records: the pseudonymised rows that describe a person, from either engine,
 * linked into people by fuzzy linkage (analytics/matching) or by their person keys. The cohort and the deep dive both start here, from a few seed rows
 * (the suspects in a window, the people in a set of crimes) rather than from everyone.
 */
/** What each dataset tells about a person: its key, birth, home and event columns. */
interface PersonSource { dataset: string; record: string; keys: string[]; birth: string; age?: string; sex: string; home: string; date?: string; extra: Record<string, string> }

const SOURCES: PersonSource[] = [
  { dataset: 'police_person', record: 'crime_key', keys: ['key_local', 'key_name_dob'], birth: 'month_of_birth', sex: 'sex', home: 'home_locality', extra: { role: 'role', crime_key: 'crime_key' } },
  { dataset: 'asb_incident', record: 'record_key', keys: ['perpetrator_key_local', 'perpetrator_key_name_dob'], birth: 'perpetrator_month_of_birth', age: 'perpetrator_age', sex: 'perpetrator_sex', home: 'perpetrator_home_locality', date: 'reported_at', extra: {} },
  { dataset: 'ae_attendance', record: 'record_key', keys: ['key_nhs', 'key_name_dob'], birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'arrival_at', extra: {} },
  { dataset: 'hospital_admission', record: 'record_key', keys: ['key_nhs'], birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'admission_date', extra: { cause_codes: 'cause_codes' } },
  { dataset: 'school_exclusion', record: 'record_key', keys: ['key_upn', 'key_name_dob'], birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'start_date', extra: { category: 'category', reason_code: 'reason_code' } },
  { dataset: 'support_episode', record: 'record_key', keys: ['key_nhs', 'key_upn', 'key_local', 'key_name_dob'], birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'start_date', extra: { service: 'service', end_date: 'end_date' } },
  { dataset: 'programme_delivery', record: 'record_key', keys: ['key_nhs', 'key_upn', 'key_name_dob'], birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'referral_date', extra: { programme: 'programme', start_date: 'start_date' } },
];
const sourceOf = (dataset: string) => {
  const source = SOURCES.find((s) => s.dataset === dataset);
  if (!source) throw new Error(`${dataset} holds no person records`);
  return source;
};

/** Person keys are looked up this many at a time, so that no query carries an unbounded list. */
const KEY_BATCH = 100_000;

export interface PersonRecord { dataset: string; partner: string; keys: string[]; birth: string | null; age: number | null; sex: string | null; home: string | null; day: number | null; row: ResultRow }

const dayOf = (value: unknown) => (value === null || value === undefined ? null : isoToDay(String(value).slice(0, 10)));

export interface People {
  /** How the records were linked: fuzzily, or by exact keys (asked for, or a large store not linked yet). */
  linkage: Linkage['kind'];
  /** What the caller said of the people linked (Linkage's note). */
  note?: string;
  /** The crimes of the police records below: their date and group, by record key (police_person rows are dated by these). */
  crimes: Map<string, { day: number | null; group: string }>;
  /** person_id → the person's records, latest first (in a fixed order, whatever the engine). */
  people: Map<string, PersonRecord[]>;
}

/**
 * How records become people. `fuzzy` (the default): fuzzy linkage over every person record (analytics/matching: exact
 * identifiers, then the Bloom-filter encodings, with the analysts' review decisions), so spelling variants,
 * nicknames and typos link while two person ids of one partner never do. `people` are the stored result of a
 * linking run; without them the store is linked here, if it holds at most `productsUpTo` person records. `note`
 * says what the caller knows of them (linked before the latest data, say). `exact`: person keys only.
 */
export type Linkage = { kind: 'fuzzy'; people?: PeopleIndex; decisions?: Decisions; note?: string } | { kind: 'exact' };

/** Rows of the datasets whose persons fuzzy linkage reads: a bound on its records that reads no encoding. */
export async function linkRecordCount(engine: Engine): Promise<number> {
  let records = 0;
  for (const source of linkSources()) records += Number((await engine.count({ from: source.dataset, groupBy: {} }, {}))[0].count);
  return records;
}

/** The people fuzzy linkage gives: stored, or linked here when the store is small enough; null for none. */
async function peopleOf(engine: Engine, linkage: Linkage): Promise<PeopleIndex | null> {
  if (linkage.kind === 'exact') return null;
  if (linkage.people) return linkage.people;
  if (await linkRecordCount(engine) > linkageConfig.productsUpTo) return null;
  const table = await loadLinkTable(engine);
  return indexPeople(resolveTable(unitCandidates(withTrainedModel(table, linkage.decisions)), linkage.decisions), { version: 'linked for this request', linkedAt: '' }, { review: false });
}

/** Rows of one dataset that start the search for people: a filter over its person rows (parameters allowed). */
export interface PersonSeed { dataset: string; where: Expr }

/** Police records of people count only through a crime recorded up to the day; other records by their own date. */
function datedUpTo(source: PersonSource, upTo: string): Expr {
  return source.date
    ? { op: 'le', a: date(col(source.date)), b: date(lit(upTo)) }
    : { op: 'in_rows', a: col('crime_key'), from: 'police_crime', select: col('record_key'), where: { op: 'le', a: col('recorded_date'), b: date(lit(upTo)) } };
}

function selectOf(source: PersonSource): Record<string, Expr> {
  const select: Record<string, Expr> = {
    partner: col('partner'), upload_id: col('upload_id'), record_key: col(source.record), birth: col(source.birth), sex: col(source.sex), home: col(source.home),
  };
  source.keys.forEach((k, i) => { select[`key${i}`] = col(k); });
  if (source.age) select.age = col(source.age);
  if (source.date) select.day = col(source.date);
  for (const [name, column] of Object.entries(source.extra)) select[name] = col(column);
  return select;
}

function* batches<T>(values: T[], size: number) {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}

/**
 * Latest first, then in a fixed order: engines return rows in no set order (DuckDB scans in parallel), and a product
 * that takes "the latest birth month" must take the same one on every run and engine.
 */
function latestFirst(a: PersonRecord, b: PersonRecord): number {
  const day = (r: PersonRecord) => r.day ?? -Infinity;
  const text = (r: PersonRecord) => [r.dataset, String(r.row.record_key), String(r.row.role ?? ''), r.partner, ...r.keys];
  if (day(a) !== day(b)) return day(b) - day(a);
  const [x, y] = [text(a), text(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? '') < (y[i] ?? '') ? -1 : 1;
  return 0;
}

/**
 * The people of the seed rows, with every record dated up to (and including) a day that is linked to them. With
 * exact keys: the seeds' keys fetch their records, whose other keys fetch more, until no new key appears. With fuzzy
 * linkage: a seed's person brings the keys (and encodings) of all its records, which fetch them; a record fetched
 * that belongs to another person is left out (a name and date of birth key two people share reaches the other),
 * unless it shares a key with a record linking has not seen (newer than the stored people), which joins that
 * person by its keys. The clusters are then those that linking every record up to the day gives these people.
 */
export async function linkedPeople(engine: Engine, upTo: string, seeds: PersonSeed[], params: Params = {}, linkage: Linkage = { kind: 'fuzzy' }): Promise<People> {
  const links = await peopleOf(engine, linkage);
  const linkSourceOf = new Map<string, LinkSource>(links ? linkSources().map((l) => [l.dataset, l]) : []);
  const records = new Map<string, PersonRecord>();
  /** Fuzzy linkage's person for a record it placed. */
  const placed = new Map<PersonRecord, string>();
  const known = new Set<string>();
  let frontier: string[] = [];
  const search = (handles: readonly string[]) => {
    for (const h of handles) if (h && !known.has(h)) { known.add(h); frontier.push(h); }
  };
  /** People whose records are wanted, and the keys of records fuzzy linkage has not seen. */
  const wanted = new Set<string>(), unseenKeys = new Set<string>();
  const take = (source: PersonSource, row: ResultRow, seed: boolean) => {
    const keys = source.keys.map((_, i) => row[`key${i}`]).filter((k): k is string => typeof k === 'string');
    const link = linkSourceOf.get(source.dataset);
    const linkRow = link ? linkRowOf(link, row) : null;
    const person = linkRow ? links!.personOf(linkRow.id) ?? null : null;
    if (!keys.length && !person) return; // no person to link (e.g. an ASB incident with no known perpetrator)
    const id = linkRow?.id ?? [source.dataset, row.record_key, row.role ?? '', ...keys].join('|');
    if (records.has(id)) return;
    if (person && !wanted.has(person)) {
      if (!seed && !keys.some((k) => unseenKeys.has(k))) return; // another person's record
      wanted.add(person);
    }
    if (links && !person) for (const k of keys) unseenKeys.add(k);
    const record: PersonRecord = {
      dataset: source.dataset, partner: String(row.partner), keys, birth: (row.birth as string | null) ?? null,
      age: typeof row.age === 'number' ? row.age : null, sex: (row.sex as string | null) ?? null,
      home: (row.home as string | null) ?? null, day: source.date ? dayOf(row.day) : null, row,
    };
    records.set(id, record);
    if (person) placed.set(record, person);
    // A person brings all its records' keys (and the encodings of those with none), so records sharing no key come too.
    search(person ? links!.handlesOf(person) : keys);
  };
  const selectFor = (source: PersonSource) => ({ ...selectOf(source), ...linkSourceOf.get(source.dataset)?.select });
  const handleColumns = (source: PersonSource) => {
    const clk = linkSourceOf.get(source.dataset)?.select.clk;
    return [...source.keys, ...(clk && 'col' in clk ? [clk.col] : [])];
  };

  for (const seed of seeds) {
    const source = sourceOf(seed.dataset);
    for (const row of await engine.rows({ from: source.dataset, where: and(seed.where, datedUpTo(source, upTo)), select: selectFor(source) }, params)) take(source, row, true);
  }
  while (frontier.length) {
    const searching = frontier;
    frontier = [];
    for (const source of SOURCES) {
      for (const batch of batches(searching, KEY_BATCH)) {
        const sharesHandle = or(...handleColumns(source).map((k) => isIn(col(k), batch)));
        for (const row of await engine.rows({ from: source.dataset, where: and(sharesHandle, datedUpTo(source, upTo)), select: selectFor(source) }, {})) take(source, row, false);
      }
    }
  }

  const crimes = new Map<string, { day: number | null; group: string }>();
  const crimeKeys = [...new Set([...records.values()].filter((r) => !sourceOf(r.dataset).date).map((r) => String(r.row.record_key)))];
  for (const batch of batches(crimeKeys, KEY_BATCH)) {
    for (const r of await engine.rows({ from: 'police_crime', where: isIn(col('record_key'), batch), select: { key: col('record_key'), day: col('recorded_date'), group: col('offence_group') } }, {})) {
      crimes.set(String(r.key), { day: dayOf(r.day), group: String(r.group) });
    }
  }

  // A record fuzzy linkage placed is clustered by its person alone (its name+DOB key may be shared with someone fuzzy
  // linkage kept apart); a record it did not see (newer than the stored people), by its keys, and with the person of
  // its first key that belongs to one placed person only (keys are listed strongest first).
  const personOfKey = new Map<string, string | null>();
  for (const [record, person] of placed) {
    for (const key of record.keys) { const known = personOfKey.get(key); personOfKey.set(key, known === undefined || known === person ? person : null); }
  }
  const clusters = new KeyClusters();
  const tokensOf = (r: PersonRecord) => {
    if (placed.has(r)) return [`person:${placed.get(r)}`];
    const person = r.keys.map((k) => personOfKey.get(k)).find((p) => p);
    return person ? [...r.keys, `person:${person}`] : r.keys;
  };
  for (const record of records.values()) {
    if (!sourceOf(record.dataset).date) record.day = crimes.get(String(record.row.record_key))?.day ?? null;
    clusters.add(tokensOf(record));
  }
  // One person-id scheme: a person fuzzy linkage placed keeps the linking run's id (the smallest, should keys have
  // joined two); one of exact keys alone takes the same one-way value of its smallest key.
  const fuzzyId = new Map<string, string>();
  for (const record of records.values()) {
    const person = placed.get(record) ?? tokensOf(record).find((t) => t.startsWith('person:'))?.slice('person:'.length);
    if (!person) continue;
    const root = clusters.rootKey(tokensOf(record)[0]), known = fuzzyId.get(root);
    if (known === undefined || person < known) fuzzyId.set(root, person);
  }
  const people = new Map<string, PersonRecord[]>();
  for (const record of records.values()) {
    const root = clusters.rootKey(tokensOf(record)[0]);
    const id = fuzzyId.get(root) ?? clusters.personId(root);
    (people.get(id) ?? people.set(id, []).get(id)!).push(record);
  }
  for (const recs of people.values()) recs.sort(latestFirst);
  return { linkage: links ? 'fuzzy' : 'exact', ...(links && linkage.kind === 'fuzzy' && linkage.note ? { note: linkage.note } : {}), crimes, people };
}
