import * as aq from 'arquero';
import { parquetReadObjects } from 'hyparquet';
import { getDataset } from '../../schemas/datasets/index.ts';
import { storedColumns } from '../../schemas/stored.ts';
import { countingParts } from '../../functions/platform/catalog/counting.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { sortRows, type CountQuery, type Engine, type Expr, type Params, type ResultRow, type Scalar } from '../ir.ts';

type Row = Record<string, Scalar>;
type Fn = (row: Row) => Scalar;

const pad = (n: number) => String(n).padStart(2, '0');
/** Dates as 'YYYY-MM-DD' and timestamps as 'YYYY-MM-DD HH:MM:SS', the forms DuckDB returns and ISO order sorts. */
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const isoTimestamp = (d: Date) => `${isoDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

/** Interprets an expression over one row: the reference semantics the SQL compiler must match. */
function evaluate(e: Expr, params: Params): Fn {
  if ('col' in e) { const name = e.col; return (r) => r[name] ?? null; }
  if ('lit' in e) { const v = e.lit; return () => v; }
  if ('param' in e) {
    if (!(e.param in params)) throw new Error(`missing parameter ${e.param}`);
    const v = params[e.param]; return () => v;
  }
  const cmp = (f: (x: Scalar, y: Scalar) => boolean, a: Expr, b: Expr): Fn => {
    const fa = evaluate(a, params), fb = evaluate(b, params);
    return (r) => { const x = fa(r), y = fb(r); return x === null || y === null ? null : f(x, y); };
  };
  switch (e.op) {
    case 'eq': return cmp((x, y) => x === y, e.a, e.b);
    case 'ne': return cmp((x, y) => x !== y, e.a, e.b);
    case 'lt': return cmp((x, y) => x! < y!, e.a, e.b);
    case 'le': return cmp((x, y) => x! <= y!, e.a, e.b);
    case 'gt': return cmp((x, y) => x! > y!, e.a, e.b);
    case 'ge': return cmp((x, y) => x! >= y!, e.a, e.b);
    case 'and': { const fs = e.args.map((a) => evaluate(a, params)); return (r) => fs.every((f) => f(r) === true); }
    case 'or': { const fs = e.args.map((a) => evaluate(a, params)); return (r) => fs.some((f) => f(r) === true); }
    case 'not': { const f = evaluate(e.a, params); return (r) => { const v = f(r); return v === null ? null : !v; }; }
    case 'in': { const f = evaluate(e.a, params); const set = new Set(e.values); return (r) => { const v = f(r); return v === null ? null : set.has(v); }; }
    case 'is_null': { const f = evaluate(e.a, params); return (r) => f(r) === null; }
    case 'not_null': { const f = evaluate(e.a, params); return (r) => f(r) !== null; }
    case 'date': { const f = evaluate(e.a, params); return (r) => { const v = f(r); return v === null ? null : String(v).slice(0, 10); }; }
    case 'month': { const f = evaluate(e.a, params); return (r) => { const v = f(r); return v === null ? null : String(v).slice(0, 7); }; }
    case 'list_has_prefix': {
      const f = evaluate(e.a, params);
      return (r) => {
        const v = f(r);
        if (v === null) return null;
        const codes = String(v).split(';');
        return (e.first_only ? codes.slice(0, 1) : codes).some((c) => e.prefixes.some((p) => c.startsWith(p)));
      };
    }
  }
}

/**
 * The in-process engine, the reference: each dataset's counting rows (the same supersession rule as the SQL
 * views) read from Parquet into an Arquero table; expressions are interpreted in JavaScript and handed to Arquero
 * with aq.escape, so no request text is ever compiled.
 */
export class ArqueroEngine implements Engine {
  readonly name = 'arquero' as const;
  private readonly tables = new Map<string, Promise<aq.ColumnTable>>();
  private constructor(private readonly platform: Platform, private readonly extracts: Awaited<ReturnType<Platform['catalog']['read']>>['extracts']) {}

  static async open(platform: Platform) {
    return new ArqueroEngine(platform, (await platform.catalog.read()).extracts);
  }

  private table(datasetId: string): Promise<aq.ColumnTable> {
    let table = this.tables.get(datasetId);
    if (!table) {
      table = this.load(datasetId);
      this.tables.set(datasetId, table);
    }
    return table;
  }

  private async load(datasetId: string): Promise<aq.ColumnTable> {
    const dataset = getDataset(datasetId);
    const columns = storedColumns(dataset);
    const dates = columns.filter((c) => c.type === 'date').map((c) => c.name);
    const stamps = columns.filter((c) => c.type === 'timestamp').map((c) => c.name);
    const rows: Row[] = [];
    for (const part of countingParts(dataset, this.extracts)) {
      const object = await this.platform.storage.get(part.file);
      if (!object) throw new Error(`extract file missing: ${part.file}`);
      const buffer = object.body.buffer.slice(object.body.byteOffset, object.body.byteOffset + object.body.byteLength) as ArrayBuffer;
      for (const raw of await parquetReadObjects({ file: buffer })) {
        const row: Row = { upload_id: part.upload_id };
        for (const c of columns) {
          const v = raw[c.name] as unknown;
          row[c.name] = v === undefined || v === null ? null
            : dates.includes(c.name) ? isoDate(v as Date)
              : stamps.includes(c.name) ? isoTimestamp(v as Date)
                : typeof v === 'bigint' ? Number(v) : (v as Scalar);
        }
        if (part.from !== null) {
          const day = String(row[dataset.eventDate!]).slice(0, 10);
          if (day < part.from || day > part.to!) continue;
        }
        rows.push(row);
      }
    }
    return rows.length
      ? aq.from(rows)
      : aq.table(Object.fromEntries([...columns.map((c) => c.name), 'upload_id'].map((n) => [n, [] as Scalar[]])));
  }

  async count(query: CountQuery, params: Params): Promise<ResultRow[]> {
    let table = await this.table(query.from);
    if (query.where) {
      const where = evaluate(query.where, params);
      table = table.filter(aq.escape((r: Row) => where(r) === true));
    }
    const keys = Object.keys(query.groupBy);
    const derived = Object.fromEntries(Object.entries(query.groupBy).map(([name, e]) => {
      const f = evaluate(e, params);
      return [name, aq.escape((r: Row) => f(r))];
    }));
    const counted = (keys.length ? table.derive(derived).groupby(keys) : table).count({ as: 'count' });
    return sortRows(counted.objects() as ResultRow[], keys);
  }

  async close() { this.tables.clear(); }
}
