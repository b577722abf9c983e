import type { Area } from '../../schemas/area/index.ts';
import { ageBandOf, ageBands, codeLists } from '../../schemas/code-lists.ts';
import { isoToDay } from '../dates.ts';
import { financialYear, monthsOf } from '../financial-year.ts';
import { and, between, col, date, eq, inRows, isIn, lit, month, param, type Engine, type Expr } from '../ir.ts';
import type { Table } from '../render/table.ts';
import { ageFromMonth, latestDemographics, personRecords, type LinkageState } from './cohort.ts';

/**
 * A deep dive for analysts (not disclosure-controlled): a set of offence groups in the whole area or one locality over a
 * financial year — trend, hotspots, hour × weekday, victims and suspects by age band and sex, repeat victims and
 * suspects, and how many suspects under 25 were known to other agencies earlier.
 */
export interface DeepDiveRequest { groups: string[]; area: string; period: string }

type Counts = { key: string; count: number }[];
export interface DeepDiveResult {
  groups: string[];
  area: string;
  period: string;
  /** Whether a linking run has linked suspects and victims into people (the person links the views show). */
  linkage: 'fuzzy' | 'exact';
  /** Said when the people come from an earlier linking run than the data (see functions/linkage/people.ts). */
  linkage_note?: string;
  crimes: number;
  monthly: { month: string; count: number }[];
  hotspots: { sector: string; count: number; share_pct: number }[];
  hour_by_weekday: { weekdays: string[]; hours: number[]; counts: number[][] };
  victims: { age_band: Counts; sex: Counts };
  suspects: { people: number; age_band: Counts; sex: Counts };
  repeat: { victims: { people: number; crimes: number }; suspects: { people: number; crimes: number } };
  linked_agency_contact: { suspects_under_25: number; earlier_ae_attendance: number; earlier_suspension: number; earlier_asb: number; any: number };
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const NOT_RECORDED = 'not_recorded';

export async function deepDive(engine: Engine, area: Area, request: DeepDiveRequest, linkage: LinkageState = { kind: 'fuzzy' }): Promise<DeepDiveResult> {
  const groups = [...new Set(request.groups)];
  const unknown = groups.filter((g) => !codeLists.offence_group.values.includes(g));
  if (!groups.length || unknown.length) throw new RangeError(`unknown offence group(s) ${unknown.join(', ') || '(none given)'}; known: ${codeLists.offence_group.values.join(', ')}`);
  const isWholeArea = request.area === area.id;
  if (!isWholeArea && !area.localities.some((l) => l.slug === request.area)) {
    throw new RangeError(`unknown area "${request.area}": use ${area.id} or one of ${area.localities.map((l) => l.slug).join(', ')}`);
  }
  const year = financialYear(request.period);
  const params = { from: year.from, to: year.to, locality: request.area };
  const scope: Expr = and(isIn(col('offence_group'), groups), between(col('recorded_date'), date(param('from')), date(param('to'))), ...(isWholeArea ? [] : [eq(col('locality'), param('locality'))]));
  const byKey = async (key: Expr, keys: string[] = []): Promise<Counts> => {
    const rows = await engine.count({ from: 'police_crime', where: scope, groupBy: { key } }, params);
    const counts = new Map(rows.map((r) => [r.key === null ? NOT_RECORDED : String(r.key), Number(r.count)]));
    return [...keys, ...[...counts.keys()].filter((k) => !keys.includes(k)).sort()].map((k) => ({ key: k, count: counts.get(k) ?? 0 }));
  };

  const crimeRows = await engine.rows({ from: 'police_crime', where: scope, select: { key: col('record_key'), offence_date: col('offence_date') } }, params);
  const inScope = new Map(crimeRows.map((r) => [String(r.key), isoToDay(String(r.offence_date))!]));
  const crimes = inScope.size;

  const months = new Map((await byKey(month(col('recorded_date')))).map((m) => [m.key, m.count]));
  const sectors = (await byKey(col('sector'))).filter((s) => s.key !== NOT_RECORDED && s.count > 0)
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, 10);
  const cells = await engine.count({ from: 'police_crime', where: and(scope, { op: 'not_null', a: col('offence_time') }), groupBy: { weekday: { op: 'weekday', a: col('offence_date') }, hour: { op: 'hour_of_time', a: col('offence_time') } } }, params);
  const hours = Array.from({ length: 24 }, (_, h) => h);

