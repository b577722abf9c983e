import * as aq from 'arquero';
import { parquetMetadata, parquetRead, type FileMetaData } from 'hyparquet';
import { getDataset } from '../../schemas/datasets/index.ts';
import { linkedColumns, storedColumns } from '../../schemas/stored.ts';
import { readPersonRanks } from './person-links.ts';
import { Frame, gather, type Columns, type Subqueries } from './columnar.ts';
import { linkSources, recordIdsOf } from '../matching/link-rows.ts';
import { countingParts } from '../counting.ts';
import type { CountedExtract } from '../counting.ts';
import { checkCount, checkPersons, checkRows } from './check.ts';
import type { ExtractStore } from './ports.ts';
import { fileBytes } from './file-bytes.ts';
import { sortRows, type CountQuery, type Engine, type Expr, type Params, type PersonMeasure, type PersonQuery, type ResultRow, type RowQuery, type Scalar } from '../ir.ts';

const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

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

/**
 * A measure over each person's rows (positions `from` to `to` of `order`, which lists the rows person by person), as
 * the SQL engine's aggregates give it.
 */
function measureOf(m: PersonMeasure, frame: Frame, order: Int32Array): (from: number, to: number) => Scalar {
  const when = m.where ? frame.column(m.where) : null;
  if (m.agg === 'count') {
    return (from, to) => {
      if (!when) return to - from;
      let n = 0;
      for (let k = from; k < to; k++) if (when[order[k]] === true) n++;
      return n;
    };
  }
  const value = frame.column(m.value);
  const by = m.agg === 'latest' ? frame.column(m.by) : null;
  return (from, to) => {
    let best: Scalar = null, bestDay: string | null = null, found = 0;
    let distinct: Set<Scalar> | null = null;
    for (let k = from; k < to; k++) {
      const i = order[k];
      if (when && when[i] !== true) continue;
      const v = value[i] ?? null;
      if (v === null) continue;
      switch (m.agg) {
        case 'count_distinct': case 'list': {
          const x = m.agg === 'list' ? String(v) : v;
          if (!found) best = x;
          else if (x !== best) (distinct ??= new Set([best])).add(x);
          break;
        }
        case 'min': if (!found || v < best!) best = v; break;
        case 'max': if (!found || v > best!) best = v; break;
        case 'latest': {
          // The order of `${by}|${value}` texts, most often settled by the two days alone (dates of one length).
          const day = String(by![i] ?? '');
          if (bestDay === null || (day === bestDay ? String(v) > String(best) : day.length === bestDay.length ? day > bestDay : `${day}|${v}` > `${bestDay}|${best}`)) { bestDay = day; best = v; }
          break;
        }
      }
      found++;
    }
    if (m.agg === 'count_distinct') return distinct ? distinct.size : found ? 1 : 0;
    if (m.agg === 'list') return distinct ? [...distinct as Set<string>].sort().join(';') : best;
    return best;
  };
}

/** The expressions a measure reads. */
const measureExprs = (m: PersonMeasure): Expr[] => [...(m.where ? [m.where] : []), ...('value' in m ? [m.value] : []), ...('by' in m ? [m.by] : [])];

interface DatasetCache {
  dataset: string;
  parts: { upload_id: string; file: ArrayBuffer; metadata: FileMetaData; keep: number[] | null }[];
  columns: Map<string, Promise<Scalar[]>>;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => pad(n));
/**
 * Text of dates ('YYYY-MM-DD') and timestamps ('YYYY-MM-DD HH:MM:SS', UTC), the forms DuckDB returns and ISO order
 * sorts, from their time: a day's text is made once (a column holds few distinct days), a timestamp's clock from its seconds.
 */
function timeTexts() {
  const days = new Map<number, string>();
  const day = (n: number) => {
    let text = days.get(n);
    if (text === undefined) { text = isoDate(new Date(n * 86_400_000)); days.set(n, text); }
    return text;
  };
  const stamp = (ms: number) => {
    const n = Math.floor(ms / 86_400_000), seconds = Math.floor((ms - n * 86_400_000) / 1000);
    return `${day(n)} ${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}`;
  };
  return { day, stamp };
}

/** Hyparquet's parsers made to give the text of dates and timestamps straight away, no Date kept per value. */
function timeParsers() {
  const { day, stamp } = timeTexts();
  return {
    dateFromDays: day,
    timestampFromMilliseconds: (ms: bigint) => stamp(Number(ms)),
    timestampFromMicroseconds: (us: bigint) => stamp(Number(us / 1000n)),
    timestampFromNanoseconds: (ns: bigint) => stamp(Number(ns / 1_000_000n)),
  };
}

