import { engineNamed } from '../../analytics/engine.ts';
import { scheduledRefresh } from '../outputs/refresh.ts';
import { awsPlatform } from '../platform/aws.ts';

/**
 * The scheduled refresh (an EventBridge rule): people linked for the current data, and the current year's products
 * into the outputs bucket. The Arquero engine by default: one read of each dataset in the Lambda instead of a few
 * hundred small Athena queries (or, for linking, a million rows paged out of Athena).
 */
export async function handler() {
  const platform = awsPlatform(process.env);
  const engine = engineNamed(process.env.VRN_REFRESH_ENGINE, 'batch', 'VRN_REFRESH_ENGINE');
  const { people, products: result } = await scheduledRefresh(platform, engine, (message) => console.log(JSON.stringify({ message })));
  console.log(JSON.stringify({ message: people.skipped ? 'people already linked' : 'people linked', records: people.records, people: people.people, review: people.review, seconds: people.seconds }));
  console.log(JSON.stringify({ message: result.skipped ? 'products already up to date' : 'products refreshed', period: result.period, files: result.files.length }));
  return { period: result.period, skipped: result.skipped, files: result.files.length, people: people.people };
}
