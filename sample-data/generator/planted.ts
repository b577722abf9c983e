import { addMonths, addYears, ageOn, isSchoolDay, isoDate } from './calendar.ts';
import { HOURS, minuteOfDay, type Ctx } from './context.ts';
import { drawSuspect, roleFor, specOf } from './datasets/police.ts';
import type { CrimeEvent, PlantedEvents } from './events.ts';
import { inventName, type PersonName } from './names.ts';
import { PLANTED_BASE, homeOn, nhsNumberFor, personId, policeIdFor, upnFor, type Home, type Person, type Sex } from './people.ts';
import type { Places } from './places.ts';
import { Rng, Weighted } from './rng.ts';

/**
 * The planted Prevention Panel cases: children made to meet (or narrowly miss) the cohort rules on the as-of
 * date (the end of the period), whatever the scale, so that even the smallest sample has a cohort to find.
 * Criteria (schemas/cohort.ts): M1 suspect or offender in ≥2 distinct crimes in the 12 months up to the as-of date;
 * M2 perpetrator in ≥2 ASB incidents in that window; factors D1 violence-related exclusion, D2 violence-related A&E
 * attendance, D3 victim of serious violence, D4 three or more suspensions, D5 open early_help episode. Excluded:
 * an open youth_justice or childrens_social_care episode on the as-of date; ages outside 10–17.
 */

/** A date given in days before the as-of date, or as a function of it. */
type When = number | ((asOf: number) => number);

interface Plan {
  label: string;
  panel: string;
  locality: string;
  expected: boolean;
  description: string;
  age?: number;
  name?: PersonName & { sex: Sex };
  crimes?: When[];
  /** One crime with the child as both suspect and offender (two rows, one distinct crime). */
  sameCrimeTwice?: When;
  asb?: [When, 'police' | 'council'][];
  violentExclusion?: [When, string];
  suspensions?: When[];
  ae?: [When, string];
  victimOf?: [When, string];
  support?: { service: 'youth_justice' | 'childrens_social_care' | 'early_help'; start: When; end?: When };
  /** Lived in this locality until the given date, then in the plan's locality. */
  movedFrom?: [string, When];
  /** A name that exercises the spelling variants. */
  named?: PersonName & { sex: Sex };
}

/** The violence-related exclusion reasons of the first panel's cases, and of the others'. */
const REASONS = [['PP', 'VA', 'OW'], ['PA', 'VP', 'BW']];

const firstDayOfWindow = (asOf: number) => addYears(asOf, -1) + 1;

/**
 * The cases each panel gets: every criterion and factor, alone and combined, in the panel's localities in turn (the
 * bundle's sample may give the order: LLR's county cases visit every district, and Rutland for several council records).
 */