  // People in these crimes: who was in which (one row a person and crime), then the suspects' measures over every
  // dataset up to the year's end in one person query; earlier contact looks back before each suspect's first crime.
  const inTheseCrimes = inRows(col('crime_key'), 'police_crime', col('record_key'), scope);
  const involved = await engine.rows({ from: 'police_person', where: and(inTheseCrimes, { op: 'not_null', a: col('person_id') }), select: { person: col('person_id'), role: col('role'), crime: col('crime_key') } }, params);
  const victimCrimes = new Map<string, Set<string>>();
  const suspectCrimes = new Map<string, Set<string>>();
  for (const r of involved) {
    const target = r.role === 'victim' ? victimCrimes : suspectCrimes;
    (target.get(String(r.person)) ?? target.set(String(r.person), new Set()).get(String(r.person))!).add(String(r.crime));
  }
  const from = (dataset: string) => eq(col('dataset'), lit(dataset));
  const measured = await engine.persons({
    sources: personRecords((d): Record<string, Expr> => (d === 'police_person' ? { in_scope: inTheseCrimes } : {})),
    measures: {
      birth: latestDemographics.birth, sex: latestDemographics.sex,
      first_crime: { agg: 'min', value: col('day'), where: and(from('police_person'), eq(col('in_scope'), lit(true)), { op: 'ne', a: col('role'), b: lit('victim') }) },
      first_ae: { agg: 'min', value: col('day'), where: from('ae_attendance') },
      first_exclusion: { agg: 'min', value: col('day'), where: from('school_exclusion') },
      first_asb: { agg: 'min', value: col('day'), where: from('asb_incident') },
    },
    having: { op: 'not_null', a: col('first_crime') },
  }, { ...params, up_to: year.to });
  const suspects = measured.filter((p) => suspectCrimes.has(String(p.person_id))).map((p) => {
    // The offence date of the suspect's first crime here, as before: the day their crimes began.
    const first = Math.min(...[...suspectCrimes.get(String(p.person_id))!].map((k) => inScope.get(k)!));
    return { id: String(p.person_id), age: p.birth === null ? null : ageFromMonth(String(p.birth), first), sex: p.sex === null ? null : String(p.sex), first, p };
  });
  const repeat = (m: Map<string, Set<string>>) => {
    const repeaters = [...m.values()].filter((s) => s.size >= 2);
    return { people: repeaters.length, crimes: new Set(repeaters.flatMap((s) => [...s])).size };
  };
  const tally = (values: (string | null)[], keys: string[]): Counts => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v ?? NOT_RECORDED, (counts.get(v ?? NOT_RECORDED) ?? 0) + 1);
    return [...keys, ...[...counts.keys()].filter((k) => !keys.includes(k)).sort()].map((key) => ({ key, count: counts.get(key) ?? 0 }));
  };
  const young = suspects.filter((s) => s.age !== null && s.age < 25);
  const before = (s: (typeof suspects)[number], first: unknown) => first !== null && isoToDay(String(first))! < s.first;
  const ae = young.filter((s) => before(s, s.p.first_ae));
  const suspension = young.filter((s) => before(s, s.p.first_exclusion));
  const asb = young.filter((s) => before(s, s.p.first_asb));
  const bands = [...ageBands.map((b) => b.band), NOT_RECORDED];
  const sexes = [...codeLists.sex.values, NOT_RECORDED];

  return {
    groups, area: request.area, period: year.label, linkage: linkage.kind, ...(linkage.note ? { linkage_note: linkage.note } : {}), crimes,
    monthly: monthsOf(year).map((m) => ({ month: m, count: months.get(m) ?? 0 })),
    hotspots: sectors.map((s) => ({ sector: s.key, count: s.count, share_pct: crimes ? Math.round((s.count / crimes) * 1000) / 10 : 0 })),
    hour_by_weekday: { weekdays: WEEKDAYS, hours, counts: WEEKDAYS.map((_, d) => hours.map((h) => Number(cells.find((c) => c.weekday === d + 1 && c.hour === h)?.count ?? 0))) },
    victims: { age_band: await byKey(col('victim_age_band'), bands), sex: await byKey(col('victim_sex'), sexes) },
    suspects: { people: suspects.length, age_band: tally(suspects.map((s) => (s.age === null ? null : ageBandOf(s.age))), bands), sex: tally(suspects.map((s) => s.sex), sexes) },
    repeat: { victims: repeat(victimCrimes), suspects: repeat(suspectCrimes) },
    linked_agency_contact: {
      suspects_under_25: young.length, earlier_ae_attendance: ae.length, earlier_suspension: suspension.length, earlier_asb: asb.length,
      any: new Set([...ae, ...suspension, ...asb].map((s) => s.id)).size,
    },
  };
}


