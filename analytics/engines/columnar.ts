import type { Expr, Params, Scalar } from '../ir.ts';

export type Columns = Record<string, Scalar[]>;
/** The value sets of an expression's semi-joins, found before it is evaluated. */
export type Subqueries = Map<Expr, Set<Scalar>>;

/** An expression's values over a table: one for every row (a literal, a parameter, or what they make), or a column. */
type Values = { one: Scalar } | { each: Scalar[] };

/**
 * Interprets expressions over a table's columns, one operation at a time over every row (the reference semantics
 * the SQL compiler must match). What a query asks several times (a window, a dataset test shared by many measures)
 * is worked out once: each expression's values are kept by its text.
 */
export class Frame {
  private readonly known = new Map<string, Values>();
  constructor(readonly columns: Columns, readonly rows: number, private readonly params: Params, private readonly sets: Subqueries = new Map()) {}

  /** The expression's value on each row, as a column (read only: it may be a column of the table). */
  column(e: Expr): Scalar[] {
    const v = this.values(e);
    return 'each' in v ? v.each : new Array(this.rows).fill(v.one);
  }

  /** The rows where a condition is true, in order. */
  passing(e: Expr | undefined, within?: ArrayLike<number>): Int32Array {
    if (!e) return within ? Int32Array.from(within) : Int32Array.from({ length: this.rows }, (_, i) => i);
    const v = this.values(e);
    if ('one' in v) return v.one === true ? this.passing(undefined, within) : new Int32Array(0);
    const test = v.each, out = new Int32Array(within ? within.length : this.rows);
    let n = 0;
    if (within) { for (let k = 0; k < within.length; k++) if (test[within[k]] === true) out[n++] = within[k]; }
    else for (let i = 0; i < this.rows; i++) if (test[i] === true) out[n++] = i;
    return out.slice(0, n);
  }

  values(e: Expr): Values {
    if ('lit' in e) return { one: e.lit };
    if ('param' in e) {
      if (!(e.param in this.params)) throw new Error(`missing parameter ${e.param}`);
      return { one: this.params[e.param] };
    }
    if ('col' in e) {
      const c = this.columns[e.col];
      if (!c) throw new Error(`no column ${e.col}`);
      return { each: c };
    }
    const key = JSON.stringify(e);
    let v = this.known.get(key);
    if (!v) { v = this.operation(e); this.known.set(key, v); }
    return v;
  }

  /** A function of one value over a column (nulls handled by the function). */
  private map(a: Values, f: (v: Scalar) => Scalar): Values {
    if ('one' in a) return { one: f(a.one) };
    const xs = a.each, out: Scalar[] = new Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = f(xs[i] ?? null);
    return { each: out };
  }

  private compare(op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', a: Values, b: Values): Values {
    const test = (x: Scalar, y: Scalar): Scalar => {
      if (x === null || y === null) return null;
      switch (op) {
        case 'eq': return x === y;
        case 'ne': return x !== y;
        case 'lt': return x < y;
        case 'le': return x <= y;
        case 'gt': return x > y;
        case 'ge': return x >= y;
      }
    };
    if ('one' in a && 'one' in b) return { one: test(a.one, b.one) };
    const n = this.rows, out: Scalar[] = new Array(n);
    if ('one' in b || 'one' in a) {
      // The usual shape, a column against a value: one loop a comparison, the value's nulls settled first.
      const flip = 'one' in a, xs = 'each' in a ? a.each : (b as { each: Scalar[] }).each, y = 'one' in a ? a.one : (b as { one: Scalar }).one;
      if (y === null) return { one: null };
      const o = flip ? ({ eq: 'eq', ne: 'ne', lt: 'gt', le: 'ge', gt: 'lt', ge: 'le' } as const)[op] : op;
      switch (o) {
        case 'eq': for (let i = 0; i < n; i++) { const x = xs[i] ?? null; out[i] = x === null ? null : x === y; } break;
        case 'ne': for (let i = 0; i < n; i++) { const x = xs[i] ?? null; out[i] = x === null ? null : x !== y; } break;
        case 'lt': for (let i = 0; i < n; i++) { const x = xs[i] ?? null; out[i] = x === null ? null : x < y; } break;
        case 'le': for (let i = 0; i < n; i++) { const x = xs[i] ?? null; out[i] = x === null ? null : x <= y; } break;
        case 'gt': for (let i = 0; i < n; i++) { const x = xs[i] ?? null; out[i] = x === null ? null : x > y; } break;
        case 'ge': for (let i = 0; i < n; i++) { const x = xs[i] ?? null; out[i] = x === null ? null : x >= y; } break;
      }
      return { each: out };
    }
    const xs = a.each, ys = b.each;
    for (let i = 0; i < n; i++) out[i] = test(xs[i] ?? null, ys[i] ?? null);
    return { each: out };
  }

