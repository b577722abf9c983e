/**
 * Links one upload on arrival in a fresh process: `DATADIR DATASET PARTNER FILE`. The store must have had a full
 * linking run. Prints one JSON line: the ingest's seconds, the linking stage's seconds (from its first progress
 * message to the report), the records linked, joined and new people, the stored records compared, and peak RSS.
 */
import { ingestExtract } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/source.ts';
import { localPlatform } from '../../functions/platform/local.ts';

const [dataDir, dataset, partner, file] = process.argv.slice(2);
const started = performance.now();
let linkingFrom: number | null = null;
const report = await ingestExtract(localPlatform(dataDir), {
  dataset, partner, source: fileSource(file), fileName: 'bench.csv', uploadedBy: 'bench',
  onLinking: (message) => { linkingFrom ??= performance.now(); process.stderr.write(`  ${message}\n`); },
});
const done = performance.now();
console.log(JSON.stringify({
  dataset, rows: report.rows_accepted, status: report.status, linkage: report.linkage,
  ingest_s: +((done - started) / 1000).toFixed(1), linking_s: linkingFrom === null ? null : +((done - linkingFrom) / 1000).toFixed(1),
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