function panelPlans(panel: string, order: number, localities: string[]): Plan[] {
  const reasons = REASONS[Math.min(order, 1)];
  const t = (key: string, plan: Omit<Plan, 'panel' | 'locality' | 'expected' | 'label'>) => ({ key, ...plan });
  const list = [
    t('m1', { description: 'M1: suspect or offender in two crimes in the window', crimes: [200, 45] }),
    t('m1_three_crimes', { description: 'M1 with three crimes', crimes: [300, 150, 20] }),
    t('m1_d1', { description: 'M1 and D1 violence-related exclusion', crimes: [250, 60], violentExclusion: [120, reasons[0]] }),
    t('m1_d2', { description: 'M1 and D2 violence-related A&E attendance (knife)', crimes: [180, 90], ae: [100, 'knife_or_sharp'] }),
    t('m1_d3', { description: 'M1 and D3 victim of a personal robbery', crimes: [220, 30], victimOf: [70, 'robbery_personal'] }),
    t('m1_d4', { description: 'M1 and D4 three suspensions for non-violent reasons', crimes: [270, 80], suspensions: [260, 150, 40] }),
    t('m1_d5', { description: 'M1 and D5 open early help episode', crimes: [160, 10], support: { service: 'early_help', start: 120 } }),
    t('m2', { description: 'M2: perpetrator in two police-recorded ASB incidents', asb: [[210, 'police'], [50, 'police']] }),
    t('m2_mixed_sources', { description: 'M2 from council case management and police calls', asb: [[240, 'council'], [120, 'police'], [15, 'council']] }),
    t('m2_d1', { description: 'M2 and D1 violence-related exclusion', asb: [[190, 'police'], [75, 'council']], violentExclusion: [100, reasons[1]] }),
    t('m2_d2', { description: 'M2 and D2 violence-related A&E attendance', asb: [[230, 'police'], [35, 'police']], ae: [150, 'body_part'] }),
    t('m2_d5', { description: 'M2 and D5 open early help episode', asb: [[300, 'council'], [25, 'police']], support: { service: 'early_help', start: 200 } }),
    t('m1_m2', { description: 'M1 and M2', crimes: [330, 100], asb: [[280, 'police'], [60, 'council']] }),
    t('m1_m2_d1_d3', {
      description: 'M1, M2, D1 (offensive weapon or assault) and D3 victim of assault with injury', crimes: [240, 55],
      asb: [[170, 'police'], [20, 'police']], violentExclusion: [130, reasons[2]], victimOf: [90, 'assault_with_injury'],
    }),
    t('m1_m2_d2_d4', {
      description: 'M1, M2, D2 (glass) and D4 four suspensions', crimes: [310, 140], asb: [[260, 'council'], [40, 'police']],
      ae: [200, 'glass_or_bottle'], suspensions: [300, 180, 60, 25],
    }),
    t('m1_closed_youth_justice', {
      description: 'M1 with a youth justice episode that closed before the as-of date (not excluded)', crimes: [200, 50],
      support: { service: 'youth_justice', start: 420, end: 240 },
    }),
    t('m1_window_edge', {
      description: 'M1 with crimes on the first day of the window and on the as-of date', crimes: [firstDayOfWindow, 0],
    }),
  ];
  return list.map(({ key, ...plan }, i) => ({
    ...plan, label: `${panel}_${key}`, panel, expected: true, locality: localities[i % localities.length], named: NAMED[`${Math.min(order, 1)}:${key}`],
  }));
}

/**
 * The near misses, in a first panel (a) and a second (b; the same when there is one): a[0] is a locality of a,
 * b[0..3] localities of b.
 */
function nearMisses(places: Places, a: string, aAt: string[], b: string, bAt: string[]): Plan[] {
  const name = (slug: string) => places.deployment.area.localities.find((l) => l.slug === slug)!.name;
  const [b0, b1, b2, b3] = [0, 1, 2, 3].map((i) => bAt[i % bAt.length]);
  return [
    {
      label: `moved_to_${a}`, panel: a, locality: aAt[0], expected: true, movedFrom: [b0, 150],
      description: `M1; lived in ${name(b0)} (${b}) until five months ago, now in ${name(aAt[0])}: the latest postcode puts the child in the ${a} panel`,
      crimes: [250, 60], suspensions: [200], asb: [[30, 'council']],
    },
    {
      label: 'excluded_open_youth_justice', panel: a, locality: aAt[0], expected: false,
      name: { forename: 'Jean-Luc', surname: 'Brontë', sex: 'male' },
      description: 'M1 but in an open youth justice episode on the as-of date: excluded',
      crimes: [200, 40], support: { service: 'youth_justice', start: 100 },
    },
    {
      label: 'excluded_open_childrens_social_care', panel: b, locality: b1, expected: false,
      description: "M2 but in an open children's social care episode on the as-of date: excluded",
      asb: [[150, 'police'], [20, 'council']], support: { service: 'childrens_social_care', start: 500 },
    },
    {
      label: 'age_18', panel: a, locality: aAt[0], expected: false, age: 18,
      description: 'M1 and M2 but 18 on the as-of date: excluded', crimes: [200, 30], asb: [[100, 'police'], [50, 'police']],
    },
    {
      label: 'age_9', panel: b, locality: b0, expected: false, age: 9,
      description: 'M1 and M2 but 9 on the as-of date: excluded', crimes: [150, 30], asb: [[90, 'council'], [45, 'police']],
    },
    {
      label: 'crimes_13_months_apart', panel: a, locality: aAt[0], expected: false,
      description: 'Two crimes 13 months apart: only one in the window, so not M1',
      crimes: [(asOf) => addMonths(asOf - 5, -13), 5],
    },
    {
      label: 'window_edge_out', panel: a, locality: aAt[0], expected: false,
      description: 'One crime exactly a year before the as-of date (outside: the window starts after it) and one inside',
      crimes: [(asOf) => addYears(asOf, -1), 10],
    },
    {
      label: 'one_crime_one_asb', panel: b, locality: b2, expected: false,
      description: 'One crime and one ASB incident in the window: neither M1 nor M2', crimes: [100], asb: [[50, 'police']],
    },
    {
      label: 'same_crime_twice', panel: b, locality: b3, expected: false,
      description: 'Listed as suspect and as offender of one crime in the window (one distinct crime) and one crime before it: not M1',
      sameCrimeTwice: 120, crimes: [500],
    },
  ];
}