  private operation(e: Exclude<Expr, { col: string } | { lit: Scalar } | { param: string }>): Values {
    switch (e.op) {
      case 'eq': case 'ne': case 'lt': case 'le': case 'gt': case 'ge': return this.compare(e.op, this.values(e.a), this.values(e.b));
      // Three-valued, as in SQL: false wins an and (true an or) over null, and null wins over the other.
      case 'and': case 'or': {
        const decisive = e.op === 'or';
        let unknown = false;
        const columns: Scalar[][] = [];
        for (const arg of e.args) {
          const v = this.values(arg);
          if ('one' in v) {
            if (v.one === decisive) return { one: decisive };
            if (v.one === null) unknown = true;
          } else columns.push(v.each);
        }
        if (!columns.length) return { one: unknown ? null : !decisive };
        const n = this.rows, out: Scalar[] = new Array(n);
        for (let i = 0; i < n; i++) {
          let r: Scalar = unknown ? null : !decisive;
          for (let k = 0; k < columns.length; k++) {
            const v = columns[k][i] ?? null;
            if (v === decisive) { r = decisive; break; }
            if (v === null) r = null;
          }
          out[i] = r;
        }
        return { each: out };
      }
      case 'not': return this.map(this.values(e.a), (v) => (v === null ? null : !v));
      case 'in': { const set = new Set(e.values); return this.map(this.values(e.a), (v) => (v === null ? null : set.has(v))); }
      case 'is_null': return this.map(this.values(e.a), (v) => v === null);
      case 'not_null': return this.map(this.values(e.a), (v) => v !== null);
      case 'date': return this.map(this.values(e.a), (v) => (v === null ? null : typeof v === 'string' && v.length === 10 ? v : String(v).slice(0, 10)));
      case 'weekday': {
        const days = new Map<string, number>();
        return this.map(this.values(e.a), (v) => {
          if (v === null) return null;
          const day = String(v).slice(0, 10);
          let d = days.get(day);
          if (d === undefined) { d = new Date(`${day}T00:00:00Z`).getUTCDay() || 7; days.set(day, d); }
          return d;
        });
      }
      case 'hour_of_time': return this.map(this.values(e.a), (v) => (v === null ? null : Number(String(v).slice(0, 2))));
      case 'month': return this.map(this.values(e.a), (v) => (v === null ? null : String(v).slice(0, 7)));
      case 'in_rows': {
        const set = this.sets.get(e);
        if (!set) throw new Error(`semi-join on ${e.from} was not resolved`);
        return this.map(this.values(e.a), (v) => (v === null ? null : set.has(v)));
      }
      case 'has_token': {
        const wanted = new Set(e.tokens);
        return this.map(this.values(e.a), (v) => {
          if (v === null) return null;
          const text = String(v), colon = text.indexOf(':'), version = text.slice(0, colon + 1);
          return text.slice(colon + 1).split(' ').some((t) => wanted.has(version + t));
        });
      }
      case 'list_has_prefix':
        return this.map(this.values(e.a), (v) => {
          if (v === null) return null;
          const codes = String(v).split(';');
          return (e.first_only ? codes.slice(0, 1) : codes).some((c) => e.prefixes.some((p) => c.startsWith(p)));
        });
    }
  }
}

/** The values of a column at some rows. */
export function gather(values: Scalar[], at: ArrayLike<number>): Scalar[] {
  const out: Scalar[] = new Array(at.length);
  for (let k = 0; k < at.length; k++) out[k] = at[k] < 0 ? null : values[at[k]] ?? null;
  return out;
}
