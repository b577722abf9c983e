import type { Area } from '../../schemas/area/index.ts';
import { UNKNOWN_LOCALITY } from '../../schemas/area/index.ts';
import { seriousViolenceGroups, violenceRelatedExclusionReasons } from '../../schemas/code-lists.ts';
import type { CohortRules } from '../../schemas/cohort.ts';
import { isoToDay, dayToIso } from '../dates.ts';
import { and, col, date, eq, isIn, lit, or, param, type Engine, type Expr, type PersonMeasure, type PersonQuery, type ResultRow } from '../ir.ts';
import { personSources } from '../matching/person-sources.ts';

/**
 * The Prevention Panel cohort: children aged 10–17 on the as-of date, living in the panel's localities
 * by their latest home postcode, not already in an open youth justice or children's social care episode, who in
 * the window (the year up to and including the as-of date) meet a mandatory criterion (M1, M2), with the
 * discretionary factors (D1–D5) flagged and scored. One person query over every dataset's records, joined by the
 * person each was linked to (the people tables), gives each candidate's measures; the exact age and locality are
 * taken here from the latest birth month, age and home it returns.
 */
export interface CohortMember {
  person_id: string;
  age: number;
  sex: string | null;
  locality: string;
  criteria: string[];
  factors: string[];
  score: number;
  events: Record<string, number>;
  last_event_date: string | null;
  partners: string[];
  /** The member's records, by pseudonymous key: what a coordinator may re-identify (their own organisation's). */
  records: { dataset: string; partner: string; upload_id: string; record_key: string }[];
}
export interface CohortResult {
  panel: string; as_of: string;
  /** How records were linked into people: by a linking run (fuzzy), or not at all yet (exact: no person is found). */
  linkage: 'fuzzy' | 'exact';
  /** Said when the people come from an earlier linking run than the data. */
  linkage_note?: string;
  count: number; members: CohortMember[];
}

/** What the products know of the people tables they read: whether any run has linked the records, and a note. */
export interface LinkageState { kind: 'fuzzy' | 'exact'; note?: string }

/** Whole years from the first of the birth month to a day. */
export function ageFromMonth(month: string, onDay: number): number {
  const [y, m] = month.split('-').map(Number);
  const on = new Date(onDay * 86_400_000);
  let age = on.getUTCFullYear() - y;
  if (on.getUTCMonth() + 1 < m) age--;
  return age;
}

function minusMonths(iso: string, months: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return dayToIso(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d.getUTCDate(), lastDay)) / 86_400_000);
}

/**
 * Every dataset's person records up to a day (`upTo`, a parameter), as rows of shared columns: the day, birth
 * month, age, sex and home, and what the rules read (role, crime and its group, exclusion category and reason,
 * support service and end). Police person rows take their crime's date and group.
 */
export function personRecords(extra: (dataset: string) => Record<string, Expr> = () => ({})): PersonQuery['sources'] {
  return personSources.map((s) => {
    const day = s.viaCrime ? col('crime_day') : date(col(s.date!));
    return {
      from: s.dataset, person: s.person,
      ...(s.viaCrime ? { lookup: { from: 'police_crime', key: s.viaCrime, match: 'record_key', select: { crime_day: col('recorded_date'), crime_group: col('offence_group') } } } : {}),
      where: { op: 'le', a: day, b: date(param('up_to')) },
      select: {
        day, birth: col(s.birth), sex: col(s.sex), home: col(s.home), partner: col('partner'), ...(s.age ? { age: col(s.age) } : {}),
        ...(s.viaCrime ? { role: col('role'), crime: col(s.viaCrime), crime_group: col('crime_group') } : {}),
        ...extra(s.dataset),
      },
    };
  });
}

