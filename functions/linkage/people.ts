import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { oversizedBlocks } from '../../analytics/matching/arrival-candidates.ts';
import { defaultEngine, openEngine, type EngineName } from '../../analytics/engine.ts';
import type { Engine } from '../../analytics/ir.ts';
import { unitCandidates } from '../../analytics/matching/candidates.ts';
import { linkRecordCount, linkSources, loadLinkTable } from '../../analytics/matching/link-rows.ts';
import type { LinkTable } from '../../analytics/matching/table.ts';
import { countingExtracts, RecordOrigins, tokenIndexChunks } from '../../analytics/matching/token-index.ts';
import { decodePeopleIndex, encodePeopleIndex, indexPeople, type PeopleIndex } from '../../analytics/matching/people-index.ts';
import { pairKey, resolveTable, type Decisions } from '../../analytics/matching/resolve.ts';
import type { ReviewItem } from '../../analytics/matching/review.ts';
import { autoLinkedPairs, blindSample } from '../../analytics/matching/blind.ts';
import type { TrainedModel } from '../../analytics/matching/model.ts';
import { trainModel, withTrainedModel } from '../../analytics/matching/training.ts';
import { linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import type { Platform } from '../platform/platform.ts';
import { getJson, type Storage } from '../platform/storage/port.ts';
import { writeObject } from '../platform/storage/write-object.ts';
import { DECISIONS_KEY, loadDecisions } from './decisions.ts';
import { dataTo } from '../products/about.ts';
import { byImpact, cohortPeople, type ReviewItemWithImpact } from './impact.ts';
import { linksRun, readLinksPointer, storeRunLinks } from './links.ts';
import type { LinkageState } from '../../analytics/products/cohort.ts';
import { PERSON_LINKS_POINTER } from '../../schemas/glue.ts';
import { forEachPersonLink } from '../../analytics/engines/person-links.ts';
import { EarlierLinks, type LinkChanges } from '../../analytics/matching/changes.ts';

/**
 * Linking people ahead of time: once per data version (the catalog and the review decisions), every person record
 * is linked (analytics/matching) and the people are stored, so that the cohort, the deep dive and the review queue
 * look them up instead of linking the whole store on each request. `vrn link` and the scheduled refresh run it.
 */
export const PEOPLE_PREFIX = 'linkage/people/';
export const LATEST_KEY = `${PEOPLE_PREFIX}latest.json`;

/** What the latest linking run stored. */
export interface LinkingRun {
  version: string;
  key: string;
  linked_at: string;
  records: number;
  units: number;
  people: number;
  compared: number;
  review: number;
  seconds: number;
  /** The model trained on this data version and used for it (levels, m, u, λ, term-frequency settings; no values). */
  model: TrainedModel;
  /** Who changed against the links before the run (the earlier run's and the uploads linked on arrival since); absent for a store's first. */
  changes?: LinkChanges;
}

/** The data version people are linked at: the catalog's, and the review decisions' (they change who is one person). */
export async function dataVersion(platform: Pick<Platform, 'catalog' | 'storage'>): Promise<string> {
  return `${await platform.catalog.version()}|${(await platform.storage.etag(DECISIONS_KEY)) ?? 'no decisions'}`;
}

/**
 * What the products' answers depend on: the data version, which people are stored (a run may store this version's
 * people later), and the person links the views join (an upload linked on arrival adds to them).
 */
export async function productsVersion(platform: Pick<Platform, 'catalog' | 'storage'>): Promise<string> {
  const [data, latest, links] = await Promise.all([dataVersion(platform), platform.storage.etag(LATEST_KEY), platform.storage.etag(PERSON_LINKS_POINTER)]);
  return `${data}|${latest ?? 'never linked'}|${links ?? 'no links'}`;
}

export const peopleKey = (version: string) => `${PEOPLE_PREFIX}${createHash('sha256').update(version).digest('hex').slice(0, 24)}.json.gz`;
/** A run's sample of auto-links for blind review (functions/linkage/blind-review.ts), next to its people. */
export const blindSampleKey = (peopleKey: string) => peopleKey.replace(/\.json\.gz$/, '.blind.json');
/** The sample is seeded by the run's catalog version: decisions since do not draw a new one. */
export const blindSeed = (version: string) => version.split('|')[0];
/**
 * A run's oversized blocks (keyed token → records), next to its people: arrival reads no neighbours through them and
 * sizes them from here (functions/linkage/arrival.ts). Written by the run rather than counted on arrival, which would
 * read every stored record's tokens.
 */
export const oversizedBlocksKey = (peopleKey: string) => peopleKey.replace(/\.json\.gz$/, '.oversized.json.gz');

/** The oversized blocks of the run that stored `peopleKey`; none for a run that predates them (arrival then reads every block). */
/**
 * A run's token index (analytics/matching/token-index.ts), next to its people: its records' encodings, tokens, keys
 * and people, from which arrival reads its neighbours instead of the whole store.
 */
export const tokenIndexKey = (peopleKey: string) => peopleKey.replace(/\.json\.gz$/, '.tokens.bin');

export async function readOversizedBlocks(storage: Storage, peopleKey: string): Promise<Record<string, number>> {
  const object = await storage.get(oversizedBlocksKey(peopleKey));
  return object ? JSON.parse(gunzipSync(object.body).toString('utf8')) : {};
}

/** Stored people are read once per process and key (they are immutable: a new version gets a new key). */
const loaded = new WeakMap<Storage, Map<string, Promise<PeopleIndex | null>>>();

export function loadPeople(storage: Storage, key: string): Promise<PeopleIndex | null> {
  const cache = loaded.get(storage) ?? loaded.set(storage, new Map()).get(storage)!;
  let entry = cache.get(key);
  if (!entry) {
    entry = storage.get(key).then((object) => (object ? decodePeopleIndex(object.body) : null));
    // Not there yet is not remembered: a linking run may store it next.
    entry.then((people) => { if (!people) cache.delete(key); }, () => cache.delete(key));
    if (cache.size >= 2) cache.delete(cache.keys().next().value!);
    cache.set(key, entry);
  }
  return entry;
}

/**
 * Links every person record of the current data version and stores the people, unless they are stored already.
 * The Arquero engine by default: at scale 10 it read the records faster and at a lower peak than DuckDB's whole
 * result sets (bench --products). `progress` hears each stage (for the CLI and the logs); nothing it hears names a
 * person.
 */
export async function linkAllPeople(platform: Platform, engineName: EngineName = defaultEngine.batch, progress: (message: string) => void = () => {}): Promise<LinkingRun & { skipped: boolean }> {
  const started = performance.now();
  const version = await dataVersion(platform);
  const key = peopleKey(version);
  const latest = await getJson<LinkingRun>(platform.storage, LATEST_KEY);
  if (latest?.value.key === key && await platform.storage.exists(key) && (await readLinksPointer(platform.storage))?.value.run === linksRun(key)) {
    return { ...latest.value, skipped: true };
  }

  progress('reading the person records of every dataset…');
  const engine = await openEngine(engineName, platform);
  let table;
  const origins = new RecordOrigins();
  try {
    table = await loadLinkTable(engine, linkageConfig, origins);
  } finally {
    await engine.close();
  }
  const decisions = await loadDecisions(platform.storage);
  progress(`training the model on ${table.size.toLocaleString('en-GB')} records…`);
  const model = trainModel(table, decisions);
  table.useModel(model);
  progress(`comparing ${table.units.toLocaleString('en-GB')} distinct encodings of ${table.size.toLocaleString('en-GB')} records…`);
  const candidates = unitCandidates(table);
  progress(`resolving ${candidates.count.toLocaleString('en-GB')} candidate pairs into people…`);
  const resolution = resolveTable(candidates, decisions);
  const linkedAt = platform.now().toISOString();
  const index = indexPeople(resolution, { version, linkedAt });
  await platform.storage.put(key, encodePeopleIndex(index));
  const earlier = new EarlierLinks(resolution.table.ids, resolution.table.rank);
  await forEachPersonLink(platform.storage, (record, person) => earlier.add(record, person));
  const changes = earlier.size ? earlier.changes(resolution.personIds) : undefined;
  progress('writing the person links the views join…');
  await storeRunLinks(platform.storage, linksRun(key), resolution.table.ids, resolution.personIds, platform.now());
  await platform.storage.put(oversizedBlocksKey(key), gzipSync(JSON.stringify(oversizedBlocks(table))));
  progress('writing the token index arrival reads…');
  await storeTokenIndex(platform, key, version, table, resolution.personIds, origins);
  await platform.storage.put(blindSampleKey(key), JSON.stringify(blindSample(autoLinkedPairs(candidates, resolution), blindSeed(version))));
  const run: LinkingRun = {
    version, key, linked_at: linkedAt, records: table.size, units: table.units, people: index.people,
    compared: candidates.stats.compared, review: index.review.length, seconds: Math.round((performance.now() - started) / 100) / 10, model,
    ...(changes ? { changes } : {}),
  };
  await platform.storage.put(LATEST_KEY, JSON.stringify(run, null, 1));
  progress(`stored ${index.people.toLocaleString('en-GB')} people (${index.review.length.toLocaleString('en-GB')} pairs to review)`);
  if (changes) progress(describeChanges(changes));
  return { ...run, skipped: false };
}

/** The token index of this run's table; none where the catalog moved during the run (arrival then reads the store). */
async function storeTokenIndex(platform: Platform, key: string, version: string, table: LinkTable, personIds: readonly string[], origins: RecordOrigins) {
  const { extracts } = await platform.catalog.read();
  if (await platform.catalog.version() !== blindSeed(version)) return;
  const chunks = tokenIndexChunks(table, personIds, origins, countingExtracts(extracts, linkSources().map((s) => s.dataset)));
  if (!chunks) return;
  // Section by section: no buffer of the whole index beside its sections.
  await writeObject(platform.storage, tokenIndexKey(key), chunks);
}

/** A run's changes in a line, for `vrn link` and the logs. */
export const describeChanges = (c: LinkChanges) =>
  `against the links before: ${c.records_moved.toLocaleString('en-GB')} records moved to another person, ${c.people_merged.toLocaleString('en-GB')} people merged, `
  + `${c.people_split.toLocaleString('en-GB')} split; ${c.records_new.toLocaleString('en-GB')} records new, ${c.records_gone.toLocaleString('en-GB')} gone`;

/** Links a small store in the request, the model trained with the decisions as a linking run trains it. */
export async function linkInRequest(engine: Engine, decisions: Decisions, config: LinkageConfig = linkageConfig) {
  const candidates = unitCandidates(withTrainedModel(await loadLinkTable(engine, config), decisions, config), config);
  return { candidates, resolution: resolveTable(candidates, decisions, config) };
}

/** The people the review queue works from, and what to say of them (they may predate the data). */
export interface CurrentPeople { people: PeopleIndex; note?: string }

/**
 * The people the review queue works from now: the stored people of this data version; else, for a store of at most
 * `productsUpTo` person records, linking it in the request; else the latest stored people, saying so; else none
 * (never linked). The products read no index: they join the person links the views show.
 */
export async function currentPeople(platform: Pick<Platform, 'catalog' | 'storage'>, engine: Engine, config: LinkageConfig = linkageConfig): Promise<CurrentPeople | null> {
  const version = await dataVersion(platform);
  const current = await loadPeople(platform.storage, peopleKey(version));
  if (current) return { people: current };
  if (await linkRecordCount(engine) <= config.productsUpTo) {
    const { resolution } = await linkInRequest(engine, await loadDecisions(platform.storage), config);
    return { people: indexPeople(resolution, { version, linkedAt: 'in this request' }) };
  }
  const latest = await getJson<LinkingRun>(platform.storage, LATEST_KEY);
  const people = latest ? await loadPeople(platform.storage, latest.value.key) : null;
  if (!people) return null;
  return {
    people,
    note: `people as linked at ${latest!.value.linked_at}; review decisions since then take effect at the next linking run (vrn link, or the scheduled refresh)`,
  };
}

/** The review queue now: the pairs of the people currentPeople finds, not decided since they were linked. */
export async function currentReviewQueue(platform: Pick<Platform, 'catalog' | 'storage'>, engine: Engine, config: LinkageConfig = linkageConfig): Promise<ReviewItem[]> {
  return (await queueAndPeople(platform, engine, config)).items;
}

async function queueAndPeople(platform: Pick<Platform, 'catalog' | 'storage'>, engine: Engine, config: LinkageConfig) {
  const current = await currentPeople(platform, engine, config);
  if (!current) return { items: [], people: null };
  const decisions = await loadDecisions(platform.storage);
  return { items: current.people.review.filter((item) => !decisions.has(pairKey(item.records[0].id, item.records[1].id))), people: current.people };
}

/**
 * The review queue as analysts work it: each pair marked when it touches a member of a panel's cohort as of
 * `asOf` (default: the latest date the extracts cover), those first; `only: 'cohort'` keeps just those.
 */
export async function reviewQueueByImpact(
  platform: Pick<Platform, 'catalog' | 'storage' | 'area' | 'deployment' | 'now'>, engine: Engine,
  options: { asOf?: string; only?: 'cohort' } = {}, config: LinkageConfig = linkageConfig,
): Promise<ReviewItemWithImpact[]> {
  const { items, people } = await queueAndPeople(platform, engine, config);
  if (!people || !items.length) return [];
  const asOf = options.asOf ?? await dataTo(platform) ?? platform.now().toISOString().slice(0, 10);
  const ordered = byImpact(items, people, await cohortPeople(platform, engine, asOf));
  return options.only ? ordered.filter((item) => item.impact === options.only) : ordered;
}

/**
 * The model the latest linking run trained and linked with, and the data version it was trained on: what analysts
 * see (`GET /v1/linkage/model`, `vrn review model`). Null before any run.
 */
export async function currentModel(platform: Pick<Platform, 'storage'>): Promise<{ version: string; linked_at: string; model: TrainedModel } | null> {
  const latest = await getJson<LinkingRun>(platform.storage, LATEST_KEY);
  if (!latest?.value.model) return null;
  return { version: latest.value.version, linked_at: latest.value.linked_at, model: latest.value.model };
}

/**
 * What the products say of the people the views show: none before the first linking run (no record has a person
 * yet), else the people of the latest run and the uploads linked on arrival since.
 */
export async function linkageState(platform: Pick<Platform, 'storage'>): Promise<LinkageState> {
  const pointer = await readLinksPointer(platform.storage);
  if (!pointer) return { kind: 'exact', note: 'no linking run yet, so no record is linked to a person: run vrn link (or wait for the scheduled refresh)' };
  return { kind: 'fuzzy' };
}
