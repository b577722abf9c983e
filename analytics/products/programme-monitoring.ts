import type { Agreement } from '../../schemas/agreement.ts';
import { onwardReferralKinds } from '../../schemas/datasets/programme-delivery.ts';
import { ageBands, codeLists } from '../../schemas/code-lists.ts';
import type { Programme } from '../../schemas/programmes.ts';
import { isoToDay } from '../dates.ts';
import { maxSuppressed, Publication, type Audience, type Counted, type SuppressedCount } from '../disclosure.ts';
import { financialYear, monthsOf } from '../financial-year.ts';
import { col, eq, param, type Engine, type ResultRow, type RowQuery } from '../ir.ts';

/**
 * A programme's monitoring over a financial year, from its providers' delivery extracts: referrals by source, starts
 * and the days from referral to start, sessions offered and attended, exits by reason, onward referrals, the change
 * in its pre/post measure, who it reached (age band, sex, locality, strand), month by month. One row query of the
 * description (run by either engine), the arithmetic after it; every count is a cell of one publication, so the
 * programme lead and the performance lead see it disclosure-controlled.
 */
export interface MonitoringRequest { programme: string; period: string; audience: Audience }

type Cells = { key: string; count: SuppressedCount }[];
export interface Monitoring {
  programme: string;
  name: string;
  period: string;
  audience: Audience;
  referrals: { total: SuppressedCount; by_source: Cells };
  starts: { total: SuppressedCount; not_started: SuppressedCount; days_to_start_median: number | null; days_to_start_mean: number | null };
  engagement: { sessions_offered: number | null; sessions_attended: number | null; attendance_pct: number | null };
  exits: { total: SuppressedCount; by_reason: Cells };
  onward_referrals: { total: SuppressedCount; by_kind: Cells };
  measure: { id: string; name: string; better: 'higher' | 'lower'; scored: SuppressedCount; pre_mean: number | null; post_mean: number | null; change_mean: number | null } | null;
  reached: { age_band: Cells; sex: Cells; locality: Cells; strand: Cells };
  monthly: { month: string; referrals: SuppressedCount; starts: SuppressedCount; exits: SuppressedCount }[];
}

export const deliveryQuery: RowQuery = {
  from: 'programme_delivery',
  where: eq(col('programme'), param('programme')),
  select: {
    referral_date: col('referral_date'), referral_source: col('referral_source'), start_date: col('start_date'), end_date: col('end_date'),
    exit_reason: col('exit_reason'), sessions_offered: col('sessions_offered'), sessions_attended: col('sessions_attended'),
    pre_score: col('pre_score'), post_score: col('post_score'), age_band: col('age_band'), sex: col('sex'), locality: col('home_locality'),
    strand: col('strand'), ...Object.fromEntries(onwardReferralKinds.map((k) => [`onward_${k}`, col(`onward_${k}`)])),
  },
};

const NOT_RECORDED = 'not_recorded';
const dayOf = (v: unknown) => (v === null || v === undefined ? null : isoToDay(String(v).slice(0, 10)));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const round1 = (x: number) => Math.round(x * 10) / 10;

export function programmeOf(programmes: Programme[], id: string): Programme {
  const programme = programmes.find((p) => p.id === id);
  if (!programme) throw new RangeError(`unknown programme "${id}"; known: ${programmes.map((p) => p.id).join(', ')}`);
  return programme;
}

export async function countMonitoring(engine: Engine, agreement: Agreement, programmes: Programme[], request: MonitoringRequest): Promise<Counted<Monitoring>> {
  const programme = programmeOf(programmes, request.programme);
  const year = financialYear(request.period);
  const rows = await engine.rows(deliveryQuery, { programme: programme.id });
  return monitoringOf(rows, programme, agreement, year.label, request.audience);
}

