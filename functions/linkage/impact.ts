import type { Engine } from '../../analytics/ir.ts';
import type { PeopleIndex } from '../../analytics/matching/people-index.ts';
import type { ReviewItem } from '../../analytics/matching/review.ts';
import { preventionPanelCohort } from '../../analytics/products/cohort.ts';
import type { Platform } from '../platform/platform.ts';

/**
 * Which queued pairs would change a current product: those touching a member of a Prevention Panel cohort as it
 * stands (every panel, as of the latest date the extracts cover). Accepting one adds another person's records to a
 * child on a panel list, or rejecting one takes them away, so an analyst sees these first; the rest can wait.
 */
export type Impact = 'cohort' | null;
export type ReviewItemWithImpact = ReviewItem & { impact: Impact };

/** The people on any panel's cohort list as of `asOf`, by person id (the linking run's: one scheme for both). */
export async function cohortPeople(platform: Pick<Platform, 'area' | 'deployment'>, engine: Engine, asOf: string): Promise<Set<string>> {
  const members = new Set<string>();
  for (const panel of platform.area.panels) {
    const cohort = await preventionPanelCohort(engine, platform.area, platform.deployment.cohort, panel.id, asOf);
    for (const m of cohort.members) members.add(m.person_id);
  }
  return members;
}

/** The queue with each pair's impact, those touching a cohort member first (then best score first, as before). */
export function byImpact(items: readonly ReviewItem[], people: PeopleIndex, members: ReadonlySet<string>): ReviewItemWithImpact[] {
  const touches = (item: ReviewItem) => item.records.some((r) => members.has(people.personOf(r.id) ?? ''));
  const marked = items.map((item, order) => ({ item: { ...item, impact: touches(item) ? 'cohort' as const : null }, order }));
  marked.sort((x, y) => Number(y.item.impact !== null) - Number(x.item.impact !== null) || x.order - y.order);
  return marked.map((m) => m.item);
}