const utf8 = new TextDecoder();
/** How much of each id column a record id takes (link-rows.ts recordId). */
const ID_PART = 24;
/**
 * The first characters of UTF-8 text straight from its bytes, as `text.slice(0, length)` (an encoding's record-id
 * part), without decoding the rest: ASCII bytes are characters; other text is decoded whole.
 */
function textPrefix(length: number) {
  return (bytes: Uint8Array | undefined) => {
    if (!bytes) return bytes;
    const n = Math.min(bytes.length, length);
    for (let k = 0; k < n; k++) if (bytes[k] >= 0x80) return utf8.decode(bytes).slice(0, length);
    return String.fromCharCode.apply(null, bytes.subarray(0, n) as unknown as number[]);
  };
}

/** One row group's rows of a file (its metadata read once). */
interface RowRange { metadata: FileMetaData; rowStart: number; rowEnd: number }

/** One column of a Parquet file (or of some of its rows) as plain values: dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS'. */
async function readColumn(file: ArrayBuffer, name: string, type: string, rows: RowRange | { metadata: FileMetaData }, prefix?: number): Promise<Scalar[]> {
  const chunks: { rowStart: number; data: ArrayLike<unknown> }[] = [];
  const from = 'rowStart' in rows ? rows.rowStart : 0;
  const parsers = { ...timeParsers(), ...(prefix ? { stringFromBytes: textPrefix(prefix) } : {}) };
  await parquetRead({ file, columns: [name], ...rows, parsers, onChunk: ({ columnData, rowStart }) => { chunks.push({ rowStart: rowStart - from, data: columnData }); } });
  const out: Scalar[] = new Array('rowEnd' in rows ? rows.rowEnd - from : Number(rows.metadata.num_rows));
  const texts = timeTexts(), timed = type === 'date' ? (d: Date) => texts.day(Math.floor(d.getTime() / 86_400_000)) : type === 'timestamp' ? (d: Date) => texts.stamp(d.getTime()) : null;
  for (const { rowStart, data } of chunks) {
    for (let i = 0; i < data.length && rowStart + i < out.length; i++) {
      const v = data[i];
      out[rowStart + i] = v === undefined || v === null ? null
        : typeof v === 'bigint' ? Number(v) : timed && v instanceof Date ? timed(v) : (v as Scalar);
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
  private readonly rankColumns = new Map<string, Promise<Int32Array>>();
  private links?: Promise<{ persons: string[]; rankOf: Map<string, number> }>;
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
      const file = fileBytes(object.body);
      const metadata = parquetMetadata(file);
      let keep: number[] | null = null;
      if (part.from !== null && dataset.eventDate) {
        const days = await readColumn(file, dataset.eventDate, storedColumns(dataset).find((c) => c.name === dataset.eventDate)!.type, { metadata });
        keep = [];
        for (let i = 0; i < days.length; i++) {
          const day = String(days[i]).slice(0, 10);
          if (day >= part.from && day <= part.to!) keep.push(i);
        }
      }
      parts.push({ upload_id: part.upload_id, file, metadata, keep });
    }
    return { dataset: datasetId, parts, columns: new Map() };
  }

  /** The person links as places among the sorted person ids (none before the first linking run). */
  private personRanks(): Promise<{ persons: string[]; rankOf: Map<string, number> }> {
    this.links ??= readPersonRanks(this.platform.storage);
    return this.links;
  }

  /** A person block's linked person per counting row, as its place among the sorted person ids (-1: none). */
  private ranks(datasetId: string, name: string): Promise<Int32Array> {
    const key = `${datasetId}\0${name}`;
    let ranks = this.rankColumns.get(key);
    if (!ranks) {
      ranks = (async () => {
        const source = linkSources().find((s) => s.dataset === datasetId && s.personColumn === name)!;
        // An id column read for nothing else is read only as far as the id takes it (an encoding is long).
        const cache = await this.dataset(datasetId);
        const idColumn = (c: string) => cache.columns.get(c) ?? this.readParts(cache, c, ID_PART);
        const [{ rankOf }, ...parts] = await Promise.all([this.personRanks(), ...source.idColumns.map(idColumn)]);
        const n = parts.length ? parts[0].length : (await this.column(datasetId, 'upload_id')).length;
        const out = new Int32Array(n), values: Scalar[] = new Array(parts.length), recordId = recordIdsOf(source);
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < parts.length; k++) values[k] = parts[k][i];
          out[i] = rankOf.get(recordId(values)) ?? -1;
        }
        return out;
      })();
      this.rankColumns.set(key, ranks);
    }
    return ranks;
  }

  /** A person block's linked person per counting row: its record id looked up in the links. */
  private async personColumn(datasetId: string, name: string): Promise<Scalar[]> {
    const [{ persons }, ranks] = await Promise.all([this.personRanks(), this.ranks(datasetId, name)]);
    const out: Scalar[] = new Array(ranks.length);
    for (let i = 0; i < ranks.length; i++) out[i] = ranks[i] < 0 ? null : persons[ranks[i]];
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
      values = this.readParts(cache, name);
      cache.columns.set(name, values);
    }
    return values;
  }

  /** A column of a dataset's counting rows from its files; text only `prefix` characters long if given. */
  private async readParts(cache: DatasetCache, name: string, prefix?: number): Promise<Scalar[]> {
    const out: Scalar[] = [];
    const stored = storedColumns(getDataset(cache.dataset)).find((c) => c.name === name);
    if (!stored && name !== 'upload_id') throw new Error(`${cache.dataset} has no column ${name}`);
    for (const part of cache.parts) {
      if (name === 'upload_id') {
        const n = part.keep ? part.keep.length : Number(part.metadata.num_rows);
        for (let i = 0; i < n; i++) out.push(part.upload_id);
        continue;
      }
      const all = await readColumn(part.file, name, stored!.type, { metadata: part.metadata }, prefix);
      if (cache.parts.length === 1 && !part.keep) return all;
      if (part.keep) for (const i of part.keep) out.push(all[i]);
      else for (const v of all) out.push(v);
    }
    return out;
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

  /** The output expressions evaluated over the rows that pass the filter, as columns (read only: they may be the cached columns). */
  private async select(from: string, where: Expr | undefined, outputs: Record<string, Expr>, params: Params): Promise<{ columns: Columns; kept: number }> {
    const exprs = [...(where ? [where] : []), ...Object.values(outputs)];
    const { columns, rows } = await this.columnsFor(from, exprs);
    const sets: Subqueries = new Map();
    for (const e of exprs) await this.resolveSemiJoins(e, params, sets);
    const frame = new Frame(columns, rows, params, sets);
    const kept = where ? frame.passing(where) : null;
    const out: Columns = {};
    for (const [name, e] of Object.entries(outputs)) out[name] = kept ? gather(frame.column(e), kept) : frame.column(e);
    return { columns: out, kept: kept ? kept.length : rows };
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
    const names = Object.keys(query.select);
    const types = new Map(storedColumns(dataset).map((c) => [c.name, c.type]));
    for (const name of needed) if (!types.has(name) && name !== 'upload_id') throw new Error(`${query.from} has no column ${name}`);
    for (const part of (await (this.datasets.get(query.from) ?? this.readDataset(query.from))).parts) {
      const metadata = part.metadata;
      let rowStart = 0, k = 0;
      for (const group of metadata.row_groups) {
        const rowEnd = rowStart + Number(group.num_rows), range = { metadata, rowStart, rowEnd };
        const columns: Columns = {};
        for (const name of needed) {
          columns[name] = name === 'upload_id' ? new Array(rowEnd - rowStart).fill(part.upload_id) : await readColumn(part.file, name, types.get(name)!, range);
        }
        let within: number[] | undefined;
        if (part.keep) {
          within = [];
          for (; k < part.keep.length && part.keep[k] < rowEnd; k++) within.push(part.keep[k] - rowStart);
        }
        const frame = new Frame(columns, rowEnd - rowStart, params, sets);
        const kept = frame.passing(query.where, within);
        if (kept.length) each(Object.fromEntries(names.map((n) => [n, gather(frame.column(query.select[n]), kept)])), kept.length);
        rowStart = rowEnd;
      }
    }
  }

  async persons(query: PersonQuery, params: Params): Promise<ResultRow[]> {
    checkPersons(query, params);
    const shared = [...new Set(query.sources.flatMap((s) => Object.keys(s.select)))];
    const { persons: ids } = await this.personRanks();
    // Each source's rows with a person that pass its filter, its shared columns at those rows.
    const parts: { from: string; ranks: Int32Array; columns: (Scalar[] | null)[] }[] = [];
    for (const source of query.sources) {
      const lookupNames = new Set(Object.keys(source.lookup?.select ?? {}));
      const exprs = [...(source.where ? [source.where] : []), ...Object.values(source.select)];
      const own = await this.columnsFor(source.from, [...(source.lookup ? [{ col: source.lookup.key }] : []), ...exprs], lookupNames);
      let columns = own.columns, count = own.rows, ranks = await this.ranks(source.from, source.person);
      if (source.lookup) {
        // A left join, as SQL's: each row once per matching lookup row (in their order), or once with nulls.
        const { columns: found, kept } = await this.select(source.lookup.from, undefined, { lookup_key: { col: source.lookup.match }, ...source.lookup.select }, params);
        const first = new Map<Scalar, number>(), next = new Int32Array(kept).fill(-1);
        for (let j = kept - 1; j >= 0; j--) {
          const k = found.lookup_key[j] ?? null;
          if (k === null) continue;
          const known = first.get(k);
          if (known !== undefined) next[j] = known;
          first.set(k, j);
        }
        const keys = columns[source.lookup.key], ownRows: number[] = [], lookupRows: number[] = [];
        for (let i = 0; i < count; i++) {
          const key = keys[i] ?? null;
          let j = key === null ? -1 : first.get(key) ?? -1;
          if (j < 0) { ownRows.push(i); lookupRows.push(-1); continue; }
          for (; j >= 0; j = next[j]) { ownRows.push(i); lookupRows.push(j); }
        }
        const repeated = ownRows.length !== count;
        const joined: Columns = {};
        for (const [n, values] of Object.entries(columns)) joined[n] = repeated ? gather(values, ownRows) : values;
        for (const n of lookupNames) joined[n] = gather(found[n], lookupRows);
        if (repeated) ranks = Int32Array.from(ownRows, (i) => ranks[i]);
        columns = joined;
        count = ownRows.length;
      }
      const sets: Subqueries = new Map();
      for (const e of exprs) await this.resolveSemiJoins(e, params, sets);
      const frame = new Frame(columns, count, params, sets);
      const linked: number[] = [];
      for (let i = 0; i < count; i++) if (ranks[i] >= 0) linked.push(i);
      const kept = frame.passing(source.where, linked);
      parts.push({ from: source.from, ranks: kept.map((i) => ranks[i]), columns: shared.map((n) => (source.select[n] ? gather(frame.column(source.select[n]), kept) : null)) });
    }

    // The person rows of every source as one table, and its rows person by person (people in person_id order).
    const total = parts.reduce((n, p) => n + p.ranks.length, 0);
    const rows: Columns = { dataset: new Array(total) };
    shared.forEach((n) => { rows[n] = new Array(total); });
    const rankOfRow = new Int32Array(total);
    let at = 0;
    for (const part of parts) {
      rankOfRow.set(part.ranks, at);
      rows.dataset.fill(part.from, at, at + part.ranks.length);
      shared.forEach((n, k) => {
        const values = part.columns[k], out = rows[n];
        for (let i = 0; i < part.ranks.length; i++) out[at + i] = values ? values[i] : null;
      });
      at += part.ranks.length;
    }
    const starts = new Int32Array(ids.length + 1);
    for (let i = 0; i < total; i++) starts[rankOfRow[i] + 1]++;
    for (let r = 0; r < ids.length; r++) starts[r + 1] += starts[r];
    const order = new Int32Array(total), fill = starts.slice(0, ids.length);
    for (let i = 0; i < total; i++) order[fill[rankOfRow[i]]++] = i;
    const people: number[] = [];
    for (let r = 0; r < ids.length; r++) if (starts[r + 1] > starts[r]) people.push(r);
    const names = Object.keys(query.measures);
    const frame = new Frame(columnsRead(Object.values(query.measures).flatMap(measureExprs)).has('person_id') ? { ...rows, person_id: Array.from(rankOfRow, (r) => ids[r]) } : rows, total, params);
    const measure = (name: string, of: number[]): Scalar[] => {
      const f = measureOf(query.measures[name], frame, order);
      return of.map((r) => f(starts[r], starts[r + 1]));
    };

    // The measures `having` reads, for everyone; the rest only for the people it keeps.
    let kept = people;
    const values = new Map<string, Scalar[]>();
    if (query.having) {
      const read = columnsRead([query.having]);
      const columns: Columns = { person_id: people.map((r) => ids[r]) };
      for (const n of names) if (read.has(n)) columns[n] = measure(n, people);
      const passing = new Frame(columns, people.length, params).passing(query.having);
      kept = Array.from(passing, (k) => people[k]);
      for (const n of Object.keys(columns)) if (n !== 'person_id') values.set(n, gather(columns[n], passing));
    }
    for (const n of names) if (!values.has(n)) values.set(n, measure(n, kept));
    const result: ResultRow[] = [];
    for (let k = 0; k < kept.length; k++) {
      const person: ResultRow = { person_id: ids[kept[k]] };
      for (const n of names) person[n] = values.get(n)![k];
      if (!query.recordsBy) { result.push(person); continue; }
      // Each distinct combination of the person's rows, counted.
      const combinations = new Map<string, ResultRow>();
      for (let o = starts[kept[k]]; o < starts[kept[k] + 1]; o++) {
        const r = order[o], combination = query.recordsBy.map((n) => rows[n][r]);
        const key = JSON.stringify(combination);
        const known = combinations.get(key);
        if (known) (known.records as number)++;
        else combinations.set(key, { ...person, ...Object.fromEntries(query.recordsBy.map((n, j) => [n, combination[j]])), records: 1 });
      }
      result.push(...combinations.values());
    }
    return query.recordsBy ? sortRows(result, ['person_id', ...query.recordsBy]) : result;
  }

  async close() { this.datasets.clear(); this.semiJoins.clear(); this.rankColumns.clear(); this.links = undefined; }
}
