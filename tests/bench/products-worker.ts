/**
 * One product on one engine in a fresh process: `PRODUCT DATADIR ENGINE`. Runs it twice (the second run shows the
 * engine's own caching) and prints one JSON line with the times, how people were linked, a digest of the result
 * (to compare the engines) and the peak RSS. The
 * cohort, the deep dive and the programme report read the people a linking run stored, as the service does.
 */
import { createHash } from 'node:crypto';
import { openEngine, type EngineName } from '../../analytics/engine.ts';
import type { Engine } from '../../analytics/ir.ts';
import { disclose } from '../../analytics/disclosure.ts';
import { preventionPanelCohort } from '../../analytics/products/cohort.ts';
import { countProgrammeReport } from '../../analytics/products/programme-report.ts';
import { deepDive } from '../../analytics/products/deep-dive.ts';
import { localityProfile } from '../../analytics/products/locality-profile.ts';
import { successMeasures } from '../../analytics/products/success-measures.ts';
import { countIndicators } from '../../analytics/products/indicators.ts';
import { dataToByDataset } from '../../functions/products/about.ts';
import { linkageState } from '../../functions/linkage/people.ts';
import { localPlatform } from '../../functions/platform/local.ts';
import { cohortRules } from '../deployments.ts';

const [product, dataDir, engineName] = process.argv.slice(2);
const platform = localPlatform(dataDir);
const products: Record<string, (engine: Engine) => Promise<unknown>> = {
  measures: (e) => successMeasures(e, '2024-25'),
  profile: (e) => localityProfile(e, platform.area, platform.agreement, { locality: 'leicester', period: '2024-25' }),
  cohort: async (e) => preventionPanelCohort(e, platform.area, cohortRules, 'city', '2025-09-30', await linkageState(platform)),
  'deep-dive': async (e) => deepDive(e, platform.area, { groups: ['robbery_personal', 'robbery_business'], area: 'llr', period: '2024-25' }, await linkageState(platform)),
  // Issue 16's target: a programme's report (monitoring, and outcomes against a matched comparison) beside the cohort.
  programme: async (e) => disclose(await countProgrammeReport(e, platform.agreement, platform.deployment.programmes, { programme: 'vip', period: '2024-25', audience: 'analyst' }, await linkageState(platform)), 'none'),
  // A CSP officer's indicator page (one indicator) and the whole set, for the year and their locality: controlled,
  // so the profiles' release beneath is counted too.
  indicator: async (e) => indicators(e, ['serious_violence']),
  indicators: async (e) => indicators(e),
  // The yardstick of issue 13: one plain SQL pass grouping every police and ASB person record by its key, as `vrn sql` runs it.
  'sql-pass': async () => {
    const sql = await platform.openSql();
    try {
      return (await sql.query('SELECT k, count(*) AS n FROM (SELECT key_name_dob AS k FROM police_person UNION ALL SELECT perpetrator_key_name_dob FROM asb_incident) r GROUP BY k ORDER BY n DESC, k LIMIT 5')).rows;
    } finally { await sql.close(); }
  },
};
async function indicators(e: Engine, only?: string[]) {
  const request = { period: '2024-25', area: 'leicester', audience: 'csp' as const };
  return disclose(await countIndicators(e, platform.area, platform.agreement, await dataToByDataset(platform), request, only), platform.agreement.disclosure.rounding);
}
const started = performance.now();
const cpuStarted = process.cpuUsage();
const engine = await openEngine(engineName as EngineName, platform);
const opened = performance.now();
const result = await products[product](engine) as { linkage?: string; linkage_note?: string; members?: unknown[] };
const first = performance.now();
const cpuFirst = process.cpuUsage(cpuStarted);
await products[product](engine);
const second = performance.now();
await engine.close();
console.log(JSON.stringify({
  product, engine: engineName, open_s: +((opened - started) / 1000).toFixed(2), first_run_s: +((first - opened) / 1000).toFixed(2),
  second_run_s: +((second - first) / 1000).toFixed(2), total_s: +((first - started) / 1000).toFixed(2), cpu_s: +((cpuFirst.user + cpuFirst.system) / 1e6).toFixed(2), ...(result.linkage ? { linkage: result.linkage + (result.linkage_note ? ' (earlier run)' : '') } : {}),
  ...(result.members ? { members: result.members.length } : {}),
  result: createHash('sha256').update(JSON.stringify(result)).digest('hex').slice(0, 12), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
