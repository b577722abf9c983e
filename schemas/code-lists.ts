import { z } from 'zod';
import { exitReasons as exitReasonValues, referralRoutes } from './programmes.ts';

/**
 * A code list: the canonical values, aliases some partners send instead (matched in any case), and what a code
 * means where the code alone does not say (the data dictionary shows them).
 */
export const CodeList = z.object({
  id: z.string(),
  description: z.string(),
  values: z.array(z.string()).min(1),
  aliases: z.record(z.string(), z.string()).default({}),
  labels: z.record(z.string(), z.string()).default({}),
}).superRefine((l, ctx) => {
  for (const code of [...Object.values(l.aliases), ...Object.keys(l.labels)]) {
    if (!l.values.includes(code)) ctx.addIssue({ code: 'custom', message: `code list ${l.id}: ${code} is not one of its values` });
  }
});
export type CodeList = z.infer<typeof CodeList>;

const list = (id: string, description: string, values: string[], aliases: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  CodeList.parse({ id, description, values, aliases, labels });

export const offenceGroups = list('offence_group', 'Offence groups of police_crime', [
  'homicide', 'attempted_murder', 'threats_to_kill', 'assault_with_intent_serious_harm', 'assault_with_injury',
  'assault_without_injury', 'robbery_personal', 'robbery_business', 'rape', 'other_sexual_offence',
  'stalking_harassment', 'possession_of_weapon', 'public_order', 'burglary', 'vehicle_offence', 'theft',
  'criminal_damage', 'drugs', 'other',
]);

/** Serious violence, the local definition (all ages, public and domestic settings). */
export const seriousViolenceGroups = [
  'homicide', 'attempted_murder', 'threats_to_kill', 'assault_with_intent_serious_harm', 'assault_with_injury',
  'robbery_personal', 'robbery_business', 'rape', 'other_sexual_offence',
] as const;

/** Knife-enabled serious violence (ADR 160 scope): knife_flag and one of these groups. */
export const knifeEnabledGroups = seriousViolenceGroups;

/**
 * Home Office offence classification codes → offence group. Police may send the code instead of the group.
 * Codes beyond the violence and weapons ones map through the same table to their broad groups.
 */
export const homeOfficeOffenceCodes: Record<string, string> = {
  '1': 'homicide', '4/1': 'homicide', '4/2': 'homicide',
  '2': 'attempted_murder',
  '3B': 'threats_to_kill',
  '5D': 'assault_with_intent_serious_harm',
  '8N': 'assault_with_injury', '8P': 'assault_with_injury', '8S': 'assault_with_injury',
  '105A': 'assault_without_injury', '105B': 'assault_without_injury', '104': 'assault_without_injury',
  '8L': 'stalking_harassment', '8M': 'stalking_harassment', '8Q': 'stalking_harassment',
  '19C': 'rape', '19D': 'rape', '19E': 'rape', '19F': 'rape', '19G': 'rape', '19H': 'rape',
  '17A': 'other_sexual_offence', '17B': 'other_sexual_offence', '20A': 'other_sexual_offence', '20B': 'other_sexual_offence',
  '34A': 'robbery_business',
  '34B': 'robbery_personal',
  '10A': 'possession_of_weapon', '10B': 'possession_of_weapon', '10C': 'possession_of_weapon',
  '10D': 'possession_of_weapon', '81': 'possession_of_weapon', '90': 'possession_of_weapon',
  '9A': 'public_order', '9B': 'public_order', '62A': 'public_order', '66': 'public_order',
  '28A': 'burglary', '28B': 'burglary', '28C': 'burglary', '28D': 'burglary', '28E': 'burglary', '28F': 'burglary',
  '30A': 'burglary', '30B': 'burglary', '30C': 'burglary',
  '37.2': 'vehicle_offence', '45': 'vehicle_offence', '48': 'vehicle_offence', '126': 'vehicle_offence',
  '39': 'theft', '40': 'theft', '41': 'theft', '42': 'theft', '44': 'theft', '46': 'theft', '49': 'theft',
  '58A': 'criminal_damage', '58B': 'criminal_damage', '58C': 'criminal_damage', '58D': 'criminal_damage',
  '56A': 'criminal_damage', '56B': 'criminal_damage',
  '92A': 'drugs', '92B': 'drugs', '92C': 'drugs', '92D': 'drugs', '92E': 'drugs',
  '99': 'other',
};

export const locationTypes = list('location_type', 'Where an offence happened', [
  'public_place', 'dwelling', 'licensed_premises', 'education', 'retail', 'transport', 'other',
]);
export const incidentLocationTypes = list('incident_location_type', 'Where an assault seen in A&E happened', [
  'public_place', 'dwelling', 'licensed_premises', 'education', 'other', 'unknown',
]);
export const sexes = list('sex', 'Sex as recorded by the partner', ['male', 'female', 'other', 'unknown']);
export const personRoles = list('person_role', 'Role of a person in a crime', ['victim', 'suspect', 'offender']);
export const outcomes = list('outcome', 'Outcome for a person in a crime', [
  'charged', 'caution', 'community_resolution', 'no_further_action', 'outstanding', 'other',
]);
export const burglaryTypes = list('burglary_type', 'Whether a burglary was of a home or of a business or community building', ['residential', 'business'], { 'business and community': 'business', domestic: 'residential' });
/** police.uk street-level crime types, as the open data spells them. */
export const policeUkCrimeTypes = list('police_uk_crime_type', 'Crime type of the police.uk street-level open data', [
  'Anti-social behaviour', 'Bicycle theft', 'Burglary', 'Criminal damage and arson', 'Drugs', 'Other crime', 'Other theft',
  'Possession of weapons', 'Public order', 'Robbery', 'Shoplifting', 'Theft from the person', 'Vehicle crime', 'Violence and sexual offences',
]);
export const asbSources = list('asb_source', 'Where an ASB record comes from', ['police_call', 'case_management']);
export const penCategories = list('pen_category', 'ASB category (personal, environmental, nuisance)', [
  'personal', 'nuisance', 'environmental',
], {}, {
  personal: 'Aimed at an individual or a group',
  nuisance: 'Trouble, annoyance or suffering caused to a community',
  environmental: 'Harm to public spaces or the environment',
});
export const meansOfAssault = list('means_of_assault', 'Means of assault (ISTV)', [
  'knife_or_sharp', 'blunt_object', 'glass_or_bottle', 'body_part', 'firearm', 'other', 'unknown',
]);
/** HES ADMIMETH admission methods. */
export const admissionMethods = list('admission_method', 'HES admission method (ADMIMETH)', [
  '11', '12', '13', '21', '22', '23', '24', '25', '26', '27', '28', '2A', '2B', '2C', '2D', '31', '32', '81', '82', '83',
], {}, {
  11: 'Elective: from the waiting list', 12: 'Elective: booked', 13: 'Elective: planned',
  21: 'Emergency: through A&E', 22: 'Emergency: by a GP', 23: 'Emergency: through the bed bureau',
  24: 'Emergency: from a consultant outpatient clinic', 25: 'Emergency: by a mental health crisis resolution team',
  28: 'Emergency: by other means', '2A': "Emergency: through another provider's A&E",
  '2B': 'Emergency: transfer of an admitted patient from another hospital', '2C': 'Emergency: a baby born at home as intended',
  '2D': 'Emergency: other', 31: 'Maternity: before the birth', 32: 'Maternity: after the birth',
  81: 'Other: transfer of an admitted patient from another provider', 82: 'Other: a baby born in this hospital',
  83: 'Other: a baby born outside the hospital, not at home as intended',
});
export const emergencyAdmissionMethods = ['21', '22', '23', '24', '25', '28', '2A', '2B', '2C', '2D'] as const;

/** ICD-10: assault by sharp object is X99 (X99.0–X99.9); W25/W26, X78 and Y28 are not assault. */
export const icd10 = {
  sharpObjectAssaultPrefix: 'X99',
  assaultRange: { from: 'X85', to: 'Y09' },
  /** Whether any cause-code position counts, or only the first. */
  causeCodePositions: 'any' as 'any' | 'first',
};

export const exclusionCategories = list('exclusion_category', 'Suspension or permanent exclusion', [
  'suspension', 'permanent_exclusion',
], { PERM: 'permanent_exclusion', SUSP: 'suspension', FIXD: 'suspension' });

/** The school census's first reason of an exclusion (since 2020/21 up to three are recorded; the extract carries the first). */
export const exclusionReasons = list('exclusion_reason', 'DfE suspension and permanent exclusion reasons (England)', [
  'PP', 'PA', 'VP', 'VA', 'BU', 'RA', 'SM', 'DA', 'DM', 'TH', 'PD', 'OT',
  'DS', 'LG', 'MT', 'OW', 'PH',
  'BW', 'TB', 'SB', 'MB', 'AB', 'DR', 'AR', 'SR', 'VR', 'LD', 'CB', 'DB', 'MP', 'OS',
], {}, {
  PP: 'Physical assault against a pupil', PA: 'Physical assault against an adult',
  VP: 'Verbal abuse or threatening behaviour against a pupil', VA: 'Verbal abuse or threatening behaviour against an adult',
  BU: 'Bullying', RA: 'Racist abuse', SM: 'Sexual misconduct', DA: 'Drug and alcohol related', DM: 'Damage', TH: 'Theft',
  PD: 'Persistent disruptive behaviour', OT: 'Other',
  DS: 'Abuse relating to disability', LG: 'Abuse against sexual orientation or gender identity',
  MT: 'Inappropriate use of social media or online technology', OW: 'Use or threat of use of an offensive weapon or prohibited item',
  PH: 'Wilful and repeated breach of public-health measures',
  BW: 'Brought a weapon or prohibited item into school', TB: 'Cyber-bullying or threatening behaviour online',
  SB: 'Harmful sexual behaviour', MB: 'Misogynistic behaviour', AB: 'Misandrist behaviour', DR: 'Drug related',
  AR: 'Alcohol related', SR: 'Smoking related', VR: 'Vape related', LD: 'Persistent disruptive behaviour: low level',
  CB: 'Persistent disruptive behaviour: challenging', DB: 'Persistent disruptive behaviour: general',
  MP: 'Use of a mobile phone', OS: 'Misbehaviour outside school',
});
export const violenceRelatedExclusionReasons = ['PP', 'PA', 'VP', 'VA', 'OW', 'BW'] as const;

export const supportServices = list('support_service', 'Kind of support or intervention', [
  'youth_justice', 'childrens_social_care', 'early_help', 'vrn_intervention',
]);

export const referralSources = list('referral_source', 'Where a programme referral came from', [...referralRoutes]);
export const exitReasons = list('exit_reason', 'Why a participant left a programme', [...exitReasonValues], {}, {
  good_progress: 'Left early with the goals met (good progress, no further offending)',
  entered_custody: 'Remanded or sentenced to custody',
});

export const ageBands = [
  { band: '0-9', from: 0, to: 9 },
  { band: '10-17', from: 10, to: 17 },
  { band: '18-24', from: 18, to: 24 },
  { band: '25-34', from: 25, to: 34 },
  { band: '35-49', from: 35, to: 49 },
  { band: '50+', from: 50, to: 200 },
] as const;

export const ageBandOf = (age: number): string => ageBands.find((b) => age >= b.from && age <= b.to)?.band ?? ageBands[ageBands.length - 1].band;

export const codeLists: Record<string, CodeList> = Object.fromEntries(
  [offenceGroups, locationTypes, incidentLocationTypes, sexes, personRoles, outcomes, asbSources, penCategories, burglaryTypes, policeUkCrimeTypes,
    meansOfAssault, admissionMethods, exclusionCategories, exclusionReasons, supportServices, referralSources, exitReasons]
    .map((l) => [l.id, l]),
);

/** Home Office codes as a code list, so ho_offence_code is validated like any enum. */
codeLists.ho_offence_code = CodeList.parse({
  id: 'ho_offence_code', description: 'Home Office offence classification code',
  values: Object.keys(homeOfficeOffenceCodes),
});

/** Code → value maps that row rules refer to by name. */
export const codeMaps: Record<string, Record<string, string>> = { homeOfficeOffenceCodes };