/** Names that exercise the spelling variants (accents, hyphens, apostrophes). */
const NAMED: Record<string, PersonName & { sex: Sex }> = {
  '0:m1': { forename: 'Zoë', surname: "O'Brien-Smith", sex: 'female' },
  '0:m2': { forename: 'Mary-Jane', surname: "D'Souza", sex: 'female' },
  '0:m1_m2': { forename: 'José', surname: 'Peña-Gonçalves', sex: 'male' },
  '0:m1_d1': { forename: 'Chloé', surname: 'McCarthy', sex: 'female' },
  '1:m1': { forename: 'Renée', surname: 'Smith-Jones', sex: 'female' },
  '1:m2': { forename: 'Noël', surname: "O'Neill", sex: 'male' },
};

export interface PlantedCase {
  planted: string; person_id: string; panel: string; locality: string; age_on_as_of: number;
  expected_in_cohort: boolean; description: string;
}

const SUSPECT_GROUPS = Weighted.of({ theft: 25, criminal_damage: 15, assault_without_injury: 20, assault_with_injury: 10, robbery_personal: 8, possession_of_weapon: 10, public_order: 12 });
const OUTCOMES = Weighted.of({ charged: 25, caution: 10, community_resolution: 20, no_further_action: 20, outstanding: 25 });
const D4_REASONS_LATE = ['DB', 'CB', 'LD', 'DR', 'MP'];

