import type { Area } from '../../schemas/area/index.ts';
import { UNKNOWN_LOCALITY } from '../../schemas/area/index.ts';
import { seriousViolenceGroups, violenceRelatedExclusionReasons } from '../../schemas/code-lists.ts';
import type { CohortRules } from '../../schemas/cohort.ts';
import { isoToDay, dayToIso } from '../dates.ts';
import { and, between, col, date, inRows, isIn, lit, or, type Engine, type Expr } from '../ir.ts';
import { linkedPeople, type Linkage, type PersonRecord } from '../matching/people.ts';

/**
 * The Prevention Panel cohort: children aged 10–17 on the as-of date, living in the panel's localities
 * by their latest home postcode, not already in an open youth justice or children's social care episode, who in
 * the window (the year up to and including the as-of date) meet a mandatory criterion (M1, M2), with the
 * discretionary factors (D1–D5) flagged and scored. The engine supplies pseudonymised person rows; linkage and
 * the rules run once, here.
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
  /** How records were linked into people (analytics/matching/people.ts). */
  linkage: 'fuzzy' | 'exact';
  /** Said when the people come from an earlier linking run than the data (see functions/linkage/people.ts). */
  linkage_note?: string;
  count: number; members: CohortMember[];
}

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

export async function preventionPanelCohort(engine: Engine, area: Area, rules: CohortRules, panel: string, asOf: string, linkage?: Linkage): Promise<CohortResult> {
  if (!area.panels.some((p) => p.id === panel)) throw new RangeError(`unknown panel "${panel}"; known: ${area.panels.map((p) => p.id).join(', ')}`);
  const asOfDay = isoToDay(asOf);
  if (asOfDay === null) throw new RangeError(`--as-of must be a date YYYY-MM-DD, not "${asOf}"`);
  const windowStart = isoToDay(minusMonths(asOf, rules.windowMonths))!; // the window is (windowStart, asOf]
  const inWindow = (day: number | null) => day !== null && day > windowStart && day <= asOfDay;
  const panelLocalities = new Set(area.localities.filter((l) => l.panel === panel).map((l) => l.slug));

  // The search starts from rows that could make a child meet M1 or M2 in the window, of people who could be of panel
  // age (a month's margin each side, or no birth month); linking, the exact age and every rule are applied below.
  const year = Number(asOf.slice(0, 4)), monthOfYear = asOf.slice(5, 7);
  const childBirth = (column: string): Expr => or({ op: 'is_null', a: col(column) }, between(col(column), lit(`${year - rules.ageTo - 2}-${monthOfYear}`), lit(`${year - rules.ageFrom + 1}-${monthOfYear}`)));
  const afterWindowOpens = (column: string): Expr => ({ op: 'gt', a: date(col(column)), b: date(lit(dayToIso(windowStart))) });
  const { linkage: linked, note, crimes, people } = await linkedPeople(engine, asOf, [
    { dataset: 'police_person', where: and(isIn(col('role'), rules.suspectRoles), childBirth('month_of_birth'), inRows(col('crime_key'), 'police_crime', col('record_key'), afterWindowOpens('recorded_date'))) },
    { dataset: 'asb_incident', where: and(childBirth('perpetrator_month_of_birth'), afterWindowOpens('reported_at')) },
  ], {}, linkage);

  const members: CohortMember[] = [];
  for (const [personId, recs] of people) {
    // Records come latest first: the latest birth month, age, home and sex stand.
    const birth = recs.find((r) => r.birth)?.birth ?? null;
    const aged = recs.find((r) => r.age !== null && r.day !== null);
    const age = birth ? ageFromMonth(birth, asOfDay) : aged ? aged.age! + Math.floor((asOfDay - aged.day!) / 365.25) : null;
    if (age === null || age < rules.ageFrom || age > rules.ageTo) continue;
    const locality = recs.find((r) => r.home && r.home !== UNKNOWN_LOCALITY)?.home ?? null;
    if (!locality || !panelLocalities.has(locality)) continue;

    const openOn = (r: PersonRecord, services: string[]) => r.dataset === 'support_episode' && services.includes(String(r.row.service))
      && r.day !== null && r.day <= asOfDay && (r.row.end_date === null || (isoToDay(String(r.row.end_date)) ?? -Infinity) >= asOfDay);
    if (recs.some((r) => openOn(r, rules.excludingServices))) continue;

    const windowed = recs.filter((r) => inWindow(r.day));
    const suspectCrimes = new Set(windowed.filter((r) => r.dataset === 'police_person' && rules.suspectRoles.includes(String(r.row.role))).map((r) => String(r.row.crime_key)));
    const asb = windowed.filter((r) => r.dataset === 'asb_incident');
    const criteria = [
      ...(suspectCrimes.size >= rules.m1MinCrimes ? ['M1'] : []),
      ...(asb.length >= rules.m2MinAsb ? ['M2'] : []),
    ];
    if (!criteria.length) continue;
    const exclusions = windowed.filter((r) => r.dataset === 'school_exclusion');
    const factors = [
      ...(exclusions.some((r) => (violenceRelatedExclusionReasons as readonly string[]).includes(String(r.row.reason_code))) ? ['D1'] : []),
      ...(windowed.some((r) => r.dataset === 'ae_attendance') ? ['D2'] : []),
      ...(windowed.some((r) => r.dataset === 'police_person' && r.row.role === 'victim'
        && (seriousViolenceGroups as readonly string[]).includes(crimes.get(String(r.row.crime_key))?.group ?? '')) ? ['D3'] : []),
      ...(exclusions.filter((r) => r.row.category === 'suspension').length >= rules.d4MinSuspensions ? ['D4'] : []),
      ...(recs.some((r) => openOn(r, rules.earlyHelpServices)) ? ['D5'] : []),
    ];
    // Events per dataset in the window; a person's police records count the distinct crimes they were in.
    const events: Record<string, number> = {};
    for (const r of windowed) if (r.dataset !== 'police_person') events[r.dataset] = (events[r.dataset] ?? 0) + 1;
    const crimesIn = new Set(windowed.filter((r) => r.dataset === 'police_person').map((r) => String(r.row.crime_key)));
    if (crimesIn.size) events.police_crime = crimesIn.size;
    const lastDay = windowed.reduce<number | null>((m, r) => (r.day !== null && (m === null || r.day > m) ? r.day : m), null);
    members.push({
      person_id: personId,
      age,
      sex: recs.find((r) => r.sex)?.sex ?? null,
      locality,
      criteria,
      factors,
      score: [...criteria, ...factors].reduce((n, c) => n + (rules.weights[c as keyof typeof rules.weights] ?? 0), 0),
      events: Object.fromEntries(Object.entries(events).sort()),
      last_event_date: lastDay === null ? null : dayToIso(lastDay),
      partners: [...new Set(recs.map((r) => r.partner))].sort(),
      records: recs.map((r) => ({ dataset: r.dataset, partner: r.partner, upload_id: String(r.row.upload_id), record_key: String(r.row.record_key) }))
        .sort((x, y) => (x.dataset + x.record_key).localeCompare(y.dataset + y.record_key)),
    });
  }
  members.sort((a, b) => b.score - a.score || a.person_id.localeCompare(b.person_id));
  return { panel, as_of: asOf, linkage: linked, ...(note ? { linkage_note: note } : {}), count: members.length, members };
}
