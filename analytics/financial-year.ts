/** Financial years are written 2024-25: 1 April 2024 to 31 March 2025. */
export interface FinancialYear { label: string; from: string; to: string; startYear: number }

export function financialYear(label: string): FinancialYear {
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  if (!m || (Number(m[1]) + 1) % 100 !== Number(m[2])) throw new RangeError(`"${label}" is not a financial year like 2024-25`);
  const start = Number(m[1]);
  return { label, from: `${start}-04-01`, to: `${start + 1}-03-31`, startYear: start };
}

export const yearStarting = (startYear: number) => financialYear(`${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`);

/** The twelve months of a financial year, 'YYYY-MM'. */
export const monthsOf = (year: FinancialYear): string[] =>
  Array.from({ length: 12 }, (_, i) => {
    const month = ((3 + i) % 12) + 1;
    return `${year.startYear + (i >= 9 ? 1 : 0)}-${String(month).padStart(2, '0')}`;
  });

/**
 * A reporting period, the one parser of every form a face takes: a financial year (2024-25), a financial quarter
 * (2025-26-Q1: April to June … Q4: January to March), a year to date (2025-26-YTD: from 1 April to the data's last
 * month) and a rolling twelve months to a month's end (R12-2025-09: October 2024 to September 2025).
 */
export type PeriodKind = 'year' | 'quarter' | 'ytd' | 'rolling';
export interface Period { label: string; kind: PeriodKind; from: string; to: string; months: string[] }

export const periodForms = 'a financial year (2024-25), a quarter (2025-26-Q1), a year to date (2025-26-YTD) or a rolling twelve months (R12-2025-09)';
export const PERIOD_PATTERN = /^(?:\d{4}-\d{2}(?:-Q[1-4]|-YTD)?|R12-\d{4}-(?:0[1-9]|1[0-2]))$/;

/** 'YYYY-MM' moved by n months. */
export function shiftMonth(month: string, n: number): string {
  const i = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}
/** The last day of a 'YYYY-MM' month. */
export const monthEnd = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
const span = (label: string, kind: PeriodKind, months: string[]): Period => ({ label, kind, from: `${months[0]}-01`, to: monthEnd(months[months.length - 1]), months });

export function parsePeriod(label: string): Period {
  const fail = () => new RangeError(`period must be ${periodForms}`);
  if (!PERIOD_PATTERN.test(label)) throw fail();
  const rolling = /^R12-(\d{4})-(\d{2})$/.exec(label);
  if (rolling) {
    const end = `${rolling[1]}-${rolling[2]}`;
    return span(label, 'rolling', Array.from({ length: 12 }, (_, i) => shiftMonth(end, i - 11)));
  }
  let year: FinancialYear;
  try {
    year = financialYear(label.slice(0, 7));
  } catch {
    throw fail();
  }
  const months = monthsOf(year);
  const quarter = /-Q([1-4])$/.exec(label);
  if (quarter) return span(label, 'quarter', months.slice((Number(quarter[1]) - 1) * 3, Number(quarter[1]) * 3));
  return span(label, label.endsWith('-YTD') ? 'ytd' : 'year', months);
}

export const isPeriod = (label: string) => { try { parsePeriod(label); return true; } catch { return false; } };

/**
 * What of a period the data covers: the months that end on or before `dataTo` (a month only part covered is left
 * out, not counted short), and whether that is less than the period. No data: nothing covered.
 */
export function coveredMonths(period: Period, dataTo: string | null): { months: string[]; partial: boolean } {
  const months = dataTo === null ? [] : period.months.filter((m) => monthEnd(m) <= dataTo);
  return { months, partial: months.length < period.months.length };
}

/** The same calendar months `years` years earlier. */
export const yearsEarlier = (months: string[], years: number) => months.map((m) => shiftMonth(m, -12 * years));

/** The months of a financial year with the same calendar months (for a comparison with a baseline year). */
export const sameMonthsIn = (year: FinancialYear, months: string[]) => {
  const of = new Map(monthsOf(year).map((m) => [m.slice(5), m]));
  return [...new Set(months.map((m) => of.get(m.slice(5))!))].sort();
};

/** The label of a period moved `years` years earlier (2025-26-Q1 → 2024-25-Q1, R12-2025-09 → R12-2024-09). */
export function periodEarlier(period: Period, years: number): string {
  if (period.kind === 'rolling') return `R12-${shiftMonth(period.months[11], -12 * years)}`;
  const start = Number(period.label.slice(0, 4)) - years;
  return `${yearStarting(start).label}${period.label.slice(7)}`;
}
