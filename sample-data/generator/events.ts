import type { Person } from './people.ts';

/**
 * What happened, before it is written as rows: the dataset generators and the planted cohort both make these,
 * and one writer per dataset turns them into the partner's rows.
 */

export type Role = 'victim' | 'suspect' | 'offender';

export interface CrimeEvent {
  recorded: number;
  offence: number;
  /** Minute of the day of the offence, or null when not recorded. */
  minute: number | null;
  group: string;
  knife: boolean;
  domestic: boolean;
  locationType: string;
  /** The offence location as written (full, sector, out of area or empty). */
  postcode: string;
  /** The LSOA the police gave with the location, where the deployment's sample carries one. */
  lsoa?: string;
  victim: Person | null;
  /** Suspects and offenders (and, rarely, the same person twice). */
  involved: { person: Person; role: Exclude<Role, 'victim'>; outcome: string }[];
}

export interface AsbEvent {
  day: number;
  minute: number;
  partner: string;
  source: 'police_call' | 'case_management';
  pen: 'personal' | 'nuisance' | 'environmental';
  postcode: string;
  perpetrator: Person | null;
}

export interface AeEvent {
  day: number;
  minute: number;
  incidentDay: number;
  incidentMinute: number | null;
  locationType: string;
  incidentPostcode: string;
  means: string;
  patient: Person;
  /** Admitted to hospital from this attendance (a hospital_admission row follows). */
  admitted: boolean;
}

export interface AdmissionEvent {
  day: number;
  method: string;
  causes: string;
  patient: Person;
}

export interface ExclusionEvent {
  day: number;
  partner: string;
  pupil: Person;
  category: 'suspension' | 'permanent_exclusion';
  reason: string;
  sessions: number | null;
  urn: string;
}

export interface SupportEvent {
  partner: string;
  service: 'youth_justice' | 'childrens_social_care' | 'early_help' | 'vrn_intervention';
  programme: string;
  person: Person;
  start: number;
  end: number | null;
}

export interface PlantedEvents {
  crimes: CrimeEvent[];
  asb: AsbEvent[];
  ae: AeEvent[];
  admissions: AdmissionEvent[];
  exclusions: ExclusionEvent[];
  support: SupportEvent[];
}

/** Events of a list on a day, for merging planted events into a day-by-day pass (lists sorted by day). */
export function byDay<T>(events: T[], dayOf: (e: T) => number): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const e of events) {
    const d = dayOf(e);
    const list = map.get(d) ?? [];
    list.push(e);
    map.set(d, list);
  }
  return map;
}