/** The deep dive as tables: a sheet per section; the CSV is their long form. */
export function deepDiveTables(d: DeepDiveResult): Table[] {
  const counts = (name: string, rows: Counts): Table => ({ name, columns: ['category', 'count'], rows: rows.map((r) => [r.key, r.count]) });
  return [
    { name: 'Summary', columns: ['measure', 'value'], rows: [
      ['offence groups', d.groups.join(';')], ['area', d.area], ['period', d.period], ['crimes', d.crimes], ['suspects', d.suspects.people],
      ['repeat victims', d.repeat.victims.people], ['crimes with a repeat victim', d.repeat.victims.crimes],
      ['repeat suspects', d.repeat.suspects.people], ['crimes with a repeat suspect', d.repeat.suspects.crimes],
      ['suspects under 25', d.linked_agency_contact.suspects_under_25], ['… with an earlier A&E attendance', d.linked_agency_contact.earlier_ae_attendance],
      ['… with an earlier suspension or exclusion', d.linked_agency_contact.earlier_suspension], ['… with an earlier ASB record', d.linked_agency_contact.earlier_asb],
      ['… with any of these', d.linked_agency_contact.any],
    ] },
    { name: 'Monthly', columns: ['month', 'count'], rows: d.monthly.map((m) => [m.month, m.count]) },
    { name: 'Hotspots', columns: ['sector', 'count', 'share_pct'], rows: d.hotspots.map((h) => [h.sector, h.count, h.share_pct]) },
    { name: 'Hour by weekday', columns: ['weekday', ...d.hour_by_weekday.hours.map(String)], rows: d.hour_by_weekday.counts.map((row, i) => [d.hour_by_weekday.weekdays[i], ...row]) },
    counts('Victim age band', d.victims.age_band), counts('Victim sex', d.victims.sex),
    counts('Suspect age band', d.suspects.age_band), counts('Suspect sex', d.suspects.sex),
  ];
}

export function deepDiveLongTable(d: DeepDiveResult): Table {
  const rows: (string | number | null)[][] = [];
  for (const table of deepDiveTables(d)) {
    if (table.name === 'Hour by weekday') for (const row of table.rows) row.slice(1).forEach((v, h) => rows.push([table.name, `${row[0]} ${String(h).padStart(2, '0')}:00`, v as number]));
    else if (table.name === 'Hotspots') for (const [s, c, share] of table.rows) rows.push([table.name, `${s} (${share}%)`, c as number]);
    else for (const [k, v] of table.rows) rows.push([table.name, k as string, v as number]);
  }
  return { name: 'deep dive', columns: ['section', 'category', 'value'], rows };
}
