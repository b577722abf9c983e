import { ageBandOf, ageBands, icd10 } from '../../schemas/code-lists.ts';
import { seededRandom } from '../random.ts';
import { isoToDay } from '../dates.ts';
import { UNKNOWN_LOCALITY } from '../../schemas/area/index.ts';
import { and, col, date, eq, isIn, lit, or, param, type Engine, type Expr, type PersonQuery } from '../ir.ts';
import { ageFromMonth, latestDemographics, personRecords } from './cohort.ts';

/**
 * What happened to a programme's participants: their contacts with the partners in the months before and after
 * they started, against people not on any programme matched to each of them, and the difference in differences.
 *
 * The data is one person query (outcomeQuery) that either engine runs, giving the same rows; what follows is
 * statistics over them. Matching is exact on coarsened values (coarsened exact matching): age band and sex, the home
 * locality at the start, and the contacts of the 12 months before the start and of the 12 before those, each in bands
 * (0, 1, 2, 3, 4–5, 6–8, 9–12, 13+). Each participant gets up
 * to {@link MATCHES} people of the same stratum on the same day, picked by a keyed order (so a run is repeatable);
 * a participant with none is left out and counted. The interval is a percentile bootstrap over participants (each
 * with its matches), {@link BOOTSTRAP} resamples from a fixed seed.
 */
export const contactKinds = ['suspect_offender', 'asb_perpetrator', 'ed_assault', 'violent_injury_admission', 'suspension_exclusion'] as const;
export type ContactKind = (typeof contactKinds)[number];
export const windowMonths = [6, 12] as const;
export const MATCHES = 3;
export const BOOTSTRAP = 400;

/** A person as the outcome analysis sees them: their starts on programmes and their dated contacts. */
export interface ContactPerson {
  id: string;
  /** Birth month 'YYYY-MM' (the latest record's), or null. */
  birth: string | null;
  sex: string | null;
  /** Home locality by date, latest first (undated last). */
  homes: { day: number | null; locality: string }[];
  /** Referrals to any programme (a person referred but never started is no comparison either). */
  referrals: { programme: string; start: number | null }[];
  contacts: { kind: ContactKind; day: number }[];
}

const dayOf = (v: unknown): number | null => (v === null || v === undefined ? null : isoToDay(String(v).slice(0, 10)));

/** The kind of a record that is a contact (its source's `contact` is true): one kind a dataset. */
const kindOf: Record<string, ContactKind> = {
  police_person: 'suspect_offender', asb_incident: 'asb_perpetrator', ae_attendance: 'ed_assault',
  hospital_admission: 'violent_injury_admission', school_exclusion: 'suspension_exclusion',
};

/** The three-character ICD-10 codes from one to another (X85 … Y09): an admission for violent injury holds one. */
function codesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let letter = from.charCodeAt(0); letter <= to.charCodeAt(0); letter++) {
    for (let n = 0; n < 100; n++) {
      const code = `${String.fromCharCode(letter)}${String(n).padStart(2, '0')}`;
      if (code >= from && code <= to) out.push(code);
    }
  }
  return out;
}

/**
 * The outcome analysis's one question of the data, a person query both engines run: every person record up to
 * `up_to` (the programme deliveries too, dated by their referral), `contact` saying whether it is a contact of a
 * kind counted, for the people referred to a programme and those with a contact record born in the participants'
 * birth months (`born_from` … `born_to`: who may be compared with them). Rows come back one a person and distinct
 * (dataset, day, contact, home, programme, start), counted: the least that gives each person's dated contacts and
 * homes, with their latest birth month and sex.
 */
