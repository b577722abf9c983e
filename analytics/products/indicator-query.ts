import { indicatorDate, indicatorLocality, indicatorLsoa, type Filter, type Indicator } from '../../schemas/indicators.ts';
import { and, between, col, date, eq, isIn, lit, lt, month, or, param, type CountQuery, type Expr } from '../ir.ts';

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

