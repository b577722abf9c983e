/**
 * One measurement in a fresh process, so its peak RSS is its own: `bare FILE` (read + split + one HMAC per row,
 * the floor any ingest pays) or `ingest FILE DATADIR [DATASET]` (the whole pipeline). Prints one JSON line; the
 * time starts after the modules are loaded.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ingestExtract } from '../../functions/ingest/ingest.ts';
import { fileSource } from '../../functions/ingest/source.ts';
import { localPlatform } from '../../functions/platform/local.ts';

const [mode, file, dataDir, dataset = 'police_crime'] = process.argv.slice(2);
const started = performance.now();
const cpuStarted = process.cpuUsage();
let rows = 0;
let extra: Record<string, unknown> = {};

if (mode === 'bare') {
  const key = randomBytes(32);
  let sink = 0;
  for await (const line of createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
    const cells = line.split(',');
    sink ^= createHmac('sha256', key).update(cells[0]).digest()[0];
    rows++;
  }
  rows--; // the header
  extra = { sink };
} else {
  const report = await ingestExtract(localPlatform(dataDir), { dataset, partner: 'leicestershire-police', source: fileSource(file) });
  rows = report.rows_read;
  extra = { status: report.status, rows_accepted: report.rows_accepted, rows_rejected: report.rows_rejected };
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
console.log(JSON.stringify({ mode, rows, seconds, cpu_s: (cpu.user + cpu.system) / 1e6, rows_per_s: Math.round(rows / seconds), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), ...extra }));