export function outcomeQuery(): PersonQuery {
  const { from, to } = icd10.assaultRange;
  const contact: Record<string, Expr> = {
    police_person: isIn(col('role'), ['suspect', 'offender']), asb_incident: lit(true), ae_attendance: lit(true), school_exclusion: lit(true),
    hospital_admission: { op: 'list_has_prefix', a: col('cause_codes'), prefixes: codesBetween(from, to) }, support_episode: lit(false),
  };
  const dataset = (...ids: string[]) => isIn(col('dataset'), ids);
  const seedable = or(and(dataset('police_person'), eq(col('contact'), lit(true))), dataset('asb_incident', 'ae_attendance', 'hospital_admission', 'school_exclusion'));
  return {
    sources: [
      ...personRecords((d) => ({ contact: contact[d] })),
      {
        from: 'programme_delivery', person: 'person_id', where: { op: 'le', a: col('referral_date'), b: date(param('up_to')) },
        select: { day: col('referral_date'), birth: col('month_of_birth'), sex: col('sex'), home: col('home_locality'), contact: lit(false), programme: col('programme'), start: col('start_date') },
      },
    ],
    measures: {
      birth: latestDemographics.birth,
      sex: { agg: 'latest', value: col('sex'), by: col('day'), where: { op: 'ne', a: col('sex'), b: lit('unknown') } },
      referred: { agg: 'count', where: dataset('programme_delivery') },
      seeds: { agg: 'count', where: and(seedable, { op: 'ge', a: col('birth'), b: param('born_from') }, { op: 'le', a: col('birth'), b: param('born_to') }) },
    },
    having: or({ op: 'ge', a: col('referred'), b: lit(1) }, { op: 'ge', a: col('seeds'), b: lit(1) }),
    recordsBy: ['dataset', 'day', 'contact', 'home', 'programme', 'start'],
  };
}

/**
 * Participants and the people they may be compared with, each with their contacts up to `upTo`, from one person
 * query over the records as linked (the views' person_id): only its result rows come back, the same on both engines.
 */
export async function participantsContacts(engine: Engine, upTo: string): Promise<ContactPerson[]> {
  const births = (await engine.count({ from: 'programme_delivery', where: { op: 'not_null', a: col('month_of_birth') }, groupBy: { birth: col('month_of_birth') } }, {})).map((r) => String(r.birth)).sort();
  // No birth month known: no one is drawn for comparison (an empty range).
  const [bornFrom, bornTo] = births.length ? [births[0], births[births.length - 1]] : ['9999-12', '0000-01'];
  const rows = await engine.persons(outcomeQuery(), { up_to: upTo, born_from: bornFrom, born_to: bornTo });
  const out: ContactPerson[] = [];
  for (const r of rows) {
    let person = out.at(-1);
    if (!person || person.id !== r.person_id) {
      person = { id: String(r.person_id), birth: r.birth === null ? null : String(r.birth), sex: r.sex === null ? null : String(r.sex), homes: [], referrals: [], contacts: [] };
      out.push(person);
    }
    const day = dayOf(r.day);
    if (r.dataset === 'programme_delivery') person.referrals.push({ programme: String(r.programme), start: dayOf(r.start) });
    if (r.contact === true && day !== null) for (let n = 0; n < Number(r.records); n++) person.contacts.push({ kind: kindOf[String(r.dataset)], day });
    if (r.home !== null && r.home !== UNKNOWN_LOCALITY) person.homes.push({ day, locality: String(r.home) });
  }
  // Homes latest first (undated last), the greatest locality first among a day's: homeOn takes the first that fits.
  for (const p of out) p.homes.sort((a, b) => (b.day ?? -Infinity) - (a.day ?? -Infinity) || (a.locality < b.locality ? 1 : a.locality > b.locality ? -1 : 0));
  return out;
}

/** The day `months` calendar months after (or before) a day, clamped to the month's end (31 Jan + 1 → 28/29 Feb). */
export function addMonthsToDay(day: number, months: number): number {
  const d = new Date(day * 86_400_000);
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + months, dd = d.getUTCDate();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(dd, last)) / 86_400_000;
}

