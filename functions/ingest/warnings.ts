import { UNKNOWN_LOCALITY } from '../../schemas/area/index.ts';
import type { Dataset } from '../../schemas/dataset.ts';
import { personColumns } from '../../schemas/stored.ts';
import { isoToDay } from '../../analytics/dates.ts';
import type { Platform } from '../platform/platform.ts';
import { getJson } from '../platform/storage/port.ts';
import { reportKey, type IngestReport } from './report.ts';

/** What looks like a mistake but rejects nothing: the extract is stored as sent, and the report says why to look. */
export interface IngestWarning {
  code: 'column_not_sent' | 'outside_area' | 'unusual_period';
  column: string | null;
  message: string;
  /** Rows the warning is about, where it is about rows. */
  rows?: number;
}

/** A period this many times shorter or longer than the partner's usual (their median) is worth a second look. */
const UNUSUAL_PERIOD_FACTOR = 2;

/**
 * Counts accepted rows whose postcode was given but falls outside the area (its locality could not be found), by
 * the postcode's column. Where a row's place is unresolved for want of a postcode it is not counted.
 */
export function outsideAreaCounter(dataset: Dataset, columns: readonly { name: string }[]) {
  const homes = new Map(personColumns(dataset).filter((p) => p.homeLocality).map((p) => [p.person, p.homeLocality!]));
  const placed = dataset.columns.flatMap((c) => {
    if (c.type.kind !== 'postcode') return [];
    if (c.location) return [{ column: c.name, locality: c.location.locality }];
    const home = c.identity === 'home_postcode' && c.person ? homes.get(c.person) : undefined;
    return home ? [{ column: c.name, locality: home }] : [];
  }).map((p) => ({ column: p.column, at: columns.findIndex((s) => s.name === p.locality) })).filter((p) => p.at >= 0);
  const counts = new Map<string, number>();
  return {
    /** `stored`: the row's stored values, by the position of `columns`. */
    count(row: Record<string, unknown>, stored: readonly unknown[]) {
      for (const p of placed) {
        if (row[p.column] != null && stored[p.at] === UNKNOWN_LOCALITY) counts.set(p.column, (counts.get(p.column) ?? 0) + 1);
      }
    },
    warnings(areaName: string): IngestWarning[] {
      return [...counts].map(([column, rows]) => ({
        code: 'outside_area', column, rows,
        message: `${rows} row(s) have a ${column} outside ${areaName}: they are kept, under locality "unknown"; check the postcodes if the events were in the area`,
      }));
    },
  };
}

const days = (from: string | null, to: string | null) => {
  const a = from ? isoToDay(from) : null, b = to ? isoToDay(to) : null;
  return a === null || b === null ? null : b - a + 1;
};

/** Warnings against the partner's earlier extracts of the dataset (the catalog holds this one already): a column they sent last time, a period unlike theirs. */
export async function historyWarnings(
  platform: Platform, dataset: Dataset, partner: string,
  upload: { upload_id: string; columns_sent: string[]; period_from: string | null; period_to: string | null },
): Promise<IngestWarning[]> {
  const earlier = (await platform.catalog.read()).extracts
    .filter((e) => e.dataset === dataset.id && e.partner === partner && e.upload_id !== upload.upload_id)
    .sort((a, b) => a.accepted_at.localeCompare(b.accepted_at));
  const warnings: IngestWarning[] = [];
  const last = earlier.at(-1);
  const lastReport = last ? (await getJson<IngestReport>(platform.storage, reportKey(last.upload_id)))?.value : undefined;
  const sent = new Set(upload.columns_sent);
  for (const column of lastReport?.columns_sent ?? []) {
    if (sent.has(column)) continue;
    warnings.push({ code: 'column_not_sent', column, message: `${column} is not in this file, but was in your last extract (upload ${last!.upload_id}): its values are empty for this period` });
  }
  const length = days(upload.period_from, upload.period_to);
  const usual = earlier.map((e) => days(e.period_from, e.period_to)).filter((d): d is number => d !== null).sort((a, b) => a - b);
  if (dataset.kind === 'event' && length !== null && usual.length >= 2) {
    const median = usual[Math.floor(usual.length / 2)];
    if (length * UNUSUAL_PERIOD_FACTOR <= median || length >= median * UNUSUAL_PERIOD_FACTOR) {
      warnings.push({ code: 'unusual_period', column: null, message: `the period covers ${length} day(s); your extracts of ${dataset.id} usually cover about ${median}: check period_from and period_to, or the file's dates` });
    }
  }
  return warnings;
}
