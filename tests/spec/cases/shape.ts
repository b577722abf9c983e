import type { Expr, RowQuery } from '../../../analytics/ir.ts';

/** A row query that shows an expression's value beside each row's key: the shape most cases take. */
export const valueOf = (from: string, value: Expr, key = 'record_key'): { rows: RowQuery } => ({ rows: { from, select: { key: { col: key }, value } } });
