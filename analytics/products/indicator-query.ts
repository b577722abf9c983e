import { indicatorDate, indicatorLocality, indicatorLsoa, type Filter, type Indicator } from '../../schemas/indicators.ts';
import { and, between, col, date, eq, isIn, lit, lt, month, or, param, sortRows, type CountQuery, type Expr, type ResultRow } from '../ir.ts';

/** Each indicator as one query description (schemas/indicators.ts is the data; both engines run what this makes). */
/** An indicator's filter as a query description. */
export function filterExpr(f: Filter): Expr {
  if ('all' in f) return and(...f.all.map(filterExpr));
  if ('any' in f) return or(...f.any.map(filterExpr));
  if ('equals' in f) return eq(col(f.column), lit(f.equals));
  if ('in' in f) return isIn(col(f.column), f.in);
  if ('below' in f) return lt(col(f.column), lit(f.below));
  return { op: 'list_has_prefix', a: col(f.column), prefixes: f.prefix, first_only: f.firstOnly ?? false };
}

/** The one query of an indicator: its rows between `from` and `to`, counted by month and locality. */
export function indicatorQuery(indicator: Indicator): CountQuery {
  const day = indicatorDate(indicator);
  const inRange = between(date(col(day)), date(param('from')), date(param('to')));
  return {
    from: indicator.dataset,
    where: indicator.filter ? and(filterExpr(indicator.filter), inRange) : inRange,
    groupBy: { month: month(col(day)), locality: col(indicatorLocality(indicator)) },
  };
}

/** The map's query: the indicator's rows between `from` and `to` that carry an LSOA, counted by locality and LSOA. */
export function indicatorLsoaQuery(indicator: Indicator): CountQuery | null {
  const lsoa = indicatorLsoa(indicator);
  if (!lsoa) return null;
  const day = indicatorDate(indicator);
  const where = and(...(indicator.filter ? [filterExpr(indicator.filter)] : []), between(date(col(day)), date(param('from')), date(param('to'))), { op: 'not_null', a: col(lsoa) });
  return { from: indicator.dataset, where, groupBy: { locality: col(indicatorLocality(indicator)), lsoa: col(lsoa) } };
}

const ALL_CRIME = 'Anti-social behaviour';
/** The police.uk comparator query: counts by force and month of the indicator's police.uk crime types. */
export function comparatorQuery(types: string[]): CountQuery {
  const inRange = between(col('month'), date(param('from')), date(param('to')));
  const kind = types.includes('*') ? { op: 'not' as const, a: eq(col('crime_type'), lit(ALL_CRIME)) } : isIn(col('crime_type'), types);
  return { from: 'police_uk_crime', where: and(kind, inRange), groupBy: { force: col('falls_within'), month: month(col('month')) } };
}


/**
 * Indicators of one dataset and date column as one query: the rows that pass any of their filters, counted by the
 * groups of `query` (an indicator's own query or map query, any of the group's) and by whether each filtered
 * indicator's filter passes (`passes_0`, `passes_1`, …). `byIndicator` turns its rows back into each indicator's.
 */
export function groupedQuery(group: Indicator[], query: (indicator: Indicator) => CountQuery | null): CountQuery | null {
  const [first] = group;
  const own = query({ ...first, filter: undefined });
  if (!own) return null;
  const filters = group.map((i) => (i.filter ? filterExpr(i.filter) : null));
  const any = filters.some((f) => f === null) ? null : or(...(filters as Expr[]));
  const passes = Object.fromEntries(filters.flatMap((f, j) => (f ? [[`passes_${j}`, f]] : [])));
  return { from: own.from, where: any ? and(any, own.where!) : own.where, groupBy: { ...own.groupBy, ...passes } };
}

/** Each indicator's rows of a grouped query's: those its filter passes, counted again by the query's own groups. */
export function byIndicator(group: Indicator[], rows: ResultRow[], keys: string[]): Map<string, ResultRow[]> {
  return new Map(group.map((indicator, j) => {
    const counts = new Map<string, ResultRow>();
    for (const r of rows) {
      if (indicator.filter && r[`passes_${j}`] !== true) continue;
      let key = '';
      for (const k of keys) key += `${r[k] === null ? '\u0001' : String(r[k])}\u0000`;
      const row = counts.get(key);
      if (row) row.count = Number(row.count) + Number(r.count);
      else counts.set(key, { ...Object.fromEntries(keys.map((k) => [k, r[k]])), count: Number(r.count) });
    }
    return [indicator.id, sortRows([...counts.values()], keys)];
  }));
}
