import { datasets } from '../../schemas/datasets/index.ts';
import { linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import { linkedPersonColumn, personColumns } from '../../schemas/stored.ts';
import { col, type Engine, type Expr, type ResultRow, type Scalar } from '../ir.ts';
import type { LinkRecord } from './candidates.ts';
import { decodeClk } from './clk.ts';
import { unitCandidates } from './candidates.ts';
import { withTrainedModel } from './training.ts';
import { resolveTable, type Decisions, type Resolution } from './resolve.ts';
import { LinkTable, type LinkKeys } from './table.ts';
import { NO_DAY, type RecordOrigins } from './token-index.ts';
import { isoToDay } from '../dates.ts';

/**
 * Person rows as fuzzy linkage takes them, whichever engine read them: a stable record id, the partner, the exact
 * person keys, the encoding and the blocking tokens (the stored columns of schemas/stored.ts, unprefixed).
 */
export interface PersonLinkRow {
  /** Stable across runs (review decisions are remembered by it); pseudonymous. */
  id: string;
  dataset: string;
  partner: string;
  key_nhs?: string | null;
  key_upn?: string | null;
  key_local?: string | null;
  key_name_dob?: string | null;
  clk?: string | null;
  link_blocks?: string | null;
  link_edits?: string | null;
}

/** A person row's own fields as linkage keeps them. */
const linkKeys = (row: PersonLinkRow): LinkKeys => ({
  id: row.id, partner: row.partner, local: row.key_local ?? null, nhs: row.key_nhs ?? null, upn: row.key_upn ?? null, nameDob: row.key_name_dob ?? null,
});

/** A person row's fields as linkage compares them (its encoding still as stored). */
const linkFields = (row: PersonLinkRow) => ({ ...linkKeys(row), blocks: [...storedTokens(row.link_blocks), ...storedTokens(row.link_edits)] });

/**
 * Stored tokens (`<version>:<token> <token>…`) each with its version, so tokens of different key versions never
 * meet: the blocking tokens and the one-edit tokens (their `fe` tag keeps them out of blocking: table.ts).
 */
export function storedTokens(stored: string | null | undefined): string[] {
  if (!stored) return [];
  const colon = stored.indexOf(':'), version = stored.slice(0, colon);
  return stored.slice(colon + 1).split(' ').map((t) => `${version}:${t}`);
}

export const linkRecordOf = (row: PersonLinkRow): LinkRecord => ({ ...linkFields(row), clk: decodeClk(row.clk ?? null) });

/** Adds a person row to a table, its encoding and tokens decoded from their stored text. */
export function addLinkRow(table: LinkTable, row: PersonLinkRow): void {
  table.addStored(linkKeys(row), row.clk ?? null, row.link_blocks ?? null, row.link_edits ?? null);
}

/** People from person rows held as objects (a small store, tests): record id → person_id, with the review queue's pairs. */
export function linkPeople(rows: readonly PersonLinkRow[], decisions?: Decisions, config: LinkageConfig = linkageConfig): Resolution {
  const table = new LinkTable(config);
  for (const row of rows) addLinkRow(table, row);
  const resolution = resolveTable(unitCandidates(withTrainedModel(table, decisions, config), config), decisions, config);
  return { ...resolution, personOf: new Map(table.ids.map((id, i) => [id, resolution.personIds[i]])) };
}

/** Where each dataset's people are in its stored table: one source per person block that carries an encoding. */
export interface LinkSource {
  dataset: string; person: string; select: Record<string, Expr>; idParts: string[];
  /** The stored columns the record id is made of, in order (idParts as the dataset names them). */
  idColumns: string[];
  /** The view's column holding the linked person (schemas/stored.ts linkedColumns). */
  personColumn: string;
}

export function linkSources(): LinkSource[] {
  const sources: LinkSource[] = [];
  for (const dataset of Object.values(datasets)) {
    const persons = personColumns(dataset);
    const references = dataset.columns.filter((c) => c.reference).map((c) => c.reference!.key);
    for (const person of persons) {
      if (!person.clk) continue;
      const select: Record<string, Expr> = { partner: col('partner'), clk: col(person.clk), link_blocks: col(person.linkBlocks!), link_edits: col(person.linkEdits!) };
      for (const [kind, column] of Object.entries(person.keys)) select[`key_${kind}`] = col(column);
      for (const r of references) select[`ref_${r}`] = col(r);
      // A row's own reference identifies it; where the dataset has none unique (people in a crime), add the person's keys.
      const idParts = [...references.map((r) => `ref_${r}`), ...(dataset.uniqueId ? [] : ['key_local', 'key_name_dob', 'clk'])];
      const idColumns = idParts.map((p) => (select[p] as { col: string }).col);
      sources.push({ dataset: dataset.id, person: person.person, select, idParts, idColumns, personColumn: linkedPersonColumn(dataset, person.prefix) });
    }
  }
  return sources;
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

/**
 * A person row from a source's select (the columns may ride along with a product's own select): its id is the
 * dataset, the person block and the row's own references, so the same row has the same id in every query.
 */
export function linkRowOf(source: LinkSource, row: ResultRow): PersonLinkRow {
  const id = recordId(source, source.idParts.map((p) => row[p]));
  return {
    id, dataset: source.dataset, partner: String(row.partner),
    key_nhs: text(row.key_nhs), key_upn: text(row.key_upn), key_local: text(row.key_local), key_name_dob: text(row.key_name_dob),
    clk: text(row.clk), link_blocks: text(row.link_blocks), link_edits: text(row.link_edits),
  };
}

/** A record's id from its id columns' values: the views compute the same text in SQL (recordIdSql). */
export function recordId(source: LinkSource, values: readonly unknown[]): string {
  return [source.dataset, source.person, ...values.map((v) => (v === null || v === undefined ? '' : String(v).slice(0, 24)))].join('/');
}

/** recordId for the rows of one source, the same text with its prefix made once (many rows: the reference engine's join). */
export function recordIdsOf(source: LinkSource): (values: readonly unknown[]) => string {
  const prefix = `${source.dataset}/${source.person}`;
  return (values) => {
    let id = prefix;
    for (const v of values) id += `/${v === null || v === undefined ? '' : String(v).slice(0, 24)}`;
    return id;
  };
}

/** A record id's source (its dataset and person block) and ref (the rest): the columns of the person links. */
export function splitRecordId(id: string): [source: string, ref: string] {
  const cut = id.indexOf('/', id.indexOf('/') + 1);
  return [id.slice(0, cut), id.slice(cut + 1)];
}

/** A source as the person links name it (splitRecordId). */
export const sourceName = (source: LinkSource) => `${source.dataset}/${source.person}`;

/** A record's ref as SQL over a relation's columns (DuckDB and Athena alike), as recordId makes it. */
export function recordRefSql(source: LinkSource, column: (name: string) => string): string {
  return source.idColumns.map((c) => `coalesce(substr(${column(c)}, 1, 24), '')`).join(` || '/' || `);
}

/** The whole record id as SQL (what the links of format 1 hold). */
export const recordIdSql = (source: LinkSource, column: (name: string) => string) => `'${sourceName(source)}/' || ${recordRefSql(source, column)}`;

/** Rows of the datasets whose persons fuzzy linkage reads: a bound on its records that reads no encoding. */
export async function linkRecordCount(engine: Engine): Promise<number> {
  let records = 0;
  for (const source of linkSources()) records += Number((await engine.count({ from: source.dataset, groupBy: {} }, {}))[0].count);
  return records;
}

/** Every person row with an encoding or an exact key, from any engine (the rows that count), a dataset at a time. */
export async function forEachLinkRow(engine: Engine, each: (row: PersonLinkRow) => void): Promise<void> {
  for (const source of linkSources()) {
    for (const row of await engine.rows({ from: source.dataset, select: source.select }, {})) {
      const link = linkRowOf(source, row);
      if (link.clk || link.key_nhs || link.key_upn || link.key_local) each(link);
    }
  }
}

export async function loadLinkRows(engine: Engine): Promise<PersonLinkRow[]> {
  const out: PersonLinkRow[] = [];
  await forEachLinkRow(engine, (row) => out.push(row));
  return out;
}

/**
 * Every person row in a link table, held as columns: what linking the whole store reads, a batch at a time (the
 * rows forEachLinkRow gives, with no object made per row). With `origins`, each record's keys, tokens and where it
 * came from (its extract and event day) too, in table order, for the run's token index (token-index.ts).
 */
export async function loadLinkTable(engine: Engine, config: LinkageConfig = linkageConfig, origins?: RecordOrigins): Promise<LinkTable> {
  const table = new LinkTable(config);
  for (const source of linkSources()) {
    const eventDate = Object.values(datasets).find((d) => d.id === source.dataset)!.eventDate;
    const select = origins ? { ...source.select, origin_upload: col('upload_id'), ...(eventDate ? { origin_day: col(eventDate) } : {}) } : source.select;
    await engine.scan({ from: source.dataset, select }, {}, (columns, rows) => {
      const parts = source.idParts.map((p) => columns[p]), none: Scalar[] = [];
      const [nhs, upn, local, nameDob] = ['key_nhs', 'key_upn', 'key_local', 'key_name_dob'].map((k) => columns[k] ?? none);
      for (let i = 0; i < rows; i++) {
        const clk = text(columns.clk[i]), key = { nhs: text(nhs[i]), upn: text(upn[i]), local: text(local[i]) };
        if (!(clk || key.nhs || key.upn || key.local)) continue;
        const id = recordId(source, parts.map((p) => p[i])), keys = { ...key, nameDob: text(nameDob[i]) };
        table.addStored({ id, partner: String(columns.partner[i]), ...keys }, clk, text(columns.link_blocks[i]), text(columns.link_edits[i]));
        if (origins) {
          const day = eventDate && typeof columns.origin_day[i] === 'string' ? isoToDay((columns.origin_day[i] as string).slice(0, 10)) : null;
          origins.add(source.dataset, String(columns.origin_upload[i]), day ?? NO_DAY, keys);
        }
      }
    });
  }
  return table;
}
