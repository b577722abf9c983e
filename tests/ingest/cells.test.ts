import { describe, expect, it } from 'vitest';
import { CellError, cellParser } from '../../functions/ingest/cells.ts';
import { dayToIso, isoToDay } from '../../analytics/dates.ts';

const today = isoToDay('2025-11-01')!;
const parse = (kind: Parameters<typeof cellParser>[0], text: string) => {
  const value = cellParser(kind)(text, today);
  return value instanceof CellError ? value.code : value;
};
const iso = (ms: unknown) => new Date(ms as number).toISOString().slice(0, 16);

describe('cell parsers', () => {
  it.each([
    ['2024-02-29', '2024-02-29'], ['29/02/2024', '2024-02-29'], ['1/3/2024', '2024-03-01'],
    ['2023-02-29', 'invalid_date'], ['2024-13-01', 'invalid_date'], ['31/04/2024', 'invalid_date'],
    ['2024-1-5', 'invalid_date'], ['2025-11-02', 'future_date'], ['2025-11-01', '2025-11-01'],
  ])('date %s → %s', (text, expected) => {
    const value = parse({ kind: 'date' }, text);
    expect(typeof value === 'number' ? dayToIso(value) : value).toBe(expected);
  });

  it.each([
    ['2024-07-01T21:14', '2024-07-01T21:14'], ['2024-07-01 21:14:59', '2024-07-01T21:14'], ['2024-07-01', '2024-07-01T00:00'],
    ['01/07/2024 21:14', '2024-07-01T21:14'],
    // instants with a zone are kept as UK wall-clock time: BST in July, GMT in January
    ['2024-07-01T12:00:00Z', '2024-07-01T13:00'], ['2024-01-15T12:00:00Z', '2024-01-15T12:00'], ['2024-07-01T12:00:00+02:00', '2024-07-01T11:00'],
    ['2024-07-01T24:00', 'invalid_datetime'], ['2024-02-30T10:00', 'invalid_datetime'], ['yesterday', 'invalid_datetime'],
    ['2026-01-01T00:00', 'future_date'],
  ])('datetime %s → %s', (text, expected) => {
    const value = parse({ kind: 'datetime' }, text);
    expect(typeof value === 'number' ? iso(value) : value).toBe(expected);
  });

  it.each([['7:05', '07:05'], ['23:59', '23:59'], ['21:14:30', '21:14'], ['24:00', 'invalid_time'], ['12.30', 'invalid_time']])('time %s → %s', (text, expected) => {
    expect(parse({ kind: 'time' }, text)).toBe(expected);
  });

  it.each([['Y', true], ['no', false], ['TRUE', true], ['0', false], ['x', 'invalid_boolean']])('boolean %s → %s', (text, expected) => {
    expect(parse({ kind: 'boolean' }, text)).toBe(expected);
  });

  it('enums match in any case and map aliases; other values are refused', () => {
    expect(parse({ kind: 'enum', codeList: 'exclusion_category' }, 'perm')).toBe('permanent_exclusion');
    expect(parse({ kind: 'enum', codeList: 'sex' }, 'Female')).toBe('female');
    expect(parse({ kind: 'enum', codeList: 'sex' }, 'F')).toBe('invalid_code');
    expect(parse({ kind: 'enum', codeList: 'ho_offence_code' }, '8n')).toBe('8N');
  });

  it('postcodes: full or sector, any spacing; districts alone are not enough', () => {
    expect(parse({ kind: 'postcode' }, 'le1 5ab')).toEqual({ district: 'LE1', sector: 'LE1 5', full: true, unit: 'LE1 5AB' });
    expect(parse({ kind: 'postcode' }, 'LE67  9')).toEqual({ district: 'LE67', sector: 'LE67 9', full: false, unit: null });
    expect(parse({ kind: 'postcode' }, 'LE1')).toBe('invalid_postcode');
  });
});
