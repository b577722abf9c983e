import type { EngineName } from '../../analytics/engine.ts';
import { refreshProducts } from '../outputs/refresh.ts';
import { awsPlatform } from '../platform/aws.ts';

/**
 * The scheduled refresh (an EventBridge rule): the current year's products into the outputs bucket. The Arquero
 * engine by default: one read of each dataset in the Lambda instead of a few hundred small Athena queries.
 */
export async function handler() {
  const platform = awsPlatform(process.env);
  const engine = (process.env.VRN_REFRESH_ENGINE ?? 'arquero') as EngineName;
  const result = await refreshProducts(platform, engine);
  console.log(JSON.stringify({ message: result.skipped ? 'products already up to date' : 'products refreshed', period: result.period, files: result.files.length }));
  return { period: result.period, skipped: result.skipped, files: result.files.length };
}
