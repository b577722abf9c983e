import { comparatorQuery, groupedQuery, indicatorLsoaQuery, indicatorQuery } from '../../../analytics/products/indicator-query.ts';
import { getIndicator } from '../../../schemas/indicators.ts';
import type { SpecCases } from '../runner.ts';

/** Indicators' queries as schemas/indicators.ts defines them: pinned on tiny tables, on every engine. */
const year = { from: '2025-04-01', to: '2025-06-30' };

export const indicatorCases: SpecCases = {
  query: [
    {
      name: 'indicators counted together: rows passing any filter, by month, locality and whether each filter passes (null where it is unknown)',
      tables: { police_crime: [
        { recorded_date: '2025-04-02', locality: 'blaby', hate_flag: true, offence_group: 'burglary', burglary_type: 'residential' },
        { recorded_date: '2025-04-03', locality: 'blaby', hate_flag: true, offence_group: 'theft' },
        { recorded_date: '2025-04-04', locality: 'blaby', hate_flag: null, offence_group: 'burglary', burglary_type: 'residential' },
        { recorded_date: '2025-04-05', locality: 'blaby', hate_flag: false, offence_group: 'theft' },
        { recorded_date: '2025-07-01', locality: 'blaby', hate_flag: true, offence_group: 'theft' },
      ] },
      query: { count: groupedQuery([getIndicator('hate_crime'), getIndicator('residential_burglary')], indicatorQuery)! },
      params: year,
      expected: [
        { month: '2025-04', locality: 'blaby', passes_0: null, passes_1: true, count: 1 },
        { month: '2025-04', locality: 'blaby', passes_0: true, passes_1: false, count: 1 },
        { month: '2025-04', locality: 'blaby', passes_0: true, passes_1: true, count: 1 },
      ],
    },
    {
      name: 'indicators\' maps counted together, one with no filter: every row with an LSOA in the period',
      tables: { police_crime: [
        { recorded_date: '2025-04-02', locality: 'blaby', lsoa_code: 'E01', hate_flag: true }, { recorded_date: '2025-04-03', locality: 'blaby', lsoa_code: 'E01', hate_flag: false },
        { recorded_date: '2025-04-04', locality: 'blaby', lsoa_code: null, hate_flag: true },
      ] },
      query: { count: groupedQuery([getIndicator('total_crime'), getIndicator('hate_crime')], indicatorLsoaQuery)! },
      params: year,
      expected: [{ locality: 'blaby', lsoa: 'E01', passes_1: false, count: 1 }, { locality: 'blaby', lsoa: 'E01', passes_1: true, count: 1 }],
    },
    {
      name: 'an indicator: its rows in the period, counted by month and locality (unknown too)',
      tables: { police_crime: [
        { recorded_date: '2025-03-31', locality: 'blaby' }, { recorded_date: '2025-04-01', locality: 'blaby' }, { recorded_date: '2025-04-30', locality: 'blaby' },
        { recorded_date: '2025-05-02', locality: 'unknown' }, { recorded_date: '2025-06-30', locality: 'melton' }, { recorded_date: '2025-07-01', locality: 'melton' },
      ] },
      query: { count: indicatorQuery(getIndicator('total_crime')) },
      params: year,
      expected: [{ month: '2025-04', locality: 'blaby', count: 2 }, { month: '2025-05', locality: 'unknown', count: 1 }, { month: '2025-06', locality: 'melton', count: 1 }],
    },
    {
      name: 'hate crime: flagged true only (false and not recorded are not)',
      tables: { police_crime: [{ hate_flag: true, locality: 'rutland' }, { hate_flag: false, locality: 'rutland' }, { hate_flag: null, locality: 'rutland' }, { hate_flag: true, locality: 'rutland' }] },
      query: { count: indicatorQuery(getIndicator('hate_crime')) },
      params: { from: '2024-04-01', to: '2025-03-31' },
      expected: [{ month: '2024-06', locality: 'rutland', count: 2 }],
    },
    {
      name: 'residential burglary: the group and the type both',
      tables: { police_crime: [
        { offence_group: 'burglary', burglary_type: 'residential', locality: 'blaby' }, { offence_group: 'burglary', burglary_type: 'business', locality: 'blaby' },
        { offence_group: 'burglary', burglary_type: null, locality: 'blaby' }, { offence_group: 'theft', burglary_type: 'residential', locality: 'blaby' },
      ] },
      query: { count: indicatorQuery(getIndicator('residential_burglary')) },
      params: { from: '2024-04-01', to: '2025-03-31' },
      expected: [{ month: '2024-06', locality: 'blaby', count: 1 }],
    },
    {
      name: 'hospital admissions for violence: emergency admissions with an assault code X85–Y09, by the patient\'s home',
      tables: { hospital_admission: [
        { admission_date: '2025-04-02', admission_method: '21', cause_codes: 'S01.0;X99.1', home_locality: 'leicester' },
        { admission_date: '2025-04-03', admission_method: '22', cause_codes: 'Y04', home_locality: 'leicester' },
        { admission_date: '2025-04-04', admission_method: '21', cause_codes: 'W25', home_locality: 'leicester' },
        { admission_date: '2025-04-05', admission_method: '21', cause_codes: 'Y28', home_locality: 'leicester' },
        { admission_date: '2025-04-06', admission_method: '11', cause_codes: 'X85', home_locality: 'leicester' },
      ] },
      query: { count: indicatorQuery(getIndicator('hospital_admissions_violence')) },
      params: year,
      expected: [{ month: '2025-04', locality: 'leicester', count: 2 }],
    },
    {
      name: 'ASB from the councils: the case-management source, a timestamp placed in its month',
      tables: { asb_incident: [
        { source: 'case_management', reported_at: '2025-04-30 23:59:59', locality: 'melton' }, { source: 'police_call', reported_at: '2025-04-10 10:00:00', locality: 'melton' },
        { source: 'case_management', reported_at: '2025-07-01 00:00:00', locality: 'melton' },
      ] },
      query: { count: indicatorQuery(getIndicator('asb_council')) },
      params: year,
      expected: [{ month: '2025-04', locality: 'melton', count: 1 }],
    },
    {
      name: 'police.uk comparator, all crime: every type but anti-social behaviour, by force and month',
      tables: { police_uk_crime: [
        { month: '2025-04-30', falls_within: 'Leicestershire Police', crime_type: 'Burglary' }, { month: '2025-04-30', falls_within: 'Leicestershire Police', crime_type: 'Anti-social behaviour' },
        { month: '2025-05-31', falls_within: 'Derbyshire Constabulary', crime_type: 'Robbery' }, { month: '2025-07-31', falls_within: 'Derbyshire Constabulary', crime_type: 'Robbery' },
      ] },
      query: { count: comparatorQuery(['*']) },
      params: year,
      expected: [{ force: 'Derbyshire Constabulary', month: '2025-05', count: 1 }, { force: 'Leicestershire Police', month: '2025-04', count: 1 }],
    },
  ],
};
