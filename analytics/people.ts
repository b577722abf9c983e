import { isoToDay } from '../functions/ingest/dates.ts';
import { and, col, date, isIn, lit, or, type Engine, type Expr, type Params, type ResultRow } from './ir.ts';
import { KeyClusters } from './linkage.ts';

/**
 * People across the partnership's records: the pseudonymised rows that describe a person, from either engine,
 * linked into clusters by their person keys. The cohort and the deep dive both start here, from a few seed rows
 * (the suspects in a window, the people in a set of crimes) rather than from everyone.
 */
/** What each dataset tells about a person: its key, birth, home and event columns. */
interface PersonSource { dataset: string; record: string; keys: string[]; birth: string; age?: string; sex: string; home: string; date?: string; extra: Record<string, string> }

const SOURCES: PersonSource[] = [
  { dataset: 'police_person', record: 'crime_key', keys: ['key_local', 'key_name_dob'], birth: 'month_of_birth', sex: 'sex', home: 'home_locality', extra: { role: 'role', crime_key: 'crime_key' } },
  { dataset: 'asb_incident', record: 'record_key', keys: ['perpetrator_key_local', 'perpetrator_key_name_dob'], birth: 'perpetrator_month_of_birth', age: 'perpetrator_age', sex: 'perpetrator_sex', home: 'perpetrator_home_locality', date: 'reported_at', extra: {} },
  { dataset: 'ae_attendance', record: 'record_key', keys: ['key_nhs', 'key_name_dob'], birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'arrival_at', extra: {} },
  { dataset: 'hospital_admission', record: 'record_key', keys: ['key_nhs'], birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'admission_date', extra: {} },
  { dataset: 'school_exclusion', record: 'record_key', keys: ['key_upn', 'key_name_dob'], birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'start_date', extra: { category: 'category', reason_code: 'reason_code' } },
  { dataset: 'support_episode', record: 'record_key', keys: ['key_nhs', 'key_upn', 'key_local', 'key_name_dob'], birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'start_date', extra: { service: 'service', end_date: 'end_date' } },
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
  /** The crimes of the police records below: their date and group, by record key (police_person rows are dated by these). */
  crimes: Map<string, { day: number | null; group: string }>;
  /** person_id → the person's records. */
  people: Map<string, PersonRecord[]>;
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
 * The people of the seed rows, with every record dated up to (and including) a day that is linked to them through
 * any chain of shared person keys: the seeds' keys fetch their records, whose other keys fetch more, until no new
 * key appears. The clusters are then exactly those that linking every record up to the day would give these people.
 */
export async function linkedPeople(engine: Engine, upTo: string, seeds: PersonSeed[], params: Params = {}): Promise<People> {
  const records = new Map<string, PersonRecord>();
  const known = new Set<string>();
  let frontier: string[] = [];
  const take = (source: PersonSource, row: ResultRow) => {
    const keys = source.keys.map((_, i) => row[`key${i}`]).filter((k): k is string => typeof k === 'string');
    if (!keys.length) return; // no person to link (e.g. an ASB incident with no known perpetrator)
    const id = [source.dataset, row.record_key, row.role ?? '', ...keys].join('|');
    if (records.has(id)) return;
    records.set(id, {
      dataset: source.dataset, partner: String(row.partner), keys, birth: (row.birth as string | null) ?? null,
      age: typeof row.age === 'number' ? row.age : null, sex: (row.sex as string | null) ?? null,
      home: (row.home as string | null) ?? null, day: source.date ? dayOf(row.day) : null, row,
    });
    for (const key of keys) if (!known.has(key)) { known.add(key); frontier.push(key); }
  };

  for (const seed of seeds) {
    const source = sourceOf(seed.dataset);
    for (const row of await engine.rows({ from: source.dataset, where: and(seed.where, datedUpTo(source, upTo)), select: selectOf(source) }, params)) take(source, row);
  }
  while (frontier.length) {
    const searching = frontier;
    frontier = [];
    for (const source of SOURCES) {
      for (const batch of batches(searching, KEY_BATCH)) {
        const sharesKey = or(...source.keys.map((k) => isIn(col(k), batch)));
        for (const row of await engine.rows({ from: source.dataset, where: and(sharesKey, datedUpTo(source, upTo)), select: selectOf(source) }, {})) take(source, row);
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

  const clusters = new KeyClusters();
  for (const record of records.values()) {
    if (!sourceOf(record.dataset).date) record.day = crimes.get(String(record.row.record_key))?.day ?? null;
    clusters.add(record.keys);
  }
  const people = new Map<string, PersonRecord[]>();
  for (const record of records.values()) {
    const id = clusters.personId(record.keys[0]);
    (people.get(id) ?? people.set(id, []).get(id)!).push(record);
  }
  return { crimes, people };
}
