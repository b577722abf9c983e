import type { ColumnType } from '../../schemas/dataset.ts';
import { codeLists } from '../../schemas/code-lists.ts';
import { dayNumber, millisToDay } from '../../analytics/dates.ts';
import { normaliseNhsNumber, normaliseUpn, parsePostcode, type PostcodeParts } from './identifiers.ts';

/**
 * Parsers for one cell of each column type. A parser gets the trimmed, non-empty text and returns the value or a
 * CellError. Messages describe what was expected and never quote the value: it may be an identity field.
 */
export class CellError {
  constructor(readonly code: string, readonly message: string) {}
}

export type CellValue = string | number | boolean | PostcodeParts | null;
export type CellParser = (text: string, today: number) => CellValue | CellError;

const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_UK = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DATETIME_UK = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const INT = /^[+-]?\d+$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const LSOA = /^[EW]0[12]\d{6}$/;
const ICD10 = /^([A-Z]\d{2})\.?([0-9A-Z]{0,4})$/;

const notAfterToday = (day: number, today: number) =>
  day > today ? new CellError('future_date', 'date is in the future') : day;

function parseDate(text: string, today: number): number | CellError {
  let m = DATE_ISO.exec(text);
  let day: number | null = null;
  if (m) day = dayNumber(+m[1], +m[2], +m[3]);
  else if ((m = DATE_UK.exec(text))) day = dayNumber(+m[3], +m[2], +m[1]);
  else return new CellError('invalid_date', 'not a date in the form YYYY-MM-DD or DD/MM/YYYY');
  if (day === null) return new CellError('invalid_date', 'not a real calendar date');
  return notAfterToday(day, today);
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** Datetimes are kept as UK wall-clock time (a naive timestamp, as partners record them). */
function parseDatetime(text: string, today: number): number | CellError {
  let m = DATETIME.exec(text);
  let parts: number[];
  let zone: string | undefined;
  if (m) { parts = [+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)]; zone = m[7]; }
  else if ((m = DATETIME_UK.exec(text))) parts = [+m[3], +m[2], +m[1], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
  else return new CellError('invalid_datetime', 'not an ISO 8601 date and time (e.g. 2024-05-03T21:14)');
  const [y, mo, d, h, mi, s] = parts;
  if (dayNumber(y, mo, d) === null || h > 23 || mi > 59 || s > 59) return new CellError('invalid_datetime', 'not a real date and time');
  let millis = Date.UTC(y, mo - 1, d, h, mi, s);
  if (zone) {
    const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (+zone.slice(1, 3) * 60 + +zone.slice(-2)) * 60_000;
    const local = Object.fromEntries(LONDON.formatToParts(new Date(millis - offset)).map((p) => [p.type, p.value]));
    millis = Date.UTC(+local.year, +local.month - 1, +local.day, +local.hour, +local.minute, +local.second);
  }
  const checked = notAfterToday(millisToDay(millis), today);
  return checked instanceof CellError ? checked : millis;
}

function enumParser(codeListId: string): CellParser {
  const list = codeLists[codeListId];
  if (!list) throw new Error(`unknown code list ${codeListId}`);
  const lookup = new Map<string, string>();
  for (const value of list.values) lookup.set(value.toLowerCase(), value);
  for (const [alias, value] of Object.entries(list.aliases)) lookup.set(alias.toLowerCase(), value);
  const shown = list.values.length <= 12 ? `: one of ${list.values.join(', ')}` : ` (${list.description})`;
  const error = new CellError('invalid_code', `not a value of the code list ${list.id}${shown}`);
  return (text) => lookup.get(text.toLowerCase()) ?? error;
}

const BOOLEANS = new Map([
  ['true', true], ['yes', true], ['y', true], ['1', true],
  ['false', false], ['no', false], ['n', false], ['0', false],
]);

export function cellParser(type: ColumnType): CellParser {
  switch (type.kind) {
    case 'text': {
      const error = new CellError('too_long', `longer than ${type.maxLength} characters`);
      return (text) => (text.length > type.maxLength ? error : text);
    }
    case 'date': return parseDate;
    case 'month': {
      const error = new CellError('invalid_month', 'not a month in the form YYYY-MM');
      return (text, today) => {
        const m = MONTH.exec(text);
        // Day 0 of the next month is this month's last day.
        const last = m && +m[2] >= 1 && +m[2] <= 12 ? dayNumber(+m[2] === 12 ? +m[1] + 1 : +m[1], +m[2] === 12 ? 1 : +m[2] + 1, 1) : null;
        return last === null ? error : notAfterToday(last - 1, today);
      };
    }
    case 'datetime': return parseDatetime;
    case 'time': {
      const error = new CellError('invalid_time', 'not a time in the form HH:MM');
      return (text) => {
        const m = TIME.exec(text);
        return m ? `${m[1].padStart(2, '0')}:${m[2]}` : error;
      };
    }
    case 'boolean': {
      const error = new CellError('invalid_boolean', 'not one of true/false, yes/no, y/n, 1/0');
      return (text) => BOOLEANS.get(text.toLowerCase()) ?? error;
    }
    case 'enum': return enumParser(type.codeList);
    case 'int': {
      const error = new CellError('invalid_number', `not a whole number from ${type.min} to ${type.max}`);
      return (text) => {
        if (!INT.test(text)) return error;
        const n = Number(text);
        return n < type.min || n > type.max ? error : n;
      };
    }
    case 'number': {
      const error = new CellError('invalid_number', `not a number from ${type.min} to ${type.max}`);
      return (text) => {
        if (!NUMBER.test(text)) return error;
        const n = Number(text);
        return n < type.min || n > type.max ? error : n;
      };
    }
    case 'postcode': {
      const error = new CellError('invalid_postcode', 'not a UK postcode or postcode sector');
      return (text) => parsePostcode(text) ?? error;
    }
    case 'lsoa': {
      const error = new CellError('invalid_lsoa', 'not an LSOA code (E01…/W01…)');
      return (text) => (LSOA.test(text.toUpperCase()) ? text.toUpperCase() : error);
    }
    case 'nhs_number': {
      const error = new CellError('invalid_nhs_number', 'not a 10-digit NHS number with a valid check digit');
      return (text) => normaliseNhsNumber(text) ?? error;
    }
    case 'upn': {
      const error = new CellError('invalid_upn', 'not a 13-character UPN with a valid check letter');
      return (text) => normaliseUpn(text) ?? error;
    }
    case 'icd10_list': {
      const error = new CellError('invalid_icd10', 'not a list of ICD-10 codes separated by ;');
      return (text) => {
        const codes: string[] = [];
        for (const part of text.split(';')) {
          const code = part.trim().toUpperCase();
          if (!code) continue;
          const m = ICD10.exec(code);
          if (!m) return error;
          codes.push(m[2] ? `${m[1]}.${m[2]}` : m[1]);
        }
        return codes.length ? codes.join(';') : error;
      };
    }
  }
}
