import { defaultEngine, openEngine, type EngineName } from '../../analytics/engine.ts';
import { col, eq, isIn, lit, or, type Engine, type Expr } from '../../analytics/ir.ts';
import { arrivalCandidates, ArrivalTable, blockLimit } from '../../analytics/matching/arrival-candidates.ts';
import type { Candidates } from '../../analytics/matching/candidates.ts';
import { addLinkRow, linkRowOf, linkSources, storedTokens, type PersonLinkRow } from '../../analytics/matching/link-rows.ts';
import { resolveTable } from '../../analytics/matching/resolve.ts';
import type { LinkTable } from '../../analytics/matching/table.ts';
import { tagOf, trainModel } from '../../analytics/matching/training.ts';
import { linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import type { PersonLinksPointer } from '../../schemas/glue.ts';
import type { Platform } from '../platform/platform.ts';
import { getJson, PreconditionFailed } from '../platform/storage/port.ts';
import { loadDecisions } from './decisions.ts';
import { addLinksPart, linksRun, readLinksPointer, startLinks } from './links.ts';
import { LATEST_KEY, readOversizedBlocks, tokenIndexKey, type LinkingRun } from './people.ts';
import { countingExtracts, stillCounting, TokenIndex } from '../../analytics/matching/token-index.ts';

/**
 * Linking an accepted extract's person records on arrival, so the next cohort shows them without a full run: its
 * records not yet in the current run's links are scored (the latest run's blocking and model) against the stored
 * records that share an exact key or a blocking token within its limit with them (only pairs with a new record are
 * compared), and each takes the stored person of the cluster it joins, or a new person. Arrival never merges two stored people: where a cluster holds two, the new records go to
 * the one they link to most strongly, and the merge waits for a full run (or review). Before any full run, the
 * first upload starts a run of its own.
 */
export interface ArrivalLinks {
  /** The upload's person records linked now (those already in the links are not counted). */
  records: number;
  /** How many of them joined a stored person, and how many new people they make. */
  joined: number;
  newPeople: number;
  /** Stored records read to link them. */
  compared: number;
  /** The links part written; null when the upload had no new person records. */
  part: string | null;
  run: string;
}

const TRIES = 3;

export async function linkOnArrival(
  platform: Platform, upload: { dataset: string; upload_id: string },
  options: { engine?: EngineName; progress?: (message: string) => void; config?: LinkageConfig } = {},
): Promise<ArrivalLinks> {
  const progress = options.progress ?? (() => {});
  const config = options.config ?? linkageConfig;
  const sources = linkSources().filter((s) => s.dataset === upload.dataset);
  for (let attempt = 1; ; attempt++) {
    const pointer = await readLinksPointer(platform.storage);
    if (!sources.length) return { records: 0, joined: 0, newPeople: 0, compared: 0, part: null, run: pointer?.value.run ?? '' };
    const engine = await openEngine(options.engine ?? defaultEngine.batch, platform);
    let linked: Linked;
    try {
      linked = await linkRecords(platform, engine, upload, pointer, config, progress);
    } finally {
      await engine.close();
    }
    if (!linked.ids.length) return { records: 0, joined: 0, newPeople: 0, compared: linked.compared, part: null, run: pointer?.value.run ?? '' };
    progress(`writing the links of ${linked.ids.length.toLocaleString('en-GB')} records…`);
    try {
      const part = `part-${upload.upload_id}`;
      const written = pointer
        ? await addLinksPart(platform.storage, pointer, part, linked.ids, linked.personIds, platform.now())
        : await startLinks(platform.storage, `arrival-${upload.upload_id}`, part, linked.ids, linked.personIds, platform.now());
      return { records: linked.ids.length, joined: linked.joined, newPeople: linked.newPeople, compared: linked.compared, part: written.parts.at(-1)!, run: written.run };
    } catch (error) {
      // The pointer moved (another upload, or a full run) since it was read: link again against what it names now.
      if (!(error instanceof PreconditionFailed) || attempt >= TRIES) throw error;
      progress('the person links changed while linking: linking again…');
    }
  }
}

interface Linked { ids: string[]; personIds: string[]; joined: number; newPeople: number; compared: number }

async function linkRecords(
  platform: Platform, engine: Engine, upload: { dataset: string; upload_id: string },
  pointer: { value: PersonLinksPointer } | null, config: LinkageConfig, progress: (message: string) => void,
): Promise<Linked> {
  const sources = linkSources().filter((s) => s.dataset === upload.dataset);
  const latest = await getJson<LinkingRun>(platform.storage, LATEST_KEY);
  // The run's token index, while the links are the run's alone: it then knows every linked record (no links joined).
  const onlyTheRun = latest && pointer && pointer.value.run === linksRun(latest.value.key) && pointer.value.parts.length === 1;
  const index = onlyTheRun ? await readTokenIndex(platform, latest.value.key, upload.upload_id) : null;
  const fresh: PersonLinkRow[] = [];
  for (const source of sources) {
    const select = index ? source.select : { ...source.select, linked: col(source.personColumn) };
    const rows = await engine.rows({ from: source.dataset, select, where: eq(col('upload_id'), lit(upload.upload_id)) }, {});
    for (const row of rows) {
      const link = linkRowOf(source, row);
      const linked = index ? index.index.linked(link.id) : row.linked !== null;
      if (!linked && (link.clk || link.key_nhs || link.key_upn || link.key_local)) fresh.push(link);
    }
  }
  const seen = new Set<string>();
  const news = fresh.filter((r) => !seen.has(r.id) && seen.add(r.id));
  if (!news.length) return { ids: [], personIds: [], joined: 0, newPeople: 0, compared: 0 };
  progress(`linking ${news.length.toLocaleString('en-GB')} new person records…`);

  const oversized = latest ? await readOversizedBlocks(platform.storage, latest.value.key) : {};
  // A store a full run would compare all pairs of (its units at most its records) is read whole.
  const units = latest && pointer ? latest.value.units + pointer.value.records - latest.value.records : pointer?.value.records ?? 0;
  const whole = units + news.length <= config.blocking.allPairsUpTo;
  const newBlocks = newBlockRecords(news);
  const through = whole ? null : readThrough(newBlocks, oversized, config);
  const stored = index && through ? indexedNeighbours(index.index, index.counting, news, through!) : pointer ? await storedNeighbours(engine, news, upload.upload_id, through) : [];
  const table = new ArrivalTable(config);
  const personOfStored = new Map<string, string>();
  for (const { id, person, add } of stored) {
    if (personOfStored.has(id) || seen.has(id)) continue;
    personOfStored.set(id, person);
    add(table);
  }
  for (const row of news) addLinkRow(table, row);
  progress(`comparing them with ${personOfStored.size.toLocaleString('en-GB')} stored records that share a blocking token or a key${index && through ? ' (from the run\'s token index)' : ''}…`);
  const sizes = storeSizes(table, newBlocks, oversized);
  const decisions = await loadDecisions(platform.storage);
  table.storeSizes = sizes;
  table.useModel(latest?.value.model ?? trainModel(table, decisions, config));
  const holdsNew = new Uint8Array(table.units);
  for (let i = personOfStored.size; i < table.size; i++) holdsNew[table.unit[i]] = 1;
  let comparable = 0;
  for (let u = 0; u < table.units; u++) comparable += Number(table.encoded[u]);
  const candidates = arrivalCandidates(table, config, holdsNew, sizes, whole && comparable <= config.blocking.allPairsUpTo);
  const resolution = resolveTable(candidates, decisions, config);

  // Per cluster: the stored people among its records, and how strongly the cluster's new records link to each.
  const clusterPerson = new Map<number, string>();
  for (const [root, byPerson] of strongestLinks(table, candidates, resolution.root, personOfStored)) {
    const [best] = [...byPerson].sort(([p, x], [q, y]) => y - x || (p < q ? -1 : 1));
    clusterPerson.set(root, best[0]);
  }
  const ids: string[] = [], personIds: string[] = [];
  let joined = 0;
  const newPeople = new Set<string>();
  for (let i = personOfStored.size; i < table.size; i++) {
    const person = clusterPerson.get(resolution.root[i]);
    ids.push(table.ids[i]);
    if (person) { personIds.push(person); joined++; } else { personIds.push(resolution.personIds[i]); newPeople.add(resolution.personIds[i]); }
  }
  return { ids, personIds, joined, newPeople: newPeople.size, compared: personOfStored.size };
}

/**
 * Cluster root → stored person → the strongest link between that person's records and the cluster's new records
 * (an exact key beats any score). Only clusters that hold a stored person are in it.
 */
function strongestLinks(table: LinkTable, candidates: Candidates, roots: Int32Array, personOfStored: Map<string, string>): Map<number, Map<string, number>> {
  const stored = personOfStored.size; // stored records come first in the table
  const root = (i: number) => roots[i];
  const out = new Map<number, Map<string, number>>();
  const note = (r: number, person: string, strength: number) => {
    const byPerson = out.get(r) ?? out.set(r, new Map()).get(r)!;
    byPerson.set(person, Math.max(byPerson.get(person) ?? -Infinity, strength));
  };
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < table.size; i++) (byRoot.get(root(i)) ?? byRoot.set(root(i), []).get(root(i))!).push(i);
  const scoreOf = new Map<string, number>();
  for (let k = 0; k < candidates.count; k++) scoreOf.set(`${candidates.a[k]},${candidates.b[k]}`, candidates.score[k]);
  const pairScore = (u: number, v: number) => scoreOf.get(u <= v ? `${u},${v}` : `${v},${u}`) ?? -Infinity;
  const sharesKey = (i: number, j: number) => [table.nhs, table.upn, table.local, table.nameDob].some((k) => k[i] >= 0 && k[i] === k[j]);
  for (const [r, members] of byRoot) {
    const olds = members.filter((i) => i < stored), news = members.filter((i) => i >= stored);
    if (!olds.length || !news.length) continue;
    for (const j of olds) {
      const person = personOfStored.get(table.ids[j])!;
      let best = -Infinity;
      for (const i of news) best = Math.max(best, sharesKey(i, j) ? Infinity : pairScore(table.unit[i], table.unit[j]));
      note(r, person, best);
    }
  }
  return out;
}