export function plantCohort(ctx: Ctx): { events: PlantedEvents; cases: PlantedCase[] } {
  const events: PlantedEvents = { crimes: [], asb: [], ae: [], admissions: [], exclusions: [], support: [] };
  const cases: PlantedCase[] = [];
  const { places } = ctx;
  const { panels, localities } = places.deployment.area;
  const at = (panel: string) => places.deployment.sample.plantedLocalities[panel] ?? localities.filter((l) => l.panel === panel).map((l) => l.slug);
  const [a, b = a] = panels.map((p) => p.id);
  const plans = [...panels.flatMap((p, i) => panelPlans(p.id, i, at(p.id))), ...nearMisses(places, a, at(a), b, at(b))];
  const asOf = ctx.asOf;
  const when = (w: When) => (typeof w === 'number' ? asOf - w : w(asOf));
  const schoolDay = (d: number) => { while (!isSchoolDay(d)) d--; return d; };

  plans.forEach((plan, k) => {
    const rng = new Rng(ctx.seed, 'planted', k);
    const index = PLANTED_BASE + k;
    const named = plan.name ?? plan.named;
    const sex: Sex = named?.sex ?? (rng.chance(0.75) ? 'male' : 'female');
    const name = named ?? inventName(rng, sex, places.isCity(plan.locality));
    const age = plan.age ?? rng.range(12, 16);
    const dob = addYears(asOf, -age) - rng.range(40, 320);
    const homes: Home[] = plan.movedFrom
      ? [{ from: -1e9, postcode: places.postcodeIn(rng, plan.movedFrom[0]), locality: plan.movedFrom[0] },
        { from: when(plan.movedFrom[1]), postcode: places.postcodeIn(rng, plan.locality), locality: plan.locality }]
      : [{ from: -1e9, postcode: places.postcodeIn(rng, plan.locality), locality: plan.locality }];
    const firstCouncil = places.councilCodes(places.councilOf(homes[0].locality!));
    const person: Person = {
      index, id: personId(index), pool: 'planted', sex, dob, dobIso: isoDate(dob), name, homes,
      nhsNumber: nhsNumberFor(index), upn: upnFor(index, firstCouncil.laCode, Number(isoDate(addYears(dob, 4)).slice(0, 4))),
      policeId: policeIdFor(index), planted: plan.label,
    };
    ctx.population.addPlanted(person);
    cases.push({
      planted: plan.label, person_id: person.id, panel: places.panelOf(plan.locality), locality: plan.locality,
      age_on_as_of: ageOn(dob, asOf), expected_in_cohort: plan.expected, description: plan.description,
    });

    const crime = (d: number, group: string, involved: CrimeEvent['involved'], victim: Person | null): CrimeEvent => {
      const spec = specOf(group);
      return {
        recorded: d, offence: d, minute: minuteOfDay(rng, HOURS.violence), group, knife: group === 'possession_of_weapon' || (group === 'robbery_personal' && rng.chance(0.3)),
        domestic: false, locationType: spec.where.pick(rng), postcode: places.postcodeIn(rng, homeOn(person, d).locality!), victim, involved,
      };
    };
    const victimFor = (group: string, d: number) => (specOf(group).victim >= 0.5 ? ctx.population.draw(rng, 'general', d, 16, 80) : null);
    const asSuspect = (): CrimeEvent['involved'][number] => {
      const outcome = OUTCOMES.pick(rng);
      return { person, role: roleFor(outcome), outcome };
    };

    for (const w of plan.crimes ?? []) {
      const d = when(w);
      const group = SUSPECT_GROUPS.pick(rng);
      events.crimes.push(crime(d, group, [asSuspect()], victimFor(group, d)));
    }
    if (plan.sameCrimeTwice !== undefined) {
      const d = when(plan.sameCrimeTwice);
      events.crimes.push(crime(d, 'theft', [{ person, role: 'suspect', outcome: 'outstanding' }, { person, role: 'offender', outcome: 'charged' }], victimFor('theft', d)));
    }
    if (plan.victimOf) {
      const d = when(plan.victimOf[0]);
      events.crimes.push(crime(d, plan.victimOf[1], [{ person: drawSuspect(ctx, rng, d), role: 'suspect', outcome: 'outstanding' }], person));
    }
    for (const [w, source] of plan.asb ?? []) {
      const d = when(w);
      const locality = homeOn(person, d).locality!;
      events.asb.push({
        day: d, minute: minuteOfDay(rng, HOURS.asb), partner: source === 'police' ? places.partners.police : places.councilOf(locality),
        source: source === 'police' ? 'police_call' : 'case_management', pen: rng.chance(0.7) ? 'nuisance' : 'personal',
        postcode: places.postcodeIn(rng, locality), perpetrator: person,
      });
    }
    const exclusion = (d: number, reason: string) => {
      const locality = homeOn(person, d).locality!;
      events.exclusions.push({ day: d, partner: places.councilOf(locality), pupil: person, category: 'suspension', reason, sessions: rng.pick([2, 4, 6]), urn: places.schoolUrn(rng, locality) });
    };
    if (plan.violentExclusion) exclusion(schoolDay(when(plan.violentExclusion[0])), plan.violentExclusion[1]);
    for (const w of plan.suspensions ?? []) exclusion(schoolDay(when(w)), rng.pick(D4_REASONS_LATE));
    if (plan.ae) {
      const d = when(plan.ae[0]);
      const minute = minuteOfDay(rng, HOURS.violence);
      events.ae.push({
        day: d, minute, incidentDay: d, incidentMinute: Math.max(0, minute - 45), locationType: 'public_place',
        incidentPostcode: places.postcodeIn(rng, homeOn(person, d).locality!), means: plan.ae[1], patient: person, admitted: false,
      });
    }
    if (plan.support) {
      const start = when(plan.support.start);
      const end = plan.support.end === undefined ? null : when(plan.support.end);
      events.support.push({ partner: places.councilOf(homeOn(person, start).locality!), service: plan.support.service, programme: '', person, start, end });
    }
  });
  return { events, cases };
}