/** Contacts of the kinds in [start − months, start) and [start, start + months): the start day counts as after. */
export function beforeAfter(person: ContactPerson, start: number, months: number, kinds: readonly ContactKind[]): { before: number; after: number } {
  const from = addMonthsToDay(start, -months), to = addMonthsToDay(start, months);
  let before = 0, after = 0;
  for (const c of person.contacts) {
    if (!kinds.includes(c.kind)) continue;
    if (c.day >= from && c.day < start) before++;
    else if (c.day >= start && c.day < to) after++;
  }
  return { before, after };
}

/** The coarsened prior contacts matched on: 0, 1, 2, 3, 4–5, 6–8, 9–12, 13+. */
const PRIOR_BANDS = [[0, 0], [1, 1], [2, 2], [3, 3], [4, 5], [6, 8], [9, 12], [13, Infinity]] as const;
const priorBand = (n: number) => { const [lo, hi] = PRIOR_BANDS.find(([, hi]) => n <= hi)!; return lo === hi ? String(lo) : hi === Infinity ? `${lo}+` : `${lo}-${hi}`; };

/** What matching reads of a person again and again, worked out once: contact days sorted, dated homes latest first. */
const prepared = new WeakMap<ContactPerson, { days: number[]; dated: ContactPerson['homes'] }>();
function prepare(person: ContactPerson) {
  let p = prepared.get(person);
  if (!p) {
    p = { days: person.contacts.map((c) => c.day).sort((a, b) => a - b), dated: person.homes.filter((h) => h.day !== null) };
    prepared.set(person, p);
  }
  return p;
}

/** The first index of a sorted array whose value is at least `x`. */
function lowerBound(xs: number[], x: number): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (xs[mid] < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/** The latest home on or before the day (the first such of the dated homes, latest first), else the earliest, else any. */
function homeOn(person: ContactPerson, day: number): string | null {
  const { dated } = prepare(person);
  let lo = 0, hi = dated.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (dated[mid].day! > day) lo = mid + 1; else hi = mid; }
  return (dated[lo] ?? dated[dated.length - 1] ?? person.homes[0])?.locality ?? null;
}

/** The days 12 and 24 months before a day, remembered: matching asks for them for every candidate on a start day. */
const yearsBeforeOf = new Map<number, [number, number]>();
function yearsBefore(day: number): [number, number] {
  let edges = yearsBeforeOf.get(day);
  if (!edges) { edges = [addMonthsToDay(day, -12), addMonthsToDay(day, -24)]; yearsBeforeOf.set(day, edges); }
  return edges;
}

/** The stratum a person is in on a day, or null when a matching variable is not known. */
export function stratumOn(person: ContactPerson, day: number): string | null {
  const home = homeOn(person, day);
  if (!person.birth || !person.sex || !home) return null;
  // The year before, and the year before that: a count that was high by chance in one year alone regresses after.
  // Contacts of every kind in [day − months, day), as beforeAfter counts them.
  const { days } = prepare(person), upTo = lowerBound(days, day);
  const [yearBefore, twoYearsBefore] = yearsBefore(day);
  const prior = upTo - lowerBound(days, yearBefore);
  const earlier = upTo - lowerBound(days, twoYearsBefore) - prior;
  return [ageBandOf(ageFromMonth(person.birth, day)), person.sex, home, priorBand(prior), priorBand(earlier)].join('|');
}

/**
 * The people who may be compared, found by stratum: bucketed by sex and every home they have had (a stratum's home
 * is one of them), each bucket sorted by birth month, so a stratum's age band is a run of the bucket. Only that run
 * is put through stratumOn: the same people as stratifying the whole pool on each start day, far fewer looked at.
 */
