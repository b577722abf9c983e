import { parsePeriod } from '../../analytics/financial-year.ts';
import type { ExportAbout } from '../../analytics/render/labels.ts';
import type { Platform } from '../platform/platform.ts';

/** The latest date any extract covers, not after today (a period stated into the future does not count); null: no data. */
export async function dataTo(platform: Pick<Platform, 'catalog' | 'now'>): Promise<string | null> {
  const { extracts } = await platform.catalog.read();
  const today = platform.now().toISOString().slice(0, 10);
  return extracts.map((e) => e.period_to).filter((d): d is string => !!d && d <= today).sort().pop() ?? null;
}

/**
 * Each dataset's latest date its partners' extracts cover, not after today: a dataset no extract covers is
 * null. The performance framework's `data_to`: a part-year is compared only over the months every dataset covers.
 */
export async function dataToByDataset(platform: Pick<Platform, 'catalog' | 'now'>): Promise<Record<string, string | null>> {
  const { extracts } = await platform.catalog.read();
  const today = platform.now().toISOString().slice(0, 10);
  const out: Record<string, string | null> = {};
  for (const e of extracts) {
    const to = e.period_to && e.period_to <= today ? e.period_to : null;
    if (to && (!out[e.dataset] || to > out[e.dataset]!)) out[e.dataset] = to;
    else out[e.dataset] ??= null;
  }
  return out;
}

/** The name the exports carry (one place, for when the deployment's configuration names the VRU). */
export const vruName = (platform: Platform) => platform.deployment.names.vru;

/** What any product request may carry: a cohort's date, or another product's period. */
type Dated = { product: string; asOf?: unknown; period?: unknown };

const periodOf = (request: Dated) => (typeof request.asOf === 'string' ? `as of ${request.asOf}` : typeof request.period === 'string' ? request.period : '');

export async function exportAbout(platform: Platform, request: Dated): Promise<ExportAbout> {
  return {
    vru: vruName(platform), period: periodOf(request), dataTo: await dataTo(platform), producedAt: platform.now().toISOString(),
    names: Object.fromEntries([
      ...platform.area.localities.map((l) => [l.slug, l.name]), ...platform.area.panels.map((p) => [p.id, p.name]),
      ...platform.agreement.partners.map((p) => [p.id, p.name]),
    ]),
  };
}

/**
 * A request for a time the data does not reach yet is said to be so, rather than answered with zeros: a cohort
 * after the data's last date, or a year that starts after it. (The caller's mistake: the API's 400, the CLI's exit 2.)
 */
export async function beyondTheData(platform: Platform, request: Dated): Promise<string | null> {
  const last = await dataTo(platform);
  if (!last) return null;
  if (typeof request.asOf === 'string') {
    return request.asOf > last ? `as of ${request.asOf} is after the data, which runs to ${last}: choose a date on or before ${last}` : null;
  }
  if (typeof request.period !== 'string') return null;
  let start: string;
  try {
    start = parsePeriod(request.period).from;
  } catch {
    return null; // a malformed year is said by the product itself
  }
  return start > last ? `${request.period} starts after the data, which runs to ${last}: choose a period that starts on or before ${last}` : null;
}
