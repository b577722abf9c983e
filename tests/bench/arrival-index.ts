/**
 * Writes the token index (analytics/matching/token-index.ts) into a store whose latest full run predates it, as that
 * run would have: `DATADIR`. The people are the run's, read from its person links; the store must be as the run
 * left it (no upload linked on arrival since). Prints the seconds (wall, and CPU of building the index alone), the index's size and peak RSS.
 */
import { openEngine } from '../../analytics/engine.ts';
import { forEachPersonLink } from '../../analytics/engines/person-links.ts';
import { linkSources, loadLinkTable } from '../../analytics/matching/link-rows.ts';
import { buildTokenIndex, countingExtracts, RecordOrigins } from '../../analytics/matching/token-index.ts';
import { linkageConfig } from '../../schemas/linkage.ts';
import { LATEST_KEY, tokenIndexKey, type LinkingRun } from '../../functions/linkage/people.ts';
import { localPlatform } from '../../functions/platform/local.ts';
import { getJson } from '../../functions/platform/storage/port.ts';

const platform = localPlatform(process.argv[2]);
const started = performance.now(), cpu = process.cpuUsage();
const latest = (await getJson<LinkingRun>(platform.storage, LATEST_KEY))!.value;
const engine = await openEngine('arquero', platform);
const origins = new RecordOrigins();
let table;
try {
  table = await loadLinkTable(engine, linkageConfig, origins);
} finally {
  await engine.close();
}
const personOf = new Map<string, string>();
await forEachPersonLink(platform.storage, (record, person) => personOf.set(record, person));
const personIds = table.ids.map((id) => personOf.get(id) ?? '');
if (personIds.some((p) => p === '')) throw new Error('a record of the table has no person in the links: the store has changed since its run');
const built = performance.now(), loadCpu = process.cpuUsage(cpu);
const body = buildTokenIndex(table, personIds, origins, countingExtracts((await platform.catalog.read()).extracts, linkSources().map((s) => s.dataset)));
if (!body) throw new Error('no token index for this store');
await platform.storage.put(tokenIndexKey(latest.key), body);
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({
  records: table.size, units: table.units, tokens: table.tokenCount, index_mb: Math.round(body.length / 1e6),
  load_s: +((built - started) / 1000).toFixed(1), build_s: +((performance.now() - built) / 1000).toFixed(1),
  cpu_s: +((used.user + used.system) / 1e6).toFixed(1), build_cpu_s: +((used.user + used.system - loadCpu.user - loadCpu.system) / 1e6).toFixed(1), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