export class ComparisonPool {
  private readonly buckets = new Map<string, { births: string[]; people: ContactPerson[] }>();
  private readonly found = new Map<string, ContactPerson[]>();
  constructor(pool: ContactPerson[]) {
    for (const p of pool) {
      if (!p.birth || !p.sex) continue;
      for (const home of new Set(p.homes.map((h) => h.locality))) {
        const key = `${p.sex}|${home}`;
        (this.buckets.get(key) ?? this.buckets.set(key, { births: [], people: [] }).get(key)!).people.push(p);
      }
    }
    for (const bucket of this.buckets.values()) {
      bucket.people.sort((a, b) => (a.birth! < b.birth! ? -1 : a.birth! > b.birth! ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      bucket.births = bucket.people.map((p) => p.birth!);
    }
  }

  /** Everyone in the stratum on the day. */
  in(stratum: string, day: number): ContactPerson[] {
    const key = `${day}|${stratum}`;
    let out = this.found.get(key);
    if (out) return out;
    const [band, sex, home] = stratum.split('|');
    const bucket = this.buckets.get(`${sex}|${home}`);
    let from = 0, to = bucket?.people.length ?? 0;
    const b = ageBands.find((x) => x.band === band)!;
    if (bucket && b !== ageBands[ageBands.length - 1]) {
      // Births ascending, so ages descending: the run whose age on the day is within the band (the last band, which
      // also takes what no band fits, is scanned whole).
      const first = (test: (age: number) => boolean) => {
        let lo = 0, hi = bucket.births.length;
        while (lo < hi) { const mid = (lo + hi) >>> 1; if (!test(ageFromMonth(bucket.births[mid], day))) lo = mid + 1; else hi = mid; }
        return lo;
      };
      from = first((age) => age <= b.to);
      to = first((age) => age < b.from);
    }
    // Home on the day first: it rules most of a bucket out, more cheaply than the whole stratum.
    out = bucket ? bucket.people.slice(from, Math.max(from, to)).filter((p) => homeOn(p, day) === home && stratumOn(p, day) === stratum) : [];
    this.found.set(key, out);
    return out;
  }
}

/** A keyed order for picking matches: a 32-bit FNV-1a hash of the two ids. */
function order(a: string, b: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${a}:${b}`) { h ^= ch.charCodeAt(0); h = Math.imul(h, 0x01000193) >>> 0; }
  return h;
}

export interface Interval { estimate: number | null; low: number | null; high: number | null }
export interface WindowOutcome {
  months: number;
  /** Participants whose window ends by the data's last day and starts after its first, and those matched. */
  eligible: number;
  matched: number;
  unmatched: number;
  comparison_people: number;
  /** Contacts per person in the window, by group (the comparison's weighted by each participant's matches). */
  participants: { before: number | null; after: number | null };
  comparison: { before: number | null; after: number | null };
  /** (after − before) of participants minus that of the comparison, in contacts per person; and relative: (after/before of participants) / (after/before of the comparison) − 1. */
  did: Interval;
  relative: Interval;
  by_kind: { kind: ContactKind; participants_before: number; participants_after: number; comparison_before: number; comparison_after: number; did: number | null; relative: number | null }[];
}
export interface Balance {
  variable: string;
  participants: number;
  comparison: number;
  /** Standardised mean difference (pooled SD); |SMD| < 0.1 is the usual mark of balance. */
  smd: number | null;
}
export interface OutcomeResult {
  programme: string;
  /** Starts up to this day are eligible (the end of the period); windows need data to `data_to`. */
  starts_to: string;
  data_from: string;
  data_to: string;
  kinds: ContactKind[];
  matching: string;
  interval_method: string;
  windows: WindowOutcome[];
  balance: Balance[];
  caveats: string[];
}

interface Pair { before: number; after: number; byKind: Record<string, { before: number; after: number }>; comparison: { before: number; after: number; byKind: Record<string, { before: number; after: number }> }[] }

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const round = (x: number | null, places = 3) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** places) / 10 ** places);

/** The four means behind a difference in differences, each participant's matches averaged first. */
function means(pairs: Pair[], kind?: string) {
  const get = (x: { before: number; after: number; byKind: Record<string, { before: number; after: number }> }) => (kind ? x.byKind[kind] : x);
  const pb = mean(pairs.map((p) => get(p).before)), pa = mean(pairs.map((p) => get(p).after));
  const cb = mean(pairs.map((p) => mean(p.comparison.map((c) => get(c).before)))), ca = mean(pairs.map((p) => mean(p.comparison.map((c) => get(c).after))));
  const did = (pa - pb) - (ca - cb);
  // Relative: the participants' change as a ratio, over the comparison's (contacts fall with age multiplicatively).
  return { pb, pa, cb, ca, did, relative: pb > 0 && cb > 0 && ca > 0 ? (pa / pb) / (ca / cb) - 1 : null };
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))));
  return sorted[i];
}

function bootstrap(pairs: Pair[]): { did: [number | null, number | null]; relative: [number | null, number | null] } {
  if (pairs.length < 2) return { did: [null, null], relative: [null, null] };
  const rand = seededRandom(20_251_202);
  const dids: number[] = [], rels: number[] = [];
  for (let b = 0; b < BOOTSTRAP; b++) {
    const sample = pairs.map(() => pairs[Math.floor(rand() * pairs.length)]);
    const m = means(sample);
    dids.push(m.did);
    if (m.relative !== null) rels.push(m.relative);
  }
  dids.sort((a, b) => a - b); rels.sort((a, b) => a - b);
  return { did: [percentile(dids, 0.025), percentile(dids, 0.975)], relative: [percentile(rels, 0.025), percentile(rels, 0.975)] };
}

function smd(a: number[], b: number[]): number | null {
  if (!a.length || !b.length) return null;
  const ma = mean(a), mb = mean(b);
  const va = mean(a.map((x) => (x - ma) ** 2)), vb = mean(b.map((x) => (x - mb) ** 2));
  const sd = Math.sqrt((va + vb) / 2);
  return sd === 0 ? (ma === mb ? 0 : null) : (ma - mb) / sd;
}

export interface OutcomeOptions { programmes: string[]; label: string; startsTo: string; dataFrom: string; dataTo: string; kinds?: readonly ContactKind[] }

/** Participants of the programmes against matched non-participants, for each window; pure (tests give it people). */
export function programmeOutcomes(people: ContactPerson[], opts: OutcomeOptions): OutcomeResult {
  const kinds = [...(opts.kinds ?? contactKinds)];
  const startsTo = isoToDay(opts.startsTo)!, dataFrom = isoToDay(opts.dataFrom)!, dataTo = isoToDay(opts.dataTo)!;
  const participants: { person: ContactPerson; start: number }[] = [];
  const pool: ContactPerson[] = [];
  for (const p of people) {
    const starts = p.referrals.filter((r) => opts.programmes.includes(r.programme) && r.start !== null).map((r) => r.start!).sort((a, b) => a - b);
    if (starts.length && starts[0] <= startsTo) participants.push({ person: p, start: starts[0] });
    else if (!p.referrals.length) pool.push(p);
  }
  const windows: WindowOutcome[] = [];
  const balanceRows: Balance[] = [];
  const comparisons = new ComparisonPool(pool);
  for (const months of windowMonths) {
    const eligible = participants.filter((p) => addMonthsToDay(p.start, -months) >= dataFrom && addMonthsToDay(p.start, months) <= dataTo + 1);
    const pairs: Pair[] = [];
    const comparisonIds = new Set<string>();
    const matchedPeople: { p: ContactPerson; start: number; comparison: ContactPerson[] }[] = [];
    for (const { person, start } of eligible) {
      const stratum = stratumOn(person, start);
      const candidates = stratum ? comparisons.in(stratum, start) : [];
      if (!candidates.length) continue;
      // Each candidate's key worked out once, then sorted by it (ties by id).
      const chosen = candidates.map((c) => ({ c, key: order(person.id, c.id) }))
        .sort((a, b) => a.key - b.key || (a.c.id < b.c.id ? -1 : 1)).slice(0, MATCHES).map((x) => x.c);
      const measure = (x: ContactPerson) => ({
        ...beforeAfter(x, start, months, kinds),
        byKind: Object.fromEntries(kinds.map((k) => [k, beforeAfter(x, start, months, [k])])),
      });
      pairs.push({ ...measure(person), comparison: chosen.map(measure) });
      for (const c of chosen) comparisonIds.add(c.id);
      matchedPeople.push({ p: person, start, comparison: chosen });
    }
    const m = means(pairs);
    const ci = bootstrap(pairs);
    windows.push({
      months, eligible: eligible.length, matched: pairs.length, unmatched: eligible.length - pairs.length, comparison_people: comparisonIds.size,
      participants: { before: round(m.pb)!, after: round(m.pa)! }, comparison: { before: round(m.cb)!, after: round(m.ca)! },
      did: { estimate: pairs.length ? round(m.did) : null, low: round(ci.did[0]), high: round(ci.did[1]) },
      relative: { estimate: pairs.length ? round(m.relative) : null, low: round(ci.relative[0]), high: round(ci.relative[1]) },
      by_kind: kinds.map((kind) => {
        const k = means(pairs, kind);
        return { kind, participants_before: round(k.pb)!, participants_after: round(k.pa)!, comparison_before: round(k.cb)!, comparison_after: round(k.ca)!, did: pairs.length ? round(k.did) : null, relative: pairs.length ? round(k.relative) : null };
      }),
    });
    if (months === 12) {
      // Balance of the matched groups, on what matching coarsened and on what it left out: a participant's matches averaged first.
      const weighted = (f: (x: ContactPerson, start: number) => number) => ({
        p: matchedPeople.map(({ p, start }) => f(p, start)),
        c: matchedPeople.map(({ start, comparison }) => mean(comparison.map((c) => f(c, start)))),
      });
      const rows: [string, (x: ContactPerson, start: number) => number][] = [
        ['contacts in the 12 months before (all kinds)', (x, s) => beforeAfter(x, s, 12, contactKinds).before],
        ['contacts in the 24 months before (all kinds)', (x, s) => beforeAfter(x, s, 24, contactKinds).before],
        ['age at the start (years)', (x, s) => ageFromMonth(x.birth!, s)],
        ['male (share)', (x) => (x.sex === 'male' ? 1 : 0)],
      ];
      for (const [variable, f] of rows) {
        const { p, c } = weighted(f);
        balanceRows.push({ variable, participants: round(mean(p))!, comparison: round(mean(c))!, smd: round(smd(p, c)) });
      }
    }
  }
  return {
    programme: opts.label, starts_to: opts.startsTo, data_from: opts.dataFrom, data_to: opts.dataTo, kinds,
    matching: `coarsened exact matching: age band, sex, home locality at the start, and contacts in the 12 months before and in the 12 before those (each 0, 1, 2, 3, 4-5, 6-8, 9-12, 13+); up to ${MATCHES} people never referred to a programme per participant, on the participant's start day`,
    interval_method: `percentile bootstrap over participants with their matches, ${BOOTSTRAP} resamples from a fixed seed`,
    windows, balance: balanceRows,
    caveats: [
      'Matching evens out only what it matches on: who is referred, and who agrees to start, may differ in ways the records do not show (motivation, family, what happened just before the referral). The estimate is an association, not proof that the programme caused it.',
      'Contacts are only those the sharing partners record and that link to the person: offending outside the area, or seen by no partner, is missed for both groups alike.',
      'Participants are counted from their first start up to the end of the period, and only where the whole window before and after falls within the data; small programmes give wide intervals.',
      'The comparison group is drawn from people known to a partner, never referred to any programme.',
    ],
  };
}