const from = (dataset: string) => eq(col('dataset'), lit(dataset));
/** The latest birth month, age (and its day), sex and home of a person's records: the demographics products take. */
export const latestDemographics: Record<string, PersonMeasure> = {
  birth: { agg: 'latest', value: col('birth'), by: col('day') },
  aged: { agg: 'latest', value: col('age'), by: col('day') },
  aged_on: { agg: 'max', value: col('day'), where: { op: 'not_null', a: col('age') } },
  sex: { agg: 'latest', value: col('sex'), by: col('day') },
  home: { agg: 'latest', value: col('home'), by: col('day'), where: { op: 'ne', a: col('home'), b: lit(UNKNOWN_LOCALITY) } },
};

/** A person's age on a day from the latest measures: the birth month, else the latest age recorded and the years since. */
export function ageOn(person: ResultRow, day: number): number | null {
  if (person.birth !== null) return ageFromMonth(String(person.birth), day);
  if (person.aged === null || person.aged_on === null) return null;
  return Number(person.aged) + Math.floor((day - isoToDay(String(person.aged_on))!) / 365.25);
}

export async function preventionPanelCohort(engine: Engine, area: Area, rules: CohortRules, panel: string, asOf: string, linkage: LinkageState = { kind: 'fuzzy' }): Promise<CohortResult> {
  if (!area.panels.some((p) => p.id === panel)) throw new RangeError(`unknown panel "${panel}"; known: ${area.panels.map((p) => p.id).join(', ')}`);
  const asOfDay = isoToDay(asOf);
  if (asOfDay === null) throw new RangeError(`--as-of must be a date YYYY-MM-DD, not "${asOf}"`);
  const windowStart = minusMonths(asOf, rules.windowMonths); // the window is (windowStart, asOf]
  const panelLocalities = new Set(area.localities.filter((l) => l.panel === panel).map((l) => l.slug));

  const inWindow = and({ op: 'gt', a: col('day'), b: date(param('window_start')) }, { op: 'le', a: col('day'), b: date(param('up_to')) });
  const windowed = (...conditions: Expr[]): Expr => and(inWindow, ...conditions);
  const suspect = and(from('police_person'), isIn(col('role'), rules.suspectRoles));
  const openOn = (services: string[]): Expr => and(from('support_episode'), isIn(col('service'), services),
    or({ op: 'is_null', a: col('end_day') }, { op: 'ge', a: col('end_day'), b: date(param('up_to')) }));
  const query: PersonQuery = {
    sources: personRecords((d): Record<string, Expr> => ({
      ...recordColumns(d),
      ...(d === 'school_exclusion' ? { category: col('category'), reason: col('reason_code') } : d === 'support_episode' ? { service: col('service'), end_day: col('end_date') } : {}),
    })),
    measures: {
      ...latestDemographics,
      partners: { agg: 'list', value: col('partner') },
      open_excluding: { agg: 'count', where: openOn(rules.excludingServices) },
      open_early_help: { agg: 'count', where: openOn(rules.earlyHelpServices) },
      suspect_crimes: { agg: 'count_distinct', value: col('crime'), where: windowed(suspect) },
      asb: { agg: 'count', where: windowed(from('asb_incident')) },
      violent_exclusions: { agg: 'count', where: windowed(from('school_exclusion'), isIn(col('reason'), violenceRelatedExclusionReasons)) },
      suspensions: { agg: 'count', where: windowed(from('school_exclusion'), eq(col('category'), lit('suspension'))) },
      exclusions: { agg: 'count', where: windowed(from('school_exclusion')) },
      ae: { agg: 'count', where: windowed(from('ae_attendance')) },
      admissions: { agg: 'count', where: windowed(from('hospital_admission')) },
      support: { agg: 'count', where: windowed(from('support_episode')) },
      serious_victim: { agg: 'count', where: windowed(from('police_person'), eq(col('role'), lit('victim')), isIn(col('crime_group'), seriousViolenceGroups)) },
      crimes: { agg: 'count_distinct', value: col('crime'), where: windowed(from('police_person')) },
      last_event: { agg: 'max', value: col('day'), where: inWindow },
    },
    // Candidates: a mandatory criterion, nothing excluding, living in the panel's area; age is decided below.
    having: and(
      or({ op: 'ge', a: col('suspect_crimes'), b: lit(rules.m1MinCrimes) }, { op: 'ge', a: col('asb'), b: lit(rules.m2MinAsb) }),
      eq(col('open_excluding'), lit(0)),
      isIn(col('home'), [...panelLocalities]),
    ),
    // Each candidate's records come back with their measures, in the same query.
    recordsBy: ['dataset', 'partner', 'upload_id', 'record_key'],
  };
  const candidates = candidatesWithRecords(await engine.persons(query, { up_to: asOf, window_start: windowStart }));

  const members: CohortMember[] = [];
  for (const { p, records } of candidates) {
    const age = ageOn(p, asOfDay);
    if (age === null || age < rules.ageFrom || age > rules.ageTo) continue;
    const locality = p.home === null ? null : String(p.home);
    if (!locality || !panelLocalities.has(locality)) continue;
    const criteria = [...(Number(p.suspect_crimes) >= rules.m1MinCrimes ? ['M1'] : []), ...(Number(p.asb) >= rules.m2MinAsb ? ['M2'] : [])];
    const factors = [
      ...(Number(p.violent_exclusions) > 0 ? ['D1'] : []),
      ...(Number(p.ae) > 0 ? ['D2'] : []),
      ...(Number(p.serious_victim) > 0 ? ['D3'] : []),
      ...(Number(p.suspensions) >= rules.d4MinSuspensions ? ['D4'] : []),
      ...(Number(p.open_early_help) > 0 ? ['D5'] : []),
    ];
    // Events per dataset in the window; a person's police records count the distinct crimes they were in.
    const counts: [string, unknown][] = [['ae_attendance', p.ae], ['asb_incident', p.asb], ['hospital_admission', p.admissions], ['police_crime', p.crimes], ['school_exclusion', p.exclusions], ['support_episode', p.support]];
    members.push({
      person_id: String(p.person_id),
      age,
      sex: p.sex === null ? null : String(p.sex),
      locality,
      criteria,
      factors,
      score: [...criteria, ...factors].reduce((n, c) => n + (rules.weights[c as keyof typeof rules.weights] ?? 0), 0),
      events: Object.fromEntries(counts.filter(([, n]) => Number(n) > 0).map(([d, n]) => [d, Number(n)])),
      last_event_date: p.last_event === null ? null : String(p.last_event),
      partners: p.partners === null ? [] : String(p.partners).split(';'),
      records,
    });
  }
  for (const m of members) m.records.sort((x, y) => (x.dataset + x.record_key).localeCompare(y.dataset + y.record_key) || x.upload_id.localeCompare(y.upload_id));
  members.sort((a, b) => b.score - a.score || a.person_id.localeCompare(b.person_id));
  return { panel, as_of: asOf, linkage: linkage.kind, ...(linkage.note ? { linkage_note: linkage.note } : {}), count: members.length, members };
}

/** The columns that name a record in the panel's list: its upload and key (a police person row, its crime's). */
function recordColumns(dataset: string): Record<string, Expr> {
  const source = personSources.find((s) => s.dataset === dataset)!;
  return { upload_id: col('upload_id'), record_key: col(source.viaCrime ?? 'record_key') };
}

/** One row per candidate from the rows of `recordsBy` (one per distinct record, with how many rows hold it). */
function candidatesWithRecords(rows: ResultRow[]): { p: ResultRow; records: CohortMember['records'] }[] {
  const out: { p: ResultRow; records: CohortMember['records'] }[] = [];
  for (const row of rows) {
    if (out.at(-1)?.p.person_id !== row.person_id) out.push({ p: row, records: [] });
    const record = { dataset: String(row.dataset), partner: String(row.partner), upload_id: String(row.upload_id), record_key: String(row.record_key) };
    for (let n = Number(row.records); n > 0; n--) out.at(-1)!.records.push({ ...record });
  }
  return out;
}