/**
 * The blocking tokens of the new records to read stored neighbours through: those whose block in the store (as the
 * last full run counted it, with the new records) is within its limit; candidate search skips the others, as a
 * full run does. Tokens the full run did not find oversized are read, so their blocks are counted here.
 */
function readThrough(fresh: ReadonlyMap<string, number>, oversized: Record<string, number>, config: LinkageConfig): Set<string> {
  const tokens = new Set<string>();
  for (const [token, records] of fresh) {
    const known = oversized[token];
    if (known === undefined || known + records <= blockLimit(tagOf(token), config)) tokens.add(token);
  }
  return tokens;
}

/** Blocking token → the new records carrying it. */
function newBlockRecords(news: readonly PersonLinkRow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of news) for (const t of new Set(storedTokens(row.link_blocks))) out.set(t, (out.get(t) ?? 0) + 1);
  return out;
}

/**
 * Each block's records in the store with the new records: counted in the table for the blocks read whole, the
 * full run's count and the new records for the oversized ones (whose stored records were not all read).
 */
function storeSizes(table: ArrivalTable, fresh: ReadonlyMap<string, number>, oversized: Record<string, number>): Int32Array {
  const sizes = table.blockRecords();
  const seen = new Uint8Array(sizes.length);
  for (let u = 0; u < table.units; u++) {
    for (const t of table.blocks[u]) {
      if (seen[t]) continue;
      seen[t] = 1;
      const token = table.tokenText(t), known = oversized[token];
      if (known !== undefined) sizes[t] = Math.max(sizes[t], known + (fresh.get(token) ?? 0));
    }
  }
  return sizes;
}

