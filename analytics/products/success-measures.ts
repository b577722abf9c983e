import { getIndicator, indicatorDate } from '../../schemas/indicators.ts';
import { financialYear, monthsOf, yearStarting } from '../financial-year.ts';
import { and, between, col, date, month, param, type CountQuery, type Engine, type Expr } from '../ir.ts';
import { filterExpr } from './indicator-query.ts';
import type { Audience } from '../disclosure.ts';
import type { Table } from '../render/table.ts';

/**
 * The Home Office success measures: each a dataset, its date column and a rule, with an all-ages split
 * and an under-25 split. As here, for the analyst audience (analysts and the performance lead: the official
 * return), not disclosure-controlled; what CSP officers see is `countMeasures` in ./csp-release.ts.
 */
export const DEFAULT_BASELINE = '2019-20';

interface MeasureDefinition {
  id: 'hospital_admissions_sharp_object' | 'knife_serious_violence' | 'homicide';
  title: string;
  dataset: string;
  date: string;
  rule: Expr;
  under25: Expr;
}

/** The Home Office measures' rules are their indicators' (schemas/indicators.ts). */
export const measureDefinitions: MeasureDefinition[] = (['hospital_admissions_sharp_object', 'knife_serious_violence', 'homicide'] as const).map((id) => {
  const indicator = getIndicator(id);
  return { id, title: indicator.title, dataset: indicator.dataset, date: indicatorDate(indicator), rule: filterExpr(indicator.filter!), under25: filterExpr(indicator.homeOffice!.under25) };
});

/** Counts are numbers for the analyst audience; for the CSP audience a withheld count is null. */
export interface MeasureResult<N extends number | null = number> {
  id: MeasureDefinition['id'];
  split: 'all_ages' | 'under_25';
  count: N;
  baseline_count: N;
  change_vs_baseline_pct: number | null;
  previous_count: N;
  change_vs_previous_pct: number | null;
  monthly: { month: string; count: N }[];
  rolling_12_months: { month: string; count: N }[];
}

export interface MeasuresResult<N extends number | null = number> { period: string; baseline: string; audience: Audience; measures: MeasureResult<N>[] }

export const pct = (now: number | null, then: number | null) => (now === null || then === null || then === 0 ? null : Math.round(((now - then) / then) * 1000) / 10);

/** The queries the measures need: monthly counts from the earliest year compared up to the period's end. */
export function measureQueries(period: string, baseline: string): { def: MeasureDefinition; split: MeasureResult['split']; query: CountQuery }[] {
  financialYear(period);
  financialYear(baseline);
  return measureDefinitions.flatMap((def) => (['all_ages', 'under_25'] as const).map((split) => ({
    def,
    split,
    query: {
      from: def.dataset,
      where: and(def.rule, between(col(def.date), date(param('from')), date(param('to'))), ...(split === 'under_25' ? [def.under25] : [])),
      groupBy: { month: month(col(def.date)) },
    },
  })));
}

/** Runs the success measures on an engine; all post-processing (sums, % changes, rolling series) happens here. */
export async function successMeasures(engine: Engine, period: string, baseline = DEFAULT_BASELINE): Promise<MeasuresResult> {
  const year = financialYear(period);
  const base = financialYear(baseline);
  const previous = yearStarting(year.startYear - 1);
  const from = [base.from, previous.from].sort()[0];
  const measures: MeasureResult[] = [];
  for (const { def, split, query } of measureQueries(period, baseline)) {
    const rows = await engine.count(query, { from, to: year.to });
    const byMonth = new Map(rows.map((r) => [String(r.month), Number(r.count)]));
    const total = (months: string[]) => months.reduce((n, m) => n + (byMonth.get(m) ?? 0), 0);
    const months = monthsOf(year);
    const trailing = [...monthsOf(previous), ...months];
    const count = total(months);
    const baselineCount = total(monthsOf(base));
    const previousCount = total(monthsOf(previous));
    measures.push({
      id: def.id, split, count,
      baseline_count: baselineCount, change_vs_baseline_pct: pct(count, baselineCount),
      previous_count: previousCount, change_vs_previous_pct: pct(count, previousCount),
      monthly: months.map((month) => ({ month, count: byMonth.get(month) ?? 0 })),
      rolling_12_months: months.map((month, i) => ({ month, count: total(trailing.slice(i + 1, i + 13)) })),
    });
  }
  return { period, baseline, audience: 'analyst', measures };
}

/** The Home Office return as tables: one summary row per measure and split, and the monthly series. */
export function measuresTables(result: MeasuresResult<number | null>): Table[] {
  return [
    {
      name: 'Summary',
      columns: ['measure', 'split', 'period', 'count', 'baseline', 'baseline_count', 'change_vs_baseline_pct', 'previous_count', 'change_vs_previous_pct'],
      rows: result.measures.map((m) => [m.id, m.split, result.period, m.count, result.baseline, m.baseline_count, m.change_vs_baseline_pct, m.previous_count, m.change_vs_previous_pct]),
    },
    {
      name: 'Monthly',
      columns: ['measure', 'split', 'month', 'count', 'rolling_12_months'],
      rows: result.measures.flatMap((m) => m.monthly.map((point, i) => [m.id, m.split, point.month, point.count, m.rolling_12_months[i]?.count ?? null])),
    },
  ];
}
