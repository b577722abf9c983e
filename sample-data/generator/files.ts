import { onwardReferralKinds } from '../../schemas/datasets/programme-delivery.ts';
import type { Places } from './places.ts';
import type { Encoding } from './writers/encoding.ts';

/**
 * How each partner's extract of each dataset is written: the file name, format, encoding, line endings, header
 * spelling (case, aliases), the form of dates, datetimes and booleans, and the extra columns its system adds.
 * The dataset generators produce canonical rows; these choices are applied only when a row is written.
 */

export interface FileSpec {
  partner: string;
  dataset: string;
  file: string;
  format: 'csv' | 'xlsx';
  encoding: Encoding;
  bom: boolean;
  eol: '\r\n' | '\n';
  dateStyle: 'iso' | 'uk';
  datetimeStyle: 'iso_t' | 'iso_space';
  booleanStyle: 'yn' | 'truefalse';
  /** Canonical column names (schema columns and extras) in file order. */
  columns: string[];
  /** The header as the partner writes it, by canonical name (default: the canonical name). */
  headers?: Record<string, string>;
  headerCase?: 'lower' | 'title';
  /** Which spelling habits the partner's system has (see names.ts). */
  nameStyle: 'police' | 'health' | 'council' | 'vrn';
}

const titleCase = (name: string) => name.split('_').map((w) => (w === 'id' ? 'ID' : w[0].toUpperCase() + w.slice(1))).join('_');

export const headerOf = (spec: FileSpec, column: string): string => {
  const given = spec.headers?.[column];
  if (given) return given;
  return spec.headerCase === 'title' ? titleCase(column) : column;
};

const COLUMNS = {
  police_crime: ['crime_ref', 'recorded_date', 'offence_date', 'offence_time', 'offence_group', 'ho_offence_code', 'knife_flag',
    'domestic_flag', 'location_type', 'hate_flag', 'racially_religiously_aggravated', 'burglary_type', 'postcode', 'lsoa_code', 'victim_age', 'victim_date_of_birth', 'victim_sex', 'officer_in_charge'],
  police_person: ['crime_ref', 'role', 'police_person_id', 'forename', 'surname', 'date_of_birth', 'sex', 'home_postcode', 'outcome'],
  asb_incident: ['incident_ref', 'source', 'reported_at', 'pen_category', 'postcode', 'lsoa_code', 'perpetrator_person_id',
    'perpetrator_forename', 'perpetrator_surname', 'perpetrator_date_of_birth', 'perpetrator_sex', 'perpetrator_home_postcode'],
  ae_attendance: ['attendance_id', 'arrival_at', 'incident_date', 'incident_time', 'incident_location_type', 'incident_postcode',
    'location_description', 'means_of_assault', 'nhs_number', 'forename', 'surname', 'date_of_birth', 'age', 'sex', 'home_postcode'],
  hospital_admission: ['admission_id', 'admission_date', 'admission_method', 'cause_codes', 'nhs_number', 'date_of_birth', 'age',
    'sex', 'home_postcode', 'lsoa_code'],
  school_exclusion: ['exclusion_id', 'upn', 'forename', 'surname', 'date_of_birth', 'sex', 'home_postcode', 'school_urn',
    'category', 'reason_code', 'start_date', 'sessions'],
  support_episode: ['episode_id', 'service', 'programme', 'la_person_id', 'upn', 'nhs_number', 'forename', 'surname',
    'date_of_birth', 'sex', 'home_postcode', 'start_date', 'end_date'],
  programme_delivery: ['referral_id', 'programme', 'strand', 'nhs_number', 'upn', 'forename', 'surname', 'date_of_birth', 'sex',
    'home_postcode', 'referral_date', 'referral_source', 'start_date', 'end_date', 'exit_reason', 'sessions_offered', 'sessions_attended',
    ...onwardReferralKinds.map((k) => `onward_${k}`), 'pre_score', 'post_score'],
};

const csv = (partner: string, dataset: keyof typeof COLUMNS, rest: Partial<FileSpec> = {}): FileSpec => ({
  partner, dataset, file: `${partner}__${dataset}.csv`, format: 'csv', encoding: 'utf-8', bom: false, eol: '\n',
  dateStyle: 'iso', datetimeStyle: 'iso_t', booleanStyle: 'truefalse', columns: COLUMNS[dataset], nameStyle: 'council', ...rest,
});

/** The councils write dates as DD/MM/YYYY; their datetimes are ISO 8601 with a space, as the schema asks. */
const council = (partner: string, encoding: Encoding, supportAsXlsx: boolean): FileSpec[] => [
  csv(partner, 'school_exclusion', { encoding, dateStyle: 'uk', datetimeStyle: 'iso_space' }),
  csv(partner, 'asb_incident', { encoding, dateStyle: 'uk', datetimeStyle: 'iso_space' }),
  supportAsXlsx
    // A trailing column that is never empty, as the council's export has: the reader sees a row as long as its
    // last filled cell, so an open episode's empty end_date must not be the last column.
    ? csv(partner, 'support_episode', { file: `${partner}__support_episode.xlsx`, format: 'xlsx', dateStyle: 'uk', datetimeStyle: 'iso_space', columns: [...COLUMNS.support_episode, 'status'] })
    : csv(partner, 'support_episode', { encoding, dateStyle: 'uk', datetimeStyle: 'iso_space' }),
];

/**
 * Every extract of a deployment's sample, in the order the partners would upload them. The councils' habits go by
 * their order in the bundle's sample: the first writes Windows-1252 (LLR: Leicester City Council), the last sends
 * its support episodes as XLSX (LLR: Rutland), the others UTF-8 CSV.
 */
export function fileSpecs({ partners, councils, deployment }: Places): FileSpec[] {
  // Each provider of a programme sends its caseload; a voluntary-sector provider's header is its own spelling.
  const providers = [...new Set(deployment.programmes.map((p) => p.deliveredBy))];
  return [
    csv(partners.police, 'police_crime', { eol: '\r\n', booleanStyle: 'yn', headerCase: 'title', nameStyle: 'police' }),
    csv(partners.police, 'police_person', { eol: '\r\n', headerCase: 'title', nameStyle: 'police' }),
    csv(partners.police, 'asb_incident', { eol: '\r\n', nameStyle: 'police' }),
    csv(partners.emergencyDepartment, 'ae_attendance', {
      bom: true, datetimeStyle: 'iso_space', nameStyle: 'health',
      headers: { nhs_number: 'NHS No', arrival_at: 'Arrival Date Time' },
    }),
    csv(partners.admissions, 'hospital_admission', { nameStyle: 'health' }),
    ...councils.flatMap((partner, i) => council(partner, i === 0 && councils.length > 1 ? 'windows-1252' : 'utf-8', i === councils.length - 1 && councils.length > 1)),
    csv(partners.team, 'support_episode', { columns: [...COLUMNS.support_episode, 'referral_source'], nameStyle: 'vrn' }),
    ...providers.map((partner) => csv(partner, 'programme_delivery', partner === partners.team
      ? { nameStyle: 'vrn' }
      : { nameStyle: 'vrn', dateStyle: 'uk', headers: { referral_id: 'Referral Ref', referral_source: 'Referral Source' } })),
  ];
}

export const specFor = (places: Places, partner: string, dataset: string): FileSpec => {
  const spec = fileSpecs(places).find((s) => s.partner === partner && s.dataset === dataset);
  if (!spec) throw new Error(`no sample file for ${partner} ${dataset}`);
  return spec;
};
