import { nhsCheckDigit, upnCheckLetter } from '../../functions/ingest/identifiers.ts';
import { isoDate, parseIso } from './calendar.ts';
import type { Rng } from './rng.ts';

/**
 * Invalid rows, as real extracts have them: about 1.5% of a file's rows (never over 4.5%) are followed by a
 * broken copy, each copy broken in one way that the schema's validation rejects. The kinds are taken in turn
 * (a dataset's own identifier checks first), so every kind a dataset can have turns up once a file has a few
 * hundred rows.
 */

export type Row = Record<string, string>;

export type InvalidKind =
  | 'impossible_date' | 'bad_time' | 'future_date' | 'offence_after_recorded' | 'unknown_enum' | 'bad_nhs_number'
  | 'bad_upn' | 'age_130' | 'dob_after_event' | 'missing_required' | 'duplicate_id' | 'too_few_fields';

const addDays = (iso: string, days: number): string => isoDate(parseIso(iso.slice(0, 10)) + days);
const feb31 = (iso: string): string => `${iso.slice(0, 4)}-02-31${iso.slice(10)}`;
const FUTURE = '2031-01-01';

/** An NHS number with the wrong check digit (from the row's own number, or a made-up stem). */
export function badNhs(valid: string): string {
  const first9 = /^\d{10}$/.test(valid) ? valid.slice(0, 9) : '401023213';
  const check = nhsCheckDigit(first9);
  return `${first9}${((check ?? 0) + 3) % 10}`;
}

/** A UPN with the wrong check letter. */
export function badUpn(valid: string): string {
  const rest = /^[A-Z]\d{12}$/.test(valid) ? valid.slice(1) : '856400024123';
  const right = upnCheckLetter(rest)!;
  return `${right === 'A' ? 'B' : 'A'}${rest}`;
}

type Mutator = (row: Row) => void;

const MUTATORS: Record<string, Partial<Record<InvalidKind, Mutator>>> = {
  police_crime: {
    impossible_date: (r) => { r.recorded_date = feb31(r.recorded_date); },
    bad_time: (r) => { r.offence_time = '25:61'; },
    future_date: (r) => { r.recorded_date = FUTURE; },
    offence_after_recorded: (r) => { r.offence_date = addDays(r.recorded_date, 4); },
    unknown_enum: (r) => { r.offence_group = 'knife_crime'; r.ho_offence_code = ''; },
    age_130: (r) => { r.victim_age = '130'; r.victim_date_of_birth = ''; },
    dob_after_event: (r) => { r.victim_date_of_birth = addDays(r.offence_date, 2); r.victim_age = ''; },
    missing_required: (r) => { r.knife_flag = ''; },
  },
  police_person: {
    impossible_date: (r) => { r.date_of_birth = feb31(r.date_of_birth || '2008-01-01'); },
    future_date: (r) => { r.date_of_birth = FUTURE; },
    unknown_enum: (r) => { r.role = 'witness'; },
    missing_required: (r) => { r.role = ''; },
  },
  asb_incident: {
    impossible_date: (r) => { r.reported_at = feb31(r.reported_at); },
    bad_time: (r) => { r.reported_at = `${r.reported_at.slice(0, 10)}T25:61`; },
    future_date: (r) => { r.reported_at = `${FUTURE}T12:00`; },
    unknown_enum: (r) => { r.pen_category = 'rowdy_behaviour'; },
    dob_after_event: (r) => { r.perpetrator_date_of_birth = addDays(r.reported_at.slice(0, 10), 1); },
    missing_required: (r) => { r.source = ''; },
  },
  ae_attendance: {
    bad_nhs_number: (r) => { r.nhs_number = badNhs(r.nhs_number); },
    bad_time: (r) => { r.incident_time = '25:61'; },
    age_130: (r) => { r.age = '130'; r.date_of_birth = ''; },
    impossible_date: (r) => { r.arrival_at = feb31(r.arrival_at); r.incident_date = ''; },
    future_date: (r) => { r.arrival_at = `${FUTURE}T02:10`; },
    unknown_enum: (r) => { r.means_of_assault = 'stabbing'; },
    dob_after_event: (r) => { r.date_of_birth = addDays(r.arrival_at.slice(0, 10), 1); r.age = ''; },
    missing_required: (r) => { r.means_of_assault = ''; },
  },
  hospital_admission: {
    bad_nhs_number: (r) => { r.nhs_number = badNhs(r.nhs_number); },
    age_130: (r) => { r.age = '130'; r.date_of_birth = ''; },
    impossible_date: (r) => { r.admission_date = feb31(r.admission_date); },
    future_date: (r) => { r.admission_date = FUTURE; },
    unknown_enum: (r) => { r.admission_method = '99'; },
    dob_after_event: (r) => { r.date_of_birth = addDays(r.admission_date, 1); r.age = ''; },
    missing_required: (r) => { r.cause_codes = ''; },
  },
  school_exclusion: {
    bad_upn: (r) => { r.upn = badUpn(r.upn); },
    impossible_date: (r) => { r.start_date = feb31(r.start_date); },
    future_date: (r) => { r.start_date = FUTURE; },
    unknown_enum: (r) => { r.reason_code = 'XX'; },
    dob_after_event: (r) => { r.date_of_birth = addDays(r.start_date, 1); },
    missing_required: (r) => { r.category = ''; },
  },
  support_episode: {
    bad_upn: (r) => { r.upn = badUpn(r.upn); },
    bad_nhs_number: (r) => { r.nhs_number = badNhs(r.nhs_number); },
    impossible_date: (r) => { r.start_date = feb31(r.start_date); },
    future_date: (r) => { r.start_date = FUTURE; r.end_date = ''; },
    unknown_enum: (r) => { r.service = 'youth_offending'; },
    dob_after_event: (r) => { r.date_of_birth = addDays(r.start_date, 1); },
    missing_required: (r) => { r.service = ''; },
  },
  programme_delivery: {
    bad_nhs_number: (r) => { r.nhs_number = badNhs(r.nhs_number); },
    impossible_date: (r) => { r.referral_date = feb31(r.referral_date); },
    future_date: (r) => { r.referral_date = FUTURE; r.start_date = ''; r.end_date = ''; },
    unknown_enum: (r) => { r.exit_reason = 'dropped_out'; },
    dob_after_event: (r) => { r.date_of_birth = addDays(r.referral_date, 1); },
    missing_required: (r) => { r.referral_source = ''; },
  },
};

