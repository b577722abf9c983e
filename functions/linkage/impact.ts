import { col, isIn, type Engine } from '../../analytics/ir.ts';
import { linkRowOf, linkSources } from '../../analytics/matching/link-rows.ts';
import type { ReviewItem } from '../../analytics/matching/review.ts';
import { personRecordColumn, type Linkage } from '../../analytics/matching/people.ts';
import { preventionPanelCohort } from '../../analytics/products/cohort.ts';
import type { Platform } from '../platform/platform.ts';

/**
 * Which queued pairs would change a current product: those touching a member of a Prevention Panel cohort as it
 * stands (every panel, as of the latest date the extracts cover). Accepting one adds another person's records to a
 * child on a panel list, or rejecting one takes them away, so an analyst sees these first; the rest can wait.
 */
export type Impact = 'cohort' | null;
export type ReviewItemWithImpact = ReviewItem & { impact: Impact };

/** The latest date an extract covers, up to today: the cohorts' as-of date when none is given. */
export async function latestCovered(platform: Pick<Platform, 'catalog' | 'now'>): Promise<string> {
  const today = platform.now().toISOString().slice(0, 10);
  const { extracts } = await platform.catalog.read();
  return extracts.map((e) => e.period_to).filter((d): d is string => !!d && d <= today).sort().pop() ?? today;
}

/**
 * The records of the people on any panel's cohort list as of `asOf`, by linkage record id (the ids the queue's pairs
 * name): the members' records, read back by their record keys, a dataset at a time (for police people, everyone
 * in the members' crimes: a co-suspect's pair changes what a panel sees too).
 */
export async function cohortRecords(platform: Pick<Platform, 'area' | 'deployment'>, engine: Engine, linkage: Linkage, asOf: string): Promise<Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const panel of platform.area.panels) {
    const cohort = await preventionPanelCohort(engine, platform.area, platform.deployment.cohort, panel.id, asOf, linkage);
    for (const m of cohort.members) for (const r of m.records) (keys.get(r.dataset) ?? keys.set(r.dataset, new Set()).get(r.dataset)!).add(r.record_key);
  }
  const ids = new Set<string>();
  for (const source of linkSources()) {
    const wanted = [...keys.get(source.dataset) ?? []], column = personRecordColumn(source.dataset);
    if (!column) continue;
    for (let i = 0; i < wanted.length; i += BATCH) {
      const rows = await engine.rows({ from: source.dataset, where: isIn(col(column), wanted.slice(i, i + BATCH)), select: source.select }, {});
      for (const row of rows) ids.add(linkRowOf(source, row).id);
    }
  }
  return ids;
}
const BATCH = 500;

/** The queue with each pair's impact, those touching a cohort member first (then best score first, as before). */
export function byImpact(items: readonly ReviewItem[], memberRecords: ReadonlySet<string>): ReviewItemWithImpact[] {
  const marked = items.map((item, order) => ({ item: { ...item, impact: item.records.some((r) => memberRecords.has(r.id)) ? 'cohort' as const : null }, order }));
  marked.sort((x, y) => Number(y.item.impact !== null) - Number(x.item.impact !== null) || x.order - y.order);
  return marked.map((m) => m.item);
}
