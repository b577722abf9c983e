import { autoLinkedPairs, blindSample, type BlindSample } from '../../analytics/matching/blind.ts';
import type { Engine } from '../../analytics/ir.ts';
import { estimateQuality, type Quality } from '../../analytics/matching/quality.ts';
import { pairKey } from '../../analytics/matching/resolve.ts';
import type { BlindItem } from '../../analytics/matching/review.ts';
import { linkRecordCount } from '../../analytics/matching/link-rows.ts';
import { linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import type { Platform } from '../platform/platform.ts';
import { getJson } from '../platform/storage/port.ts';
import { BLIND_DECISIONS_KEY, DECISIONS_KEY, loadDecisionEntries, loadDecisions } from './decisions.ts';
import { blindSampleKey, blindSeed, currentReviewQueue, dataVersion, LATEST_KEY, linkInRequest, peopleKey, type LinkingRun } from './people.ts';

type Deps = Pick<Platform, 'catalog' | 'storage'>;

/**
 * The auto-links offered for blind review now: the sample stored with this data version's people; else, for a
 * store small enough to link in the request (as the products do), one drawn in the request; else the latest run's.
 * With it, how many queue pairs wait, from the same linking where it was done in the request.
 */
async function blindAndWaiting(platform: Deps, engine: Engine, config: LinkageConfig): Promise<{ sample: BlindSample | null; waiting: () => Promise<number> }> {
  const version = await dataVersion(platform);
  const queued = async () => (await currentReviewQueue(platform, engine, config)).length;
  const own = await getJson<BlindSample>(platform.storage, blindSampleKey(peopleKey(version)));
  if (own) return { sample: own.value, waiting: queued };
  if (await linkRecordCount(engine) <= config.productsUpTo) {
    const { candidates, resolution } = await linkInRequest(engine, await loadDecisions(platform.storage), config);
    // Decided pairs are joined (accepted) or refused (rejected) by the resolution, so none of them is in its queue.
    return { sample: blindSample(autoLinkedPairs(candidates, resolution, config), blindSeed(version), config), waiting: async () => resolution.review.length };
  }
  const latest = await getJson<LinkingRun>(platform.storage, LATEST_KEY);
  return { sample: latest ? (await getJson<BlindSample>(platform.storage, blindSampleKey(latest.value.key)))?.value ?? null : null, waiting: queued };
}

export async function currentBlindSample(platform: Deps, engine: Engine, config: LinkageConfig = linkageConfig): Promise<BlindSample | null> {
  return (await blindAndWaiting(platform, engine, config)).sample;
}

/** The blind pairs not decided yet. */
export async function currentBlindQueue(platform: Deps, engine: Engine, config: LinkageConfig = linkageConfig): Promise<BlindItem[]> {
  const sample = await currentBlindSample(platform, engine, config);
  const decided = await loadDecisionEntries(platform.storage, BLIND_DECISIONS_KEY);
  return (sample?.pairs ?? []).filter((p) => !decided.has(pairKey(p.records[0].id, p.records[1].id)));
}

/** Precision and recall from every decision so far (analytics/matching/quality.ts says how, and what it assumes). */
export async function reviewStats(platform: Deps, engine: Engine, config: LinkageConfig = linkageConfig): Promise<Quality> {
  const { sample, waiting } = await blindAndWaiting(platform, engine, config);
  const count = (decisions: Iterable<{ decision: string }>, decision: string) => [...decisions].filter((d) => d.decision === decision).length;
  const blind = [...(await loadDecisionEntries(platform.storage, BLIND_DECISIONS_KEY)).values()];
  const queue = [...(await loadDecisionEntries(platform.storage, DECISIONS_KEY)).values()].filter((d) => !d.pair.startsWith('B-'));
  return estimateQuality({
    blind: { autoLinked: sample?.autoLinked ?? 0, offered: sample?.pairs.length ?? 0, accepted: count(blind, 'accept'), rejected: count(blind, 'reject') },
    queue: { accepted: count(queue, 'accept'), rejected: count(queue, 'reject'), waiting: await waiting() },
  });
}
