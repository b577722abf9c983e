import { isoToDay } from '../functions/ingest/dates.ts';
import { col, date, lit, type Engine, type Expr, type ResultRow } from './ir.ts';
import { KeyClusters } from './linkage.ts';

/**
 * People across the partnership's records: every pseudonymised row that describes a person, from either engine,
 * linked into clusters by their person keys. The cohort and the deep dive both start here.
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

export interface PersonRecord { dataset: string; partner: string; keys: string[]; birth: string | null; age: number | null; sex: string | null; home: string | null; day: number | null; row: ResultRow }

const dayOf = (value: unknown) => (value === null || value === undefined ? null : isoToDay(String(value).slice(0, 10)));


export interface People {
  /** Crimes up to the date: their date and group, by record key (police_person rows take their date from these). */
  crimes: Map<string, { day: number | null; group: string }>;
  /** person_id → the person's records. */
  people: Map<string, PersonRecord[]>;
}

/**
 * Every person record dated up to (and including) a day, linked into people. `births` narrows the rows fetched to
 * people born in a range of months (rows with no birth month are always kept): the cohort asks only for children,
 * which spares it the adult records that are most of the data.
 */
export async function loadPeople(engine: Engine, upTo: string, births?: { from: string; to: string }): Promise<People> {
  const crimes = new Map<string, { day: number | null; group: string }>();
  for (const r of await engine.rows({ from: 'police_crime', where: { op: 'le', a: col('recorded_date'), b: date(lit(upTo)) }, select: { key: col('record_key'), day: col('recorded_date'), group: col('offence_group') } }, {})) {
    crimes.set(String(r.key), { day: dayOf(r.day), group: String(r.group) });
  }
  const records: PersonRecord[] = [];
  const clusters = new KeyClusters();
  for (const source of SOURCES) {
    const select: Record<string, Expr> = {
      partner: col('partner'), upload_id: col('upload_id'), record_key: col(source.record), birth: col(source.birth), sex: col(source.sex), home: col(source.home),
    };
    source.keys.forEach((k, i) => { select[`key${i}`] = col(k); });
    if (source.age) select.age = col(source.age);
    if (source.date) select.day = col(source.date);
    for (const [name, column] of Object.entries(source.extra)) select[name] = col(column);
    const conditions: Expr[] = [];
    if (source.date) conditions.push({ op: 'le', a: date(col(source.date)), b: date(lit(upTo)) });
    if (births) {
      conditions.push({ op: 'or', args: [{ op: 'is_null', a: col(source.birth) }, { op: 'and', args: [{ op: 'ge', a: col(source.birth), b: lit(births.from) }, { op: 'le', a: col(source.birth), b: lit(births.to) }] }] });
    }
    const where: Expr | undefined = conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : { op: 'and', args: conditions };
    for (const row of await engine.rows({ from: source.dataset, where, select }, {})) {
      const keys = source.keys.map((_, i) => row[`key${i}`]).filter((k): k is string => typeof k === 'string');
      if (!keys.length) continue; // no person to link (e.g. an ASB incident with no known perpetrator)
      clusters.add(keys);
      const day = source.date ? dayOf(row.day) : crimes.get(String(row.record_key))?.day ?? null;
      if (!source.date && day === null) continue; // a person in a crime after the date, or one not in the crime extracts
      records.push({
        dataset: source.dataset, partner: String(row.partner), keys, birth: (row.birth as string | null) ?? null,
        age: typeof row.age === 'number' ? row.age : null, sex: (row.sex as string | null) ?? null,
        home: (row.home as string | null) ?? null, day, row,
      });
    }
  }
  const people = new Map<string, PersonRecord[]>();
  for (const record of records) {
    const id = clusters.personId(record.keys[0]);
    (people.get(id) ?? people.set(id, []).get(id)!).push(record);
  }
  return { crimes, people };
}
