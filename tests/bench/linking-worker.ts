/**
 * Links every person record of a data dir in a fresh process: `DATADIR ENGINE`. Prints one JSON line with the
 * run (records, distinct encodings, people, pairs to review), the seconds of each stage, the CPU seconds of the
 * process (user + system) and the peak RSS.
 */
import { linkAllPeople } from '../../functions/linkage/people.ts';
import { localPlatform } from '../../functions/platform/local.ts';

const [dataDir, engine] = process.argv.slice(2);
const stages: Record<string, number> = {};
let last = performance.now(), stage = 'start';
const run = await linkAllPeople(localPlatform(dataDir), engine as 'sql' | 'arquero', (message) => {
  const now = performance.now();
  stages[stage] = +((now - last) / 1000).toFixed(1);
  [last, stage] = [now, message.split(' ')[0]];
  process.stderr.write(`  ${message}\n`);
});
stages[stage] = +((performance.now() - last) / 1000).toFixed(1);
const cpu = process.cpuUsage();
console.log(JSON.stringify({
  engine, skipped: run.skipped, records: run.records, units: run.units, people: run.people, compared: run.compared, review: run.review,
  seconds: run.seconds, cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(1), read_s: stages.reading, compare_s: stages.comparing, resolve_s: stages.resolving,
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
