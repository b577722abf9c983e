import type { Dataset } from '../schemas/dataset.ts';
import { dayToIso, isoToDay } from './dates.ts';

/** What the supersession rule reads of an accepted extract (the catalog's entries carry more). */
export interface CountedExtract {
  upload_id: string;
  dataset: string;
  partner: string;
  /** The period the extract covers (event datasets); null for undated snapshots. */
  period_from: string | null;
  period_to: string | null;
  file: string;
  /** Order of acceptance: later extracts win. */
  seq: number;
}

/** The rows of one extract that count: all of them (snapshots), or those whose event date is in [from, to]. */
export interface CountingPart {
  upload_id: string;
  partner: string;
  file: string;
  from: string | null;
  to: string | null;
}

/**
 * The supersession rule of the agreement. For each partner and dataset, the rows that count for a date are those
 * of the latest accepted extract whose period covers that date; for a snapshot dataset the partner's latest
 * extract replaces its earlier ones. Later extracts are found first and claim their period; an earlier extract
 * keeps only the parts of its period that no later one claimed.
 */
export function countingParts(dataset: Dataset, extracts: CountedExtract[]): CountingPart[] {
  const mine = extracts.filter((e) => e.dataset === dataset.id).sort((a, b) => b.seq - a.seq);
  const parts: CountingPart[] = [];
  const claimed = new Map<string, [number, number][]>();
  for (const extract of mine) {
    const taken = claimed.get(extract.partner) ?? [];
    claimed.set(extract.partner, taken);
    if (dataset.kind === 'snapshot') {
      if (taken.length === 0) parts.push({ upload_id: extract.upload_id, partner: extract.partner, file: extract.file, from: null, to: null });
      taken.push([-Infinity, Infinity]);
      continue;
    }
    const from = isoToDay(extract.period_from!)!;
    const to = isoToDay(extract.period_to!)!;
    for (const [a, b] of subtract([from, to], taken)) {
      parts.push({ upload_id: extract.upload_id, partner: extract.partner, file: extract.file, from: dayToIso(a), to: dayToIso(b) });
    }
    taken.push([from, to]);
  }
  return parts.sort((x, y) => (x.upload_id + x.from).localeCompare(y.upload_id + y.from));
}

/**
 * Whether all of an extract's rows still count: no later extract of the same partner and dataset covers any day of
 * its period (for a snapshot dataset: it is the partner's latest). Uploading such an extract again changes nothing;
 * uploading any other earlier extract again makes it the latest for its period.
 */
export function countsWhole(dataset: Dataset, extracts: CountedExtract[], extract: CountedExtract): boolean {
  const later = extracts.filter((e) => e.seq > extract.seq && e.dataset === extract.dataset && e.partner === extract.partner);
  if (dataset.kind === 'snapshot') return later.length === 0;
  const [from, to] = [isoToDay(extract.period_from!)!, isoToDay(extract.period_to!)!];
  return later.every((e) => isoToDay(e.period_to!)! < from || isoToDay(e.period_from!)! > to);
}

/** [from, to] (inclusive days) minus the union of the taken intervals. */
function subtract([from, to]: [number, number], taken: [number, number][]): [number, number][] {
  let pieces: [number, number][] = [[from, to]];
  for (const [a, b] of taken) {
    pieces = pieces.flatMap(([x, y]): [number, number][] => {
      if (b < x || a > y) return [[x, y]];
      const left: [number, number][] = a > x ? [[x, a - 1]] : [];
      const right: [number, number][] = b < y ? [[b + 1, y]] : [];
      return [...left, ...right];
    });
  }
  return pieces;
}

/** Extracts whose counting rows the newest extract took over (what an ingest report lists as superseded). */
export function supersededBy(dataset: Dataset, before: CountedExtract[], after: CountedExtract[]): string[] {
  // Only the newest extract's partner can lose rows to it.
  const newest = after[after.length - 1];
  const theirs = (extracts: CountedExtract[]) => extracts.filter((e) => e.partner === newest?.partner);
  [before, after] = [theirs(before), theirs(after)];
  const days = (parts: CountingPart[]) => {
    const total = new Map<string, number>();
    for (const p of parts) {
      const span = p.from === null ? Infinity : isoToDay(p.to!)! - isoToDay(p.from)! + 1;
      total.set(p.upload_id, (total.get(p.upload_id) ?? 0) + span);
    }
    return total;
  };
  const was = days(countingParts(dataset, before));
  const now = days(countingParts(dataset, after));
  return [...was.entries()].filter(([id, span]) => (now.get(id) ?? 0) < span).map(([id]) => id).sort();
}