export interface BrokenRow { row: Row; kind: InvalidKind; short: boolean }

/** The invalid rows of one file. */
export class InvalidRows {
  private valid = 0;
  private invalid = 0;
  private readonly kinds: InvalidKind[];
  private readonly recentIds: string[] = [];

  constructor(private readonly dataset: string, private readonly uniqueId: string | null, format: 'csv' | 'xlsx',
    private readonly rng: Rng, private readonly rate = 0.015) {
    const mutators = MUTATORS[dataset] ?? {};
    this.kinds = [...Object.keys(mutators) as InvalidKind[]];
    if (uniqueId) this.kinds.push('duplicate_id');
    if (format === 'csv') this.kinds.push('too_few_fields');
  }

  get count(): number { return this.invalid; }

  /** After a valid row: a broken copy to write after it, or null. */
  after(row: Row): BrokenRow | null {
    this.valid++;
    if (this.uniqueId) {
      this.recentIds.push(row[this.uniqueId]);
      if (this.recentIds.length > 50) this.recentIds.shift();
    }
    // About `rate` of rows; and a file of 25 rows or more has at least one.
    const due = this.rng.chance(this.rate) || (this.invalid === 0 && this.valid >= 25);
    if (this.valid < 8 || !due) return null;
    if ((this.invalid + 1) / (this.valid + this.invalid + 1) > 0.045) return null;
    const kind = this.kinds[this.invalid % this.kinds.length];
    this.invalid++;
    const broken: Row = { ...row };
    if (this.uniqueId) {
      // A fresh id, so the row is rejected for its own fault only; a duplicate takes an earlier row's id.
      broken[this.uniqueId] = kind === 'duplicate_id'
        ? this.recentIds[this.rng.int(Math.max(1, this.recentIds.length - 1))]
        : `${row[this.uniqueId]}R`;
    }
    if (kind !== 'duplicate_id' && kind !== 'too_few_fields') MUTATORS[this.dataset][kind]!(broken);
    return { row: broken, kind, short: kind === 'too_few_fields' };
  }
}
