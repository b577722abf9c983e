/** Calendar arithmetic on day numbers (days since 1970-01-01), the form dates take inside the pipeline. */
const DAY_MS = 86_400_000;

export function dayNumber(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || year < 1900 || year > 2999) return null;
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  if (d.getUTCDate() !== day || d.getUTCMonth() !== month - 1) return null;
  return ms / DAY_MS;
}

// Dates of birth and event dates repeat a great deal within an extract; formatting each once keeps ingest fast.
const isoCache = new Map<number, string>();
export const dayToIso = (day: number): string => {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoCache.size < 200_000) isoCache.set(day, iso);
  }
  return iso;
};
export const isoToDay = (iso: string): number | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? dayNumber(+m[1], +m[2], +m[3]) : null;
};
export const todayDay = (now: Date): number => Math.floor(now.getTime() / DAY_MS);
export const millisToDay = (ms: number): number => Math.floor(ms / DAY_MS);

/** Whole years between a date of birth and a later date. */
export function ageOn(birthDay: number, onDay: number): number {
  const b = new Date(birthDay * DAY_MS);
  const o = new Date(onDay * DAY_MS);
  let age = o.getUTCFullYear() - b.getUTCFullYear();
  if (o.getUTCMonth() < b.getUTCMonth() || (o.getUTCMonth() === b.getUTCMonth() && o.getUTCDate() < b.getUTCDate())) age--;
  return age;
}

export const monthOf = (day: number): string => dayToIso(day).slice(0, 7);
