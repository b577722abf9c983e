/** One product run in a fresh process: `measures DATADIR ENGINE`. Prints one JSON line with time and peak RSS. */
import { openEngine, type EngineName } from '../../analytics/engine.ts';
import { successMeasures } from '../../analytics/products/success-measures.ts';
import { localPlatform } from '../../functions/platform/local.ts';

const [, dataDir, engineName] = process.argv.slice(2);
const started = performance.now();
const engine = await openEngine(engineName as EngineName, localPlatform(dataDir));
const opened = performance.now();
const result = await successMeasures(engine, '2024-25');
const first = performance.now();
await successMeasures(engine, '2023-24');
const second = performance.now();
await engine.close();
const knife = result.measures.find((m) => m.id === 'knife_serious_violence' && m.split === 'all_ages')!;
console.log(JSON.stringify({
  engine: engineName, open_s: +((opened - started) / 1000).toFixed(2), first_run_s: +((first - opened) / 1000).toFixed(2),
  second_run_s: +((second - first) / 1000).toFixed(2), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), knife_count: knife.count,
}));
