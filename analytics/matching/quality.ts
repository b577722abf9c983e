/**
 * Linkage quality estimated from analysts' decisions, with 95% intervals.
 *
 * Precision of auto-links: of the blind-reviewed auto-linked pairs an analyst decided, the share accepted as one
 * person (a Wilson score interval). It assumes the decided pairs are a fair sample of the offered ones (the sample
 * itself is uniform over the run's auto-links) and that analysts judge rightly.
 *
 * Recall: true links found automatically over all true links that reached the model, estimated as
 *   R = N·p / (N·p + A + U·q)
 * where N is the auto-linked pairs, p the precision above, A the queue pairs analysts accepted (matches the
 * threshold missed), U the pairs still waiting in the queue and q the share of decided queue pairs accepted (so
 * the waiting pairs are assumed to match as often as the decided ones; analysts decide best score first, so this
 * tends to overstate the misses and understate recall). It counts only matches that reached the queue: pairs that
 * blocking never compared or that scored below the review threshold are invisible to it, so recall is an upper
 * bound on the truth. Its interval takes p and q at their Wilson bounds in the worst combination (at least 90%
 * coverage when both are at 95%).
 */
export interface Interval { estimate: number; low: number; high: number }

const Z = 1.959964;

/** The Wilson score interval of `successes` in `n`; null when nothing was decided. */
export function wilson(successes: number, n: number, z = Z): Interval | null {
  if (n <= 0) return null;
  const p = successes / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface QualityCounts {
  /** Auto-linked pairs in the run the blind sample came from, pairs offered, and decisions on them. */
  blind: { autoLinked: number; offered: number; accepted: number; rejected: number };
  /** Decisions on queue pairs (not blind ones), and the pairs still waiting. */
  queue: { accepted: number; rejected: number; waiting: number };
}

export interface Quality extends QualityCounts { precision: Interval | null; recall: Interval | null }

export function estimateQuality(counts: QualityCounts): Quality {
  const { blind, queue } = counts;
  const precision = wilson(blind.accepted, blind.accepted + blind.rejected);
  const decided = queue.accepted + queue.rejected;
  const q = wilson(queue.accepted, decided) ?? { estimate: 0, low: 0, high: 0 };
  const recallAt = (p: number, share: number) => {
    const found = blind.autoLinked * p, missed = queue.accepted + queue.waiting * share;
    return found + missed > 0 ? found / (found + missed) : 1;
  };
  // Until some queue pair is decided, how often the waiting ones match is unknown: no recall yet.
  const recall = precision && blind.autoLinked > 0 && (decided > 0 || queue.waiting === 0) ? {
    estimate: recallAt(precision.estimate, q.estimate), low: recallAt(precision.low, q.high), high: recallAt(precision.high, q.low),
  } : null;
  return { ...counts, precision, recall };
}