/** A stored record to link against: its id, its person, and how to add it to the table. */
interface StoredNeighbour { id: string; person: string; add: (table: LinkTable) => void }

/** The latest run's token index, and which of its records still count; null where there is none or it cannot say. */
async function readTokenIndex(platform: Platform, peopleKey: string, uploading: string): Promise<{ index: TokenIndex; counting: Uint8Array } | null> {
  const object = await platform.storage.get(tokenIndexKey(peopleKey));
  if (!object) return null;
  const index = new TokenIndex(object.body);
  const counting = stillCounting(index, countingExtracts((await platform.catalog.read()).extracts, linkSources().map((s) => s.dataset)), uploading);
  return counting ? { index, counting } : null;
}

/**
 * The neighbours storedNeighbours finds, from the run's token index: the records of the blocks of `through` and
 * those holding a new record's exact key, among those still counting, in the run's order. Each carries only the
 * tokens the new records carry: a pair is compared, and its levels and term frequencies read, through the tokens
 * it shares with a new record alone.
 */
function indexedNeighbours(index: TokenIndex, counting: Uint8Array, news: readonly PersonLinkRow[], through: Set<string>): StoredNeighbour[] {
  const found = new Uint8Array(index.records);
  const take = (r: number) => { if (counting[r]) found[r] = 1; };
  for (const token of through) {
    const t = index.token(token);
    if (t >= 0) for (const u of index.unitsOf(t)) for (const r of index.recordsOf(u)) take(r);
  }
  const kinds = [['nhs', 'key_nhs'], ['upn', 'key_upn'], ['local', 'key_local'], ['nameDob', 'key_name_dob']] as const;
  for (const [kind, column] of kinds) {
    for (const value of new Set(news.map((row) => row[column]).filter((v): v is string => !!v))) for (const r of index.holders(kind, value)) take(r);
  }
  const wanted = new Map<number, string>();
  for (const row of news) {
    for (const token of [...storedTokens(row.link_blocks), ...storedTokens(row.link_edits)]) {
      const t = index.token(token);
      if (t >= 0) wanted.set(t, token);
    }
  }
  // Index token → the table's, each interned once (in the table the stored records go into first).
  let inTable: { table: LinkTable; of: Int32Array } | null = null;
  const tokensOf = (table: LinkTable, unit: number): number[] => {
    if (inTable?.table !== table) {
      inTable = { table, of: new Int32Array(index.tokenCount).fill(-1) };
      for (const [t, text] of wanted) inTable.of[t] = table.internToken(text);
    }
    const out: number[] = [];
    for (const t of index.tokensOf(unit)) if (inTable.of[t] >= 0) out.push(inTable.of[t]);
    return out;
  };
  const out: StoredNeighbour[] = [];
  for (let r = 0; r < found.length; r++) {
    if (!found[r]) continue;
    const { unit, person, ...record } = index.record(r);
    out.push({ id: record.id, person, add: (table) => { table.addInterned(record, index.clk(unit), tokensOf(table, unit)); } });
  }
  return out;
}

