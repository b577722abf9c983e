/**
 * What each dataset with persons tells about a person, by column: the view column of the linked person, its birth,
 * home, sex and age, and the day its record is dated by. Police person rows have no date of their own: they are
 * dated by their crime's recorded date (`viaCrime`). The people view, the cohort and the deep dive read these.
 */
export interface PersonSource {
  dataset: string;
  person: string;
  birth: string;
  age?: string;
  sex: string;
  home: string;
  /** The record's own date column; absent when it is dated by its crime. */
  date?: string;
  /** Dated by the crime in police_crime whose record_key this column holds. */
  viaCrime?: string;
}

export const personSources: PersonSource[] = [
  { dataset: 'police_person', person: 'person_id', birth: 'month_of_birth', sex: 'sex', home: 'home_locality', viaCrime: 'crime_key' },
  { dataset: 'asb_incident', person: 'perpetrator_linked_person_id', birth: 'perpetrator_month_of_birth', age: 'perpetrator_age', sex: 'perpetrator_sex', home: 'perpetrator_home_locality', date: 'reported_at' },
  { dataset: 'ae_attendance', person: 'person_id', birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'arrival_at' },
  { dataset: 'hospital_admission', person: 'person_id', birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'admission_date' },
  { dataset: 'school_exclusion', person: 'person_id', birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'start_date' },
  { dataset: 'support_episode', person: 'person_id', birth: 'month_of_birth', age: 'age', sex: 'sex', home: 'home_locality', date: 'start_date' },
];
