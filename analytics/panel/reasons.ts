import { supportServices } from '../../schemas/code-lists.ts';
import type { CohortRules } from '../../schemas/cohort.ts';

/**
 * Why a child is on a panel's list, in words, from the deployment's rules (schemas/cohort.ts, cohort.json): the legend
 * of the criteria and their weights, and each member's criteria and factors with the counts behind them.
 */
export type Criterion = keyof CohortRules['weights'];
export interface LegendEntry { code: Criterion; kind: 'mandatory' | 'discretionary'; words: string; weight: number }

const serviceWords: Record<string, string> = { youth_justice: 'youth justice', childrens_social_care: "children's social care", early_help: 'early help', vrn_intervention: 'a VRN intervention' };
const service = (s: string) => serviceWords[s] ?? (supportServices.values.includes(s) ? s.replace(/_/g, ' ') : s);
const or = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);

/** Each criterion in words, as the rules set it. */
export function criterionWords(rules: CohortRules): Record<Criterion, string> {
  const window = `in the last ${rules.windowMonths} months`;
  return {
    M1: `${or(rules.suspectRoles)} in ${rules.m1MinCrimes} or more crimes ${window}`,
    M2: `perpetrator in ${rules.m2MinAsb} or more anti-social behaviour incidents ${window}`,
    D1: `a suspension or exclusion for violence or a weapon ${window}`,
    D2: `an A&E attendance ${window}`,
    D3: `victim of a serious violence crime ${window}`,
    D4: `${rules.d4MinSuspensions} or more suspensions ${window}`,
    D5: `open to ${or(rules.earlyHelpServices.map(service))} on the date of the list`,
  };
}

export function legend(rules: CohortRules): { criteria: LegendEntry[]; excluded: string; score: string } {
  const words = criterionWords(rules);
  return {
    criteria: (Object.keys(words) as Criterion[]).map((code) => ({ code, kind: code.startsWith('M') ? 'mandatory' : 'discretionary', words: words[code], weight: rules.weights[code] ?? 0 })),
    excluded: `Children aged ${rules.ageFrom} to ${rules.ageTo} who meet M1 or M2 are listed, unless already open to ${or(rules.excludingServices.map(service))} on the date.`,
    score: 'The score adds the weights of the criteria and factors a child meets.',
  };
}

const eventNames: Record<string, [string, string]> = {
  police_crime: ['crime', 'crimes'], asb_incident: ['anti-social behaviour incident', 'anti-social behaviour incidents'],
  school_exclusion: ['suspension or exclusion', 'suspensions or exclusions'], ae_attendance: ['A&E attendance', 'A&E attendances'],
  hospital_admission: ['hospital admission', 'hospital admissions'], support_episode: ['support episode', 'support episodes'],
};
export const counted = (n: number, dataset: string) => {
  const [one, many] = eventNames[dataset] ?? [dataset.replace(/_/g, ' '), dataset.replace(/_/g, ' ')];
  return `${n} ${n === 1 ? one : many}`;
};

/** The events of each agency's data in the window, in words: "3 crimes; 1 A&E attendance". */
export const eventsInWords = (events: Record<string, number>) => Object.entries(events).map(([d, n]) => counted(n, d)).join('; ');

/** 2025-08-14 → 14 August 2025. */
export const longDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

interface Listed { criteria: string[]; factors: string[]; events: Record<string, number>; last_event_date: string | null }

/** A member's reasons, one sentence per criterion or factor met, with the counts behind it and the latest event. */
export function reasonsFor(member: Listed, rules: CohortRules): string[] {
  const words = criterionWords(rules);
  const ev = (d: string) => member.events[d] ?? 0;
  const window = `in the last ${rules.windowMonths} months`;
  const detail: Partial<Record<Criterion, string>> = {
    M1: `${words.M1} (police records of ${counted(ev('police_crime'), 'police_crime')} ${window}, in any role)`,
    M2: `perpetrator in ${counted(ev('asb_incident'), 'asb_incident')} ${window}`,
    D1: `${words.D1} (${counted(ev('school_exclusion'), 'school_exclusion')} in all)`,
    D2: `${counted(ev('ae_attendance'), 'ae_attendance')} ${window}`,
    D4: `${counted(ev('school_exclusion'), 'school_exclusion')} ${window}, ${rules.d4MinSuspensions} or more of them suspensions`,
  };
  const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return [
    ...[...member.criteria, ...member.factors].map((c) => `${c}: ${sentence(detail[c as Criterion] ?? words[c as Criterion] ?? c)}`),
    ...(member.last_event_date ? [`Latest event ${longDate(member.last_event_date)}`] : []),
  ];
}
