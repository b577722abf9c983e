import * as aq from 'arquero';
import { parquetMetadata, parquetRead, type FileMetaData } from 'hyparquet';
import { getDataset } from '../../schemas/datasets/index.ts';
import { linkedColumns, storedColumns } from '../../schemas/stored.ts';
import { readPersonLinks } from './person-links.ts';
import { linkSources, recordId } from '../matching/link-rows.ts';
import { countingParts } from '../counting.ts';
import type { CountedExtract } from '../counting.ts';
import { checkCount, checkPersons, checkRows } from './check.ts';
import type { ExtractStore } from './ports.ts';
import { sortRows, type CountQuery, type Engine, type Expr, type Params, type PersonMeasure, type PersonQuery, type ResultRow, type RowQuery, type Scalar } from '../ir.ts';

type Columns = Record<string, Scalar[]>;
/** An expression over row i of column arrays. */
type Fn = (columns: Columns, i: number) => Scalar;

const pad = (n: number) => String(n).padStart(2, '0');
/** Dates as 'YYYY-MM-DD' and timestamps as 'YYYY-MM-DD HH:MM:SS', the forms DuckDB returns and ISO order sorts. */
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const isoTimestamp = (d: Date) => `${isoDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

/** The value sets of an expression's semi-joins, found before it is evaluated row by row. */
type Subqueries = Map<Expr, Set<Scalar>>;

/** Interprets an expression over one row: the reference semantics the SQL compiler must match. */
function evaluate(e: Expr, params: Params, sets: Subqueries = new Map()): Fn {
  const evaluate_ = (x: Expr) => evaluate(x, params, sets);
  if ('col' in e) { const name = e.col; return (c, i) => c[name][i] ?? null; }
  if ('lit' in e) { const v = e.lit; return () => v; }
  if ('param' in e) {
    if (!(e.param in params)) throw new Error(`missing parameter ${e.param}`);
    const v = params[e.param]; return () => v;
  }
  const cmp = (f: (x: Scalar, y: Scalar) => boolean, a: Expr, b: Expr): Fn => {
    const fa = evaluate_(a), fb = evaluate_(b);
    return (c, i) => { const x = fa(c, i), y = fb(c, i); return x === null || y === null ? null : f(x, y); };
  };
  switch (e.op) {
    case 'eq': return cmp((x, y) => x === y, e.a, e.b);
    case 'ne': return cmp((x, y) => x !== y, e.a, e.b);
    case 'lt': return cmp((x, y) => x! < y!, e.a, e.b);
    case 'le': return cmp((x, y) => x! <= y!, e.a, e.b);
    case 'gt': return cmp((x, y) => x! > y!, e.a, e.b);
    case 'ge': return cmp((x, y) => x! >= y!, e.a, e.b);
    // Three-valued, as in SQL: false wins an and (true an or) over null, and null wins over the other.
    case 'and': case 'or': {
      const fs = e.args.map((a) => evaluate_(a)), decisive = e.op === 'or';
      return (c, i) => {
        let unknown = false;
        for (const f of fs) { const v = f(c, i); if (v === decisive) return decisive; if (v === null) unknown = true; }
        return unknown ? null : !decisive;
      };
    }
    case 'not': { const f = evaluate_(e.a); return (c, i) => { const v = f(c, i); return v === null ? null : !v; }; }
    case 'in': { const f = evaluate_(e.a); const set = new Set(e.values); return (c, i) => { const v = f(c, i); return v === null ? null : set.has(v); }; }
    case 'is_null': { const f = evaluate_(e.a); return (c, i) => f(c, i) === null; }
    case 'not_null': { const f = evaluate_(e.a); return (c, i) => f(c, i) !== null; }
    case 'date': { const f = evaluate_(e.a); return (c, i) => { const v = f(c, i); return v === null ? null : String(v).slice(0, 10); }; }
    case 'weekday': {
      const f = evaluate_(e.a);
      return (c, i) => { const v = f(c, i); return v === null ? null : new Date(`${String(v).slice(0, 10)}T00:00:00Z`).getUTCDay() || 7; };
    }
    case 'hour_of_time': { const f = evaluate_(e.a); return (c, i) => { const v = f(c, i); return v === null ? null : Number(String(v).slice(0, 2)); }; }
    case 'month': { const f = evaluate_(e.a); return (c, i) => { const v = f(c, i); return v === null ? null : String(v).slice(0, 7); }; }
    case 'in_rows': {
      const f = evaluate_(e.a), set = sets.get(e);
      if (!set) throw new Error(`semi-join on ${e.from} was not resolved`);
      return (c, i) => { const v = f(c, i); return v === null ? null : set.has(v); };
    }
    case 'has_token': {
      const f = evaluate_(e.a), wanted = new Set(e.tokens);
      return (c, i) => {
        const v = f(c, i);
        if (v === null) return null;
        const text = String(v), colon = text.indexOf(':'), version = text.slice(0, colon + 1);
        return text.slice(colon + 1).split(' ').some((t) => wanted.has(version + t));
      };
    }
    case 'list_has_prefix': {
      const f = evaluate_(e.a);
      return (c, i) => {
        const v = f(c, i);
        if (v === null) return null;
        const codes = String(v).split(';');
        return (e.first_only ? codes.slice(0, 1) : codes).some((c) => e.prefixes.some((p) => c.startsWith(p)));
      };
    }
  }
}

/** The columns an expression reads of its own dataset (a semi-join's subquery reads another). */
function columnsRead(exprs: Expr[]): Set<string> {
  const needed = new Set<string>();
  const collect = (e: Expr): void => {
    if ('col' in e) needed.add(e.col);
    else if ('op' in e && e.op === 'in_rows') collect(e.a);
    else if ('op' in e) for (const part of Object.values(e)) {
      if (Array.isArray(part)) part.forEach((p) => typeof p === 'object' && p !== null && collect(p as Expr));
      else if (typeof part === 'object' && part !== null) collect(part as Expr);
    }
  };
  exprs.forEach(collect);
  return needed;
}

/** A measure over a person's rows (their indexes into the shared columns), as the SQL engine's aggregates give it. */
function measureOf(m: PersonMeasure, params: Params, columns: Columns): (rows: number[]) => Scalar {
  const when = m.where ? evaluate(m.where, params) : null;
  const passes = (i: number) => !when || when(columns, i) === true;
  if (m.agg === 'count') return (rows) => rows.filter(passes).length;
  const value = evaluate(m.value, params);
  const values = (rows: number[]) => rows.filter(passes).map((i) => [i, value(columns, i)] as const).filter(([, v]) => v !== null) as (readonly [number, string | number | boolean])[];
  const greatest = (xs: (string | number | boolean)[], sign: 1 | -1) => (xs.length ? xs.reduce((a, b) => ((sign > 0 ? b > a : b < a) ? b : a)) : null);
  switch (m.agg) {
    case 'count_distinct': return (rows) => new Set(values(rows).map(([, v]) => v)).size;
    case 'min': return (rows) => greatest(values(rows).map(([, v]) => v), -1);
    case 'max': return (rows) => greatest(values(rows).map(([, v]) => v), 1);
    case 'list': return (rows) => { const xs = [...new Set(values(rows).map(([, v]) => String(v)))].sort(); return xs.length ? xs.join(';') : null; };
    case 'latest': {
      const by = evaluate(m.by, params);
      return (rows) => {
        let best: string | null = null, out: Scalar = null;
        for (const [i, v] of values(rows)) {
          const order = `${by(columns, i) ?? ''}|${v}`;
          if (best === null || order > best) { best = order; out = v; }
        }
        return out;
      };
    }
  }
}

interface DatasetCache {
  dataset: string;
  parts: { upload_id: string; file: ArrayBuffer; keep: number[] | null }[];
  columns: Map<string, Promise<Scalar[]>>;
}

/** Text of a date or timestamp, remembered by its time: a column holds few distinct days and many repeats. */
function textOfTime(format: (d: Date) => string) {
  const seen = new Map<number, string>();
  return (d: Date) => {
    const time = d.getTime();
    let text = seen.get(time);
    if (text === undefined) { text = format(d); seen.set(time, text); }
    return text;
  };
}

/** One row group's rows of a file (its metadata read once). */
interface RowRange { metadata: FileMetaData; rowStart: number; rowEnd: number }

/** One column of a Parquet file (or of some of its rows) as plain values: dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS'. */
async function readColumn(file: ArrayBuffer, name: string, type: string, rows?: RowRange): Promise<Scalar[]> {
  const chunks: { rowStart: number; data: ArrayLike<unknown> }[] = [];
  const from = rows?.rowStart ?? 0;
  await parquetRead({ file, columns: [name], ...rows, onChunk: ({ columnData, rowStart }) => { chunks.push({ rowStart: rowStart - from, data: columnData }); } });
  const out: Scalar[] = new Array(rows ? rows.rowEnd - from : chunks.reduce((n, c) => Math.max(n, c.rowStart + c.data.length), 0));
  const convert: ((v: unknown) => Scalar) | null = type === 'date' ? textOfTime(isoDate) as (v: unknown) => Scalar
    : type === 'timestamp' ? textOfTime(isoTimestamp) as (v: unknown) => Scalar : null;
  for (const { rowStart, data } of chunks) {
    for (let i = 0; i < data.length && rowStart + i < out.length; i++) {
      const v = data[i];
      out[rowStart + i] = v === undefined || v === null ? null
        : convert ? convert(v) : typeof v === 'bigint' ? Number(v) : (v as Scalar);
    }
  }
  return out;
}

/**
 * The in-process engine, the reference: each dataset's counting rows (the same supersession rule as the SQL
 * views) read column by column from Parquet; expressions are interpreted over the column arrays (nothing is ever
 * compiled from text), and Arquero groups and counts the rows that pass.
 */
export class ArqueroEngine implements Engine {
  readonly name = 'arquero' as const;
  private readonly datasets = new Map<string, Promise<DatasetCache>>();
  private readonly semiJoins = new Map<string, Promise<Set<Scalar>>>();
  private links?: Promise<Map<string, string>>;
  private constructor(private readonly platform: ExtractStore, private readonly extracts: CountedExtract[]) {}

  static async open(platform: ExtractStore) {
    return new ArqueroEngine(platform, (await platform.catalog.read()).extracts);
  }

  /** A dataset's counting extracts: their files, and which of each file's rows count (supersession). */
  private dataset(datasetId: string): Promise<DatasetCache> {
    let cache = this.datasets.get(datasetId);
    if (!cache) {
      cache = this.readDataset(datasetId);
      this.datasets.set(datasetId, cache);
    }
    return cache;
  }

  private async readDataset(datasetId: string): Promise<DatasetCache> {
    const dataset = getDataset(datasetId);
    const parts = [];
    for (const part of countingParts(dataset, this.extracts)) {
      const object = await this.platform.storage.get(part.file);
      if (!object) throw new Error(`extract file missing: ${part.file}`);
      const file = object.body.buffer.slice(object.body.byteOffset, object.body.byteOffset + object.body.byteLength) as ArrayBuffer;
      let keep: number[] | null = null;
      if (part.from !== null && dataset.eventDate) {
        const days = await readColumn(file, dataset.eventDate, storedColumns(dataset).find((c) => c.name === dataset.eventDate)!.type);
        keep = [];
        for (let i = 0; i < days.length; i++) {
          const day = String(days[i]).slice(0, 10);
          if (day >= part.from && day <= part.to!) keep.push(i);
        }
      }
      parts.push({ upload_id: part.upload_id, file, keep });
    }
    return { dataset: datasetId, parts, columns: new Map() };
  }

  /** Record id → person, from the current run's parts (none before the first linking run). */
  private personLinks(): Promise<Map<string, string>> {
    this.links ??= readPersonLinks(this.platform.storage);
    return this.links;
  }

  /** A person block's linked person per counting row: its record id looked up in the links. */
  private async personColumn(datasetId: string, name: string): Promise<Scalar[]> {
    const source = linkSources().find((s) => s.dataset === datasetId && s.personColumn === name)!;
    const [links, ...parts] = await Promise.all([this.personLinks(), ...source.idColumns.map((c) => this.column(datasetId, c))]);
    const n = parts.length ? parts[0].length : (await this.column(datasetId, 'upload_id')).length;
    const out: Scalar[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = links.get(recordId(source, parts.map((p) => p[i]))) ?? null;
    return out;
  }

  /** One column of a dataset's counting rows, read once and kept. */
  private async column(datasetId: string, name: string): Promise<Scalar[]> {
    const cache = await this.dataset(datasetId);
    let values = cache.columns.get(name);
    if (!values && linkedColumns(getDataset(datasetId)).some((c) => c.name === name)) {
      values = this.personColumn(datasetId, name);
      cache.columns.set(name, values);
    }
    if (!values) {
      values = (async () => {
        const out: Scalar[] = [];
        const stored = storedColumns(getDataset(datasetId)).find((c) => c.name === name);
        if (!stored && name !== 'upload_id') throw new Error(`${datasetId} has no column ${name}`);
        for (const part of cache.parts) {
          if (name === 'upload_id') {
            const n = part.keep ? part.keep.length : (await readColumn(part.file, storedColumns(getDataset(datasetId))[0].name, 'string')).length;
            for (let i = 0; i < n; i++) out.push(part.upload_id);
            continue;
          }
          const all = await readColumn(part.file, name, stored!.type);
          if (cache.parts.length === 1 && !part.keep) return all;
          if (part.keep) for (const i of part.keep) out.push(all[i]);
          else for (const v of all) out.push(v);
        }
        return out;
      })();
      cache.columns.set(name, values);
    }
    return values;
  }

  /** The columns the expressions read, loaded, with the row count. */
  private async columnsFor(from: string, exprs: Expr[], leaveOut: ReadonlySet<string> = new Set()): Promise<{ columns: Columns; rows: number }> {
    const needed = new Set([...columnsRead(exprs)].filter((c) => !leaveOut.has(c)));
    const columns: Columns = {};
    for (const name of needed) columns[name] = await this.column(from, name);
    const rows = needed.size ? columns[[...needed][0]].length : (await this.column(from, 'upload_id')).length;
    return { columns, rows };
  }

  /** Finds the value set of every semi-join in an expression (inner ones first), each once per engine. */
  private async resolveSemiJoins(e: Expr, params: Params, sets: Subqueries): Promise<void> {
    if (!('op' in e)) return;
    for (const part of Object.values(e)) {
      if (Array.isArray(part)) { for (const p of part) if (typeof p === 'object' && p !== null) await this.resolveSemiJoins(p as Expr, params, sets); }
      else if (typeof part === 'object' && part !== null && e.op !== 'in_rows') await this.resolveSemiJoins(part as Expr, params, sets);
    }
    if (e.op !== 'in_rows') return;
    await this.resolveSemiJoins(e.a, params, sets);
    const key = JSON.stringify([e.from, e.select, e.where ?? null, params]);
    let set = this.semiJoins.get(key);
    if (!set) {
      set = this.select(e.from, e.where, { value: e.select }, params).then(({ columns }) => new Set(columns.value.filter((v) => v !== null)));
      this.semiJoins.set(key, set);
    }
    sets.set(e, await set);
  }

  /** The output expressions evaluated over the rows that pass the filter, as columns. */
  private async select(from: string, where: Expr | undefined, outputs: Record<string, Expr>, params: Params): Promise<{ columns: Columns; kept: number }> {
    const names = Object.keys(outputs);
    const exprs = [...(where ? [where] : []), ...Object.values(outputs)];
    const { columns, rows } = await this.columnsFor(from, exprs);
    const sets: Subqueries = new Map();
    for (const e of exprs) await this.resolveSemiJoins(e, params, sets);
    const test = where ? evaluate(where, params, sets) : null;
    const fns = names.map((n) => evaluate(outputs[n], params, sets));
    const out: Columns = Object.fromEntries(names.map((n) => [n, []]));
    let kept = 0;
    for (let i = 0; i < rows; i++) {
      if (test && test(columns, i) !== true) continue;
      names.forEach((n, j) => { out[n].push(fns[j](columns, i)); });
      kept++;
    }
    return { columns: out, kept };
  }

  async count(query: CountQuery, params: Params): Promise<ResultRow[]> {
    checkCount(query, params);
    const keys = Object.keys(query.groupBy);
    const { columns, kept } = await this.select(query.from, query.where, query.groupBy, params);
    if (!keys.length) return [{ count: kept }];
    return sortRows(aq.table(columns).groupby(keys).count({ as: 'count' }).objects() as ResultRow[], keys);
  }

  async rows(query: RowQuery, params: Params): Promise<ResultRow[]> {
    checkRows(query, params);
    return aq.table((await this.select(query.from, query.where, query.select, params)).columns).objects() as ResultRow[];
  }

  /**
   * A row query's rows a row group at a time, as columns, none kept: linking reads every person row of the store
   * once, so the dataset is neither cached nor held whole (a person column, which needs the links, is read whole).
   */
  async scan(query: RowQuery, params: Params, each: (columns: Columns, rows: number) => void): Promise<void> {
    checkRows(query, params);
    const exprs = [...(query.where ? [query.where] : []), ...Object.values(query.select)];
    const needed = [...columnsRead(exprs)];
    const dataset = getDataset(query.from);
    if (needed.some((n) => linkedColumns(dataset).some((c) => c.name === n))) {
      const { columns, kept } = await this.select(query.from, query.where, query.select, params);
      each(columns, kept);
      return;
    }
    const sets: Subqueries = new Map();
    for (const e of exprs) await this.resolveSemiJoins(e, params, sets);
    const test = query.where ? evaluate(query.where, params, sets) : null;
    const names = Object.keys(query.select), fns = names.map((n) => evaluate(query.select[n], params, sets));
    const types = new Map(storedColumns(dataset).map((c) => [c.name, c.type]));
    for (const name of needed) if (!types.has(name) && name !== 'upload_id') throw new Error(`${query.from} has no column ${name}`);
    for (const part of (await (this.datasets.get(query.from) ?? this.readDataset(query.from))).parts) {
      const metadata = parquetMetadata(part.file);
      let rowStart = 0, k = 0;
      for (const group of metadata.row_groups) {
        const rowEnd = rowStart + Number(group.num_rows), range = { metadata, rowStart, rowEnd };
        const columns: Columns = {};
        for (const name of needed) {
          columns[name] = name === 'upload_id' ? new Array(rowEnd - rowStart).fill(part.upload_id) : await readColumn(part.file, name, types.get(name)!, range);
        }
        const out: Columns = Object.fromEntries(names.map((n) => [n, []]));
        let kept = 0;
        const take = (i: number) => {
          if (test && test(columns, i) !== true) return;
          for (let j = 0; j < names.length; j++) out[names[j]].push(fns[j](columns, i));
          kept++;
        };
        if (part.keep) for (; k < part.keep.length && part.keep[k] < rowEnd; k++) take(part.keep[k] - rowStart);
        else for (let i = 0; i < rowEnd - rowStart; i++) take(i);
        if (kept) each(out, kept);
        rowStart = rowEnd;
      }
    }
  }

  async persons(query: PersonQuery, params: Params): Promise<ResultRow[]> {
    checkPersons(query, params);
    const shared = [...new Set(query.sources.flatMap((s) => Object.keys(s.select)))];
    const rows: Columns = Object.fromEntries(['person_id', 'dataset', ...shared].map((n) => [n, []]));
    for (const source of query.sources) {
      const lookupNames = new Set(Object.keys(source.lookup?.select ?? {}));
      const exprs = [...(source.where ? [source.where] : []), ...Object.values(source.select)];
      const own = await this.columnsFor(source.from, [{ col: source.person }, ...(source.lookup ? [{ col: source.lookup.key }] : []), ...exprs], lookupNames);
      let columns = own.columns, count = own.rows;
      if (source.lookup) {
        // A left join, as SQL's: each row once per matching lookup row, or once with nulls.
        const { columns: found, kept } = await this.select(source.lookup.from, undefined, { lookup_key: { col: source.lookup.match }, ...source.lookup.select }, params);
        const matches = new Map<Scalar, number[]>();
        for (let j = 0; j < kept; j++) { const k = found.lookup_key[j]; if (k !== null) (matches.get(k) ?? matches.set(k, []).get(k)!).push(j); }
        const joined: Columns = Object.fromEntries([...Object.keys(columns), ...lookupNames].map((n) => [n, []]));
        for (let i = 0; i < count; i++) {
          const key = columns[source.lookup.key][i];
          for (const j of (key === null ? undefined : matches.get(key)) ?? [-1]) {
            for (const n of Object.keys(columns)) joined[n].push(columns[n][i]);
            for (const n of lookupNames) joined[n].push(j < 0 ? null : found[n][j]);
          }
        }
        columns = joined;
        count = joined[source.person].length;
      }
      const sets: Subqueries = new Map();
      for (const e of exprs) await this.resolveSemiJoins(e, params, sets);
      const test = source.where ? evaluate(source.where, params, sets) : null;
      const person = columns[source.person];
      const selects = shared.map((n) => (source.select[n] ? evaluate(source.select[n], params, sets) : () => null));
      for (let i = 0; i < count; i++) {
        if (person[i] === null || (test && test(columns, i) !== true)) continue;
        rows.person_id.push(person[i]);
        rows.dataset.push(source.from);
        shared.forEach((n, k) => rows[n].push(selects[k](columns, i)));
      }
    }
    const byPerson = new Map<string, number[]>();
    rows.person_id.forEach((p, i) => { (byPerson.get(p as string) ?? byPerson.set(p as string, []).get(p as string)!).push(i); });
    const names = Object.keys(query.measures);
    const measures = names.map((n) => measureOf(query.measures[n], params, rows));
    const people = [...byPerson.keys()].sort();
    const out: Columns = Object.fromEntries(['person_id', ...names].map((n) => [n, []]));
    for (const p of people) {
      out.person_id.push(p);
      names.forEach((n, k) => out[n].push(measures[k](byPerson.get(p)!)));
    }
    const keep = query.having ? evaluate(query.having, params) : null;
    const result: ResultRow[] = [];
    for (let i = 0; i < people.length; i++) {
      if (keep && keep(out, i) !== true) continue;
      const person = Object.fromEntries(['person_id', ...names].map((n) => [n, out[n][i]]));
      if (!query.recordsBy) { result.push(person); continue; }
      // Each distinct combination of the person's rows, counted.
      const combinations = new Map<string, ResultRow>();
      for (const r of byPerson.get(people[i])!) {
        const values = query.recordsBy.map((n) => rows[n][r]);
        const key = JSON.stringify(values);
        const known = combinations.get(key);
        if (known) (known.records as number)++;
        else combinations.set(key, { ...person, ...Object.fromEntries(query.recordsBy.map((n, k) => [n, values[k]])), records: 1 });
      }
      result.push(...combinations.values());
    }
    return query.recordsBy ? sortRows(result, ['person_id', ...query.recordsBy]) : result;
  }

  async close() { this.datasets.clear(); this.semiJoins.clear(); this.links = undefined; }
}