/** The arithmetic after the query: pure, so a test can give it rows. */
export function monitoringOf(rows: ResultRow[], programme: Programme, agreement: Agreement, period: string, audience: Audience): Counted<Monitoring> {
  const year = financialYear(period);
  const from = isoToDay(year.from)!, to = isoToDay(year.to)!;
  const within = (d: number | null) => d !== null && d >= from && d <= to;
  const referred = rows.filter((r) => within(dayOf(r.referral_date)));
  const started = rows.filter((r) => within(dayOf(r.start_date)));
  const exited = rows.filter((r) => within(dayOf(r.end_date)));
  const cells = new Publication();
  const max = maxSuppressed(agreement, 'programme_delivery');
  const cell = (n: number) => cells.cell(n, max);
  /** A breakdown of a total: a cell per key (the listed keys first, then any others seen), on one line with it. */
  const breakdown = (total: number, list: ResultRow[], key: (r: ResultRow) => string | null, keys: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const r of list) { const k = key(r) ?? NOT_RECORDED; counts.set(k, (counts.get(k) ?? 0) + 1); }
    const all = [...keys, ...[...counts.keys()].filter((k) => !keys.includes(k)).sort()];
    const parts = all.map((k) => ({ key: k, cell: cell(counts.get(k) ?? 0) }));
    cells.line(total, parts.map((p) => p.cell));
    return parts;
  };
  const text = (c: string) => (r: ResultRow) => (r[c] === null || r[c] === undefined || r[c] === '' ? null : String(r[c]));

  const referrals = cell(referred.length);
  const notStarted = cell(referred.filter((r) => dayOf(r.start_date) === null).length);
  const bySource = breakdown(referrals, referred, text('referral_source'), codeLists.referral_source.values.filter((s) => programme.referralRoutes.includes(s as never)));
  const starts = cell(started.length);
  const waits = started.map((r) => dayOf(r.start_date)! - dayOf(r.referral_date)!).sort((a, b) => a - b);
  const exits = cell(exited.length);
  const byReason = breakdown(exits, exited, text('exit_reason'), codeLists.exit_reason.values);
  const onwardCounts = onwardReferralKinds.map((k) => started.reduce((n, r) => n + (num(r[`onward_${k}`]) ?? 0), 0));
  const onwardTotal = cell(onwardCounts.reduce((a, b) => a + b, 0));
  const byKind = onwardReferralKinds.map((k, i) => ({ key: k, cell: cell(onwardCounts[i]) }));
  cells.line(onwardTotal, byKind.map((k) => k.cell));
  const m = programme.measure;
  const scoredRows = m ? exited.filter((r) => {
    const [pre, post] = [num(r.pre_score), num(r.post_score)];
    return pre !== null && post !== null && pre >= m.min && pre <= m.max && post >= m.min && post <= m.max;
  }) : [];
  const scored = cell(scoredRows.length);
  const ageBand = breakdown(starts, started, text('age_band'), ageBands.map((b) => b.band).filter((b) => ageBands.some((x) => x.band === b && x.to >= programme.ageFrom && x.from <= programme.ageTo)));
  const sex = breakdown(starts, started, text('sex'), codeLists.sex.values);
  const locality = breakdown(starts, started, (r) => (r.locality === 'unknown' ? null : text('locality')(r)), []);
  const strand = programme.strands.length ? breakdown(starts, started, text('strand'), programme.strands.map((s) => s.id)) : [];
  const months = monthsOf(year);
  const monthly = (list: ResultRow[], column: string, total: number) => {
    const parts = months.map((month) => cell(list.filter((r) => String(r[column]).slice(0, 7) === month).length));
    cells.line(total, parts);
    return parts;
  };
  const mReferrals = monthly(referred, 'referral_date', referrals), mStarts = monthly(started, 'start_date', starts), mExits = monthly(exited, 'end_date', exits);
  const offered = started.reduce((n, r) => n + (num(r.sessions_offered) ?? 0), 0);
  const attended = started.reduce((n, r) => n + (num(r.sessions_attended) ?? 0), 0);
  const meanOf = (xs: number[]) => (xs.length ? round1(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

  return {
    audience, cells,
    answer: (show) => {
      const list = (parts: { key: string; cell: number }[]) => parts.map((p) => ({ key: p.key, count: show(p.cell) }));
      // Figures about people (sums, means, a median) are shown only where the count of the people behind them is.
      const startsShown = !show(starts).suppressed && started.length > 0;
      const scoredShown = !show(scored).suppressed && scoredRows.length > 0;
      return {
        programme: programme.id, name: programme.name, period: year.label, audience,
        referrals: { total: show(referrals), by_source: list(bySource) },
        starts: {
          total: show(starts), not_started: show(notStarted),
          days_to_start_median: startsShown ? waits[Math.floor((waits.length - 1) / 2)] : null,
          days_to_start_mean: startsShown ? meanOf(waits) : null,
        },
        engagement: {
          sessions_offered: startsShown ? offered : null, sessions_attended: startsShown ? attended : null,
          attendance_pct: startsShown && offered > 0 ? round1((100 * attended) / offered) : null,
        },
        exits: { total: show(exits), by_reason: list(byReason) },
        onward_referrals: { total: show(onwardTotal), by_kind: list(byKind) },
        measure: m ? {
          id: m.id, name: m.name, better: m.better, scored: show(scored),
          pre_mean: scoredShown ? meanOf(scoredRows.map((r) => num(r.pre_score)!)) : null,
          post_mean: scoredShown ? meanOf(scoredRows.map((r) => num(r.post_score)!)) : null,
          change_mean: scoredShown ? meanOf(scoredRows.map((r) => num(r.post_score)! - num(r.pre_score)!)) : null,
        } : null,
        reached: { age_band: list(ageBand), sex: list(sex), locality: list(locality), strand: list(strand) },
        monthly: months.map((month, i) => ({ month, referrals: show(mReferrals[i]), starts: show(mStarts[i]), exits: show(mExits[i]) })),
      };
    },
  };
}