/**
 * The stored, linked records of any dataset that share a blocking token of `through` or an exact key with the new
 * records; with `through` null, every stored record (a small store, compared all pairs).
 */
async function storedNeighbours(engine: Engine, news: readonly PersonLinkRow[], uploadId: string, through: Set<string> | null): Promise<StoredNeighbour[]> {
  const keys = { key_nhs: new Set<string>(), key_upn: new Set<string>(), key_local: new Set<string>(), key_name_dob: new Set<string>() };
  for (const row of news) for (const k of Object.keys(keys) as (keyof typeof keys)[]) if (row[k]) keys[k].add(row[k]!);
  const out: StoredNeighbour[] = [];
  for (const source of linkSources()) {
    const ors: Expr[] = [];
    const block = source.select.link_blocks as { col: string } | undefined;
    if (block && through?.size) ors.push({ op: 'has_token', a: block, tokens: [...through] });
    for (const k of Object.keys(keys) as (keyof typeof keys)[]) {
      const column = source.select[k];
      if (column && keys[k].size) ors.push(isIn(column, [...keys[k]]));
    }
    if (through && !ors.length) continue;
    const rows = await engine.rows({ from: source.dataset, select: { ...source.select, linked: col(source.personColumn), upload: col('upload_id') }, ...(through ? { where: or(...ors) } : {}) }, {});
    for (const row of rows) {
      if (row.linked === null || row.upload === uploadId) continue;
      const link = linkRowOf(source, row);
      out.push({ id: link.id, person: String(row.linked), add: (table) => addLinkRow(table, link) });
    }
  }
  return out;
}
