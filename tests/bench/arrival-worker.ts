/**
 * Links one upload on arrival in a fresh process: `DATADIR DATASET PARTNER FILE`. The store must have had a full
 * linking run. Prints one JSON line: the ingest's seconds, the linking stage's seconds and CPU seconds (user +
 * system, from its first progress message to the report), the records linked, joined and new people, the stored
 * records compared, a digest of the links written (record → person, sorted: to compare code versions), and peak RSS.
 */
import { createHash } from 'node:crypto';
import { parquetReadObjects } from 'hyparquet';
import { ingestExtract } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/source.ts';
import { readLinksPointer } from '../../functions/linkage/links.ts';
import { localPlatform } from '../../functions/platform/local.ts';

const [dataDir, dataset, partner, file] = process.argv.slice(2);
const platform = localPlatform(dataDir);
const started = performance.now(), startedCpu = process.cpuUsage();
let linkingFrom: number | null = null, linkingCpu: NodeJS.CpuUsage | null = null;
const report = await ingestExtract(platform, {
  dataset, partner, source: fileSource(file), fileName: 'bench.csv', uploadedBy: 'bench',
  onLinking: (message) => { linkingCpu ??= process.cpuUsage(); linkingFrom ??= performance.now(); process.stderr.write(`  ${message}\n`); },
});
const done = performance.now(), cpu = process.cpuUsage(startedCpu), linkCpu = linkingCpu === null ? null : process.cpuUsage(linkingCpu);
const seconds = (u: NodeJS.CpuUsage) => +((u.user + u.system) / 1e6).toFixed(1);
const part = (await readLinksPointer(platform.storage))!.value.parts.at(-1)!;
const body = (await platform.storage.get(part))!.body;
const links = await parquetReadObjects({ file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer });
const digest = createHash('sha256').update(links.map((l) => `${l.record_id}\t${l.person_id}`).sort().join('\n')).digest('hex').slice(0, 12);
console.log(JSON.stringify({
  dataset, rows: report.rows_accepted, status: report.status, linkage: report.linkage,
  ingest_s: +((done - started) / 1000).toFixed(1), linking_s: linkingFrom === null ? null : +((done - linkingFrom) / 1000).toFixed(1),
  cpu_s: seconds(cpu), linking_cpu_s: linkCpu === null ? null : seconds(linkCpu), links_digest: digest,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
