/**
 * Dates as day numbers (days since 1970-01-01, UTC) and the shapes of time the data follow: seasons, weekdays,
 * hours of the day, trends over the years, the 2020–21 lockdowns and school terms.
 */

export const DAY = 86_400_000;

/** Day number of a calendar date (no validation: callers pass real dates). */
export const day = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / DAY;

export function parseIso(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`not a date in the form YYYY-MM-DD: ${iso}`);
  const n = day(+m[1], +m[2], +m[3]);
  if (isoDate(n) !== iso) throw new Error(`not a real calendar date: ${iso}`);
  return n;
}

/** Year, month, day of a day number (Howard Hinnant's civil_from_days; no Date objects). */
export function civil(n: number): [number, number, number] {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const p2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

const isoCache = new Map<number, string>();
export function isoDate(n: number): string {
  let s = isoCache.get(n);
  if (s === undefined) {
    const [y, m, d] = civil(n);
    s = `${y}-${p2(m)}-${p2(d)}`;
    if (isoCache.size > 200_000) isoCache.clear();
    isoCache.set(n, s);
  }
  return s;
}

/** `YYYY-MM-DDTHH:MM`, the canonical datetime (formatted per partner when written). */
export const isoDatetime = (n: number, minuteOfDay: number): string =>
  `${isoDate(n)}T${p2(Math.floor(minuteOfDay / 60))}:${p2(minuteOfDay % 60)}`;

export const hhmm = (minuteOfDay: number): string => `${p2(Math.floor(minuteOfDay / 60))}:${p2(minuteOfDay % 60)}`;

/** 0 = Monday … 6 = Sunday. */
export const weekday = (n: number): number => (((n + 3) % 7) + 7) % 7;
export const isWeekend = (n: number): boolean => weekday(n) >= 5;

/** The same calendar date `years` later (29 February becomes 28 February). */
export function addYears(n: number, years: number): number {
  const [y, m, d] = civil(n);
  return day(y + years, m, m === 2 && d === 29 ? 28 : d);
}

export function addMonths(n: number, months: number): number {
  const [y, m, d] = civil(n);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12), nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return day(ny, nm, Math.min(d, last));
}

/** Whole years from a birth date to a later date. */
export function ageOn(birth: number, on: number): number {
  const [by, bm, bd] = civil(birth);
  const [y, m, d] = civil(on);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Day of the year, 0-based. */
export const dayOfYear = (n: number): number => n - day(civil(n)[0], 1, 1);

/** A yearly wave: 1 ± amplitude, peaking on the given day of the year (about 196 = mid July). */
export const season = (n: number, amplitude: number, peakDay = 196): number =>
  1 + amplitude * Math.cos((2 * Math.PI * (dayOfYear(n) - peakDay)) / 365.25);

/** Years elapsed since a start day, fractional. */
export const yearsSince = (n: number, start: number): number => (n - start) / 365.25;

/** Multipliers by weekday (Monday first). */
export const VIOLENCE_WEEKDAY = [0.9, 0.87, 0.9, 0.95, 1.1, 1.22, 1.1];
export const ASB_WEEKDAY = [0.93, 0.92, 0.94, 0.98, 1.1, 1.12, 1.01];
export const OTHER_WEEKDAY = [1.04, 1.03, 1.02, 1.02, 1.04, 0.93, 0.92];

/** Hour-of-day weights (0–23). */
export const VIOLENCE_HOURS = [6, 5, 4, 2.5, 1.5, 1, 1, 1.2, 1.6, 2, 2.3, 2.6, 3, 3.2, 3.4, 3.8, 4.4, 5, 5.6, 6.2, 6.6, 6.8, 7, 6.8];
export const ASB_HOURS = [2.5, 1.8, 1.2, 0.8, 0.5, 0.4, 0.5, 0.8, 1.5, 2.2, 2.8, 3.2, 3.6, 3.8, 4, 4.6, 5.4, 6.4, 7, 7.2, 7, 6.2, 5, 3.6];
export const OTHER_HOURS = [2, 1.6, 1.4, 1.2, 1, 1, 1.4, 2.2, 3.2, 4, 4.4, 4.6, 4.8, 4.8, 4.8, 4.8, 4.9, 5, 4.8, 4.4, 3.8, 3.2, 2.8, 2.4];

/** The first national lockdown and the winter one: activity in public places fell, ASB reports rose. */
export function lockdown(n: number): 'first' | 'second' | 'third' | null {
  if (n >= day(2020, 3, 23) && n <= day(2020, 6, 30)) return 'first';
  if (n >= day(2020, 11, 5) && n <= day(2020, 12, 2)) return 'second';
  if (n >= day(2021, 1, 6) && n <= day(2021, 3, 28)) return 'third';
  return null;
}

/** English school term days, approximately: weekdays outside the summer, Christmas, Easter and half-terms. */
export function isSchoolDay(n: number): boolean {
  if (isWeekend(n)) return false;
  const [, m, d] = civil(n);
  if (m === 8) return false;
  if (m === 7 && d > 22) return false;
  if (m === 9 && d < 4) return false;
  if ((m === 12 && d > 19) || (m === 1 && d < 5)) return false;
  if (m === 4 && d < 15) return false; // Easter, near enough
  if (m === 10 && d > 24) return false;
  if (m === 2 && d >= 14 && d <= 20) return false;
  if (m === 5 && d >= 27) return false;
  const first = lockdown(n);
  return first !== 'first' && first !== 'third'; // schools were closed to most pupils
}
