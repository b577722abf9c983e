import { between, col, date, lit, month, param } from '../../../analytics/ir.ts';
import type { SpecCases } from '../runner.ts';
import { valueOf } from './shape.ts';

const offences = (...days: (string | null)[]) => ({ police_crime: days.map((offence_date, i) => ({ record_key: `r${i}`, offence_date })) });
const reports = (...times: string[]) => ({ asb_incident: times.map((reported_at, i) => ({ record_key: `r${i}`, reported_at })) });

export const dateCases: SpecCases = {
  month: [
    { name: 'of a date: YYYY-MM, null for a null', tables: offences('2024-06-30', '2024-07-01', null), query: valueOf('police_crime', month(col('offence_date'))), expected: [{ key: 'r0', value: '2024-06' }, { key: 'r1', value: '2024-07' }, { key: 'r2', value: null }] },
    { name: 'of a timestamp, to the last second of the month', tables: reports('2024-06-30 23:59:59', '2024-07-01 00:00:00'), query: valueOf('asb_incident', month(col('reported_at'))), expected: [{ key: 'r0', value: '2024-06' }, { key: 'r1', value: '2024-07' }] },
    {
      name: 'as a group: counts per month',
      tables: { police_crime: [{ recorded_date: '2024-04-03' }, { recorded_date: '2024-04-30' }, { recorded_date: '2024-05-01' }] },
      query: { count: { from: 'police_crime', groupBy: { month: month(col('recorded_date')) } } },
      expected: [{ month: '2024-04', count: 2 }, { month: '2024-05', count: 1 }],
    },
  ],
  date: [
    {
      name: 'of YYYY-MM-DD parameters: a period, both ends in',
      tables: { police_crime: ['2024-03-31', '2024-04-01', '2025-03-31', '2025-04-01'].map((recorded_date) => ({ recorded_date })) },
      query: { count: { from: 'police_crime', where: between(col('recorded_date'), date(param('from')), date(param('to'))), groupBy: {} } },
      params: { from: '2024-04-01', to: '2025-03-31' },
      expected: [{ count: 2 }],
    },
    { name: 'of a timestamp: its day', tables: reports('2024-06-30 23:59:59', '2024-07-01 00:00:00'), query: valueOf('asb_incident', date(col('reported_at'))), expected: [{ key: 'r0', value: '2024-06-30' }, { key: 'r1', value: '2024-07-01' }] },
    {
      name: 'of a timestamp, compared with a YYYY-MM-DD literal\'s date',
      tables: reports('2024-06-30 23:59:59', '2024-07-01 00:00:00'),
      query: valueOf('asb_incident', { op: 'le', a: date(col('reported_at')), b: date(lit('2024-06-30')) }),
      expected: [{ key: 'r0', value: true }, { key: 'r1', value: false }],
    },
    { name: 'of a date: the same date; of null: null', tables: offences('2024-02-29', null), query: valueOf('police_crime', date(col('offence_date'))), expected: [{ key: 'r0', value: '2024-02-29' }, { key: 'r1', value: null }] },
  ],
  weekday: [
    {
      name: 'of a date: 1 Monday … 7 Sunday, null for a null',
      tables: offences('2024-06-03', '2024-06-08', '2024-06-09', null),
      query: valueOf('police_crime', { op: 'weekday', a: col('offence_date') }),
      expected: [{ key: 'r0', value: 1 }, { key: 'r1', value: 6 }, { key: 'r2', value: 7 }, { key: 'r3', value: null }],
    },
    { name: 'of a timestamp: the weekday of its day', tables: reports('2024-06-09 23:30:00', '2024-06-10 00:30:00'), query: valueOf('asb_incident', { op: 'weekday', a: col('reported_at') }), expected: [{ key: 'r0', value: 7 }, { key: 'r1', value: 1 }] },
  ],
  hour_of_time: [
    {
      name: 'the hour of HH:MM, null for a null',
      tables: { police_crime: ['00:05', '09:30', '23:59', null].map((offence_time, i) => ({ record_key: `r${i}`, offence_time })) },
      query: valueOf('police_crime', { op: 'hour_of_time', a: col('offence_time') }),
      expected: [{ key: 'r0', value: 0 }, { key: 'r1', value: 9 }, { key: 'r2', value: 23 }, { key: 'r3', value: null }],
    },
    {
      name: 'the hour × weekday grid as groups',
      tables: { police_crime: [
        { offence_date: '2024-06-08', offence_time: '22:15' }, { offence_date: '2024-06-08', offence_time: '22:50' },
        { offence_date: '2024-06-09', offence_time: '01:00' },
      ] },
      query: { count: { from: 'police_crime', groupBy: { weekday: { op: 'weekday', a: col('offence_date') }, hour: { op: 'hour_of_time', a: col('offence_time') } } } },
      expected: [{ weekday: 6, hour: 22, count: 2 }, { weekday: 7, hour: 1, count: 1 }],
    },
  ],
};
