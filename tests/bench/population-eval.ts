import type { Candidates, LinkRecord } from '../../analytics/matching/candidates.ts';
import { candidatePairs } from '../../analytics/matching/candidates.ts';
import { pairKey, resolvePeople, type Resolution } from '../../analytics/matching/resolve.ts';
import { populationBenchmark, relation, RELATIONS, type PopulationPerson, type Relation } from '../../sample-data/generator/population-benchmark.ts';
import { linkageConfig, type LinkageConfig } from '../../schemas/linkage.ts';
import cohortRules from '../../schemas/deployments/llr/cohort.json' with { type: 'json' };
import type { ClearRecord } from './linkage-eval.ts';

/**
 * The population benchmark's evaluation, shared by `npm run bench:linkage` and its CI floor test: the model in the
 * tree links the encoded records once at its thresholds (auto-link), then a reviewer who knows the truth accepts
 * every true pair the review queue shows and rejects every false one, round after round until it shows nothing new
 * (with the review queue). Pairs
 * are counted over all records, within one partner as across partners: an ASB extract's two records of one person
 * are a pair to find, and two people's records put together are a false merge, whoever holds them.
 */

export interface Population {
  records: ClearRecord[]; people: ReadonlyMap<string, PopulationPerson>;
  /** Records a Prevention Panel's cohort could hold, by what the record itself says (no truth): see cohortRecord. */
  cohort: ReadonlySet<string>;
}

/**
 * The cohort's ages (LLR's rules, schemas/deployments/llr/cohort.json) on the benchmark's as-of date: a police or ASB
 * record of a child these ages is one a current product (the panel's list, the deep dive) may show.
 */
export const COHORT = { ages: [cohortRules.ageFrom, cohortRules.ageTo], asOf: '2025-03-31', agencies: ['police', 'police_asb', 'council_asb'] } as const;
const ageOn = (dob: string, on: string) => Number(on.slice(0, 4)) - Number(dob.slice(0, 4)) - (on.slice(5) < dob.slice(5) ? 1 : 0);
export const cohortRecord = (r: { agency: string; dob: string | null }): boolean => {
  if (!r.dob || !(COHORT.agencies as readonly string[]).includes(r.agency)) return false;
  const age = ageOn(r.dob, COHORT.asOf);
  return age >= COHORT.ages[0] && age <= COHORT.ages[1];
};

export function populationRecords(seed: number, people: number): Population {
  const benchmark = populationBenchmark({ seed, people });
  return {
    records: benchmark.records.map(({ agency, partner, person, ...r }) => ({ ...r, side: partner, truth: person })),
    people: new Map(benchmark.people.map((p) => [p.id, p])),
    cohort: new Set(benchmark.records.filter(cohortRecord).map((r) => r.id)),
  };
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Pairs of people in the population who are twins, siblings or namesakes (of different families). */
export function relatedPairs(population: Population): Record<Exclude<Relation, 'stranger'>, number> {
  const count = (key: (p: PopulationPerson) => string) => {
    const groups = new Map<string, number>();
    for (const p of population.people.values()) groups.set(key(p), (groups.get(key(p)) ?? 0) + 1);
    return [...groups.values()].reduce((n, c) => n + pairs(c), 0);
  };
  const twin = count((p) => `${p.birth}`), family = count((p) => `${p.family}`);
  const sameName = count((p) => `${p.name.forename}\u001f${p.name.surname}`);
  // Siblings and twins have different forenames: every same-name pair is of two families.
  return { twin, sibling: family - twin, namesake: sameName };
}

export interface PopulationQuality {
  precision: number; recall: number; f1: number; tp: number; fp: number; fn: number; people: number;
  /** False merges by how the two people are related: record pairs, and pairs of people put together. */
  falseMerges: Record<Relation, { pairs: number; people: number }>;
}

/** Record pairs linked (same person_id) against the truth, counted cluster by cluster. */
export function populationQuality(population: Population, personOf: ReadonlyMap<string, string>): PopulationQuality {
  const clusters = new Map<string, Map<string, number>>();
  const truth = new Map<string, number>();
  for (const r of population.records) {
    const c = personOf.get(r.id)!;
    const members = clusters.get(c) ?? clusters.set(c, new Map()).get(c)!;
    members.set(r.truth, (members.get(r.truth) ?? 0) + 1);
    truth.set(r.truth, (truth.get(r.truth) ?? 0) + 1);
  }
  const falseMerges = Object.fromEntries(RELATIONS.map((k) => [k, { pairs: 0, people: 0 }])) as PopulationQuality['falseMerges'];
  let predicted = 0, tp = 0;
  for (const members of clusters.values()) {
    const counts = [...members];
    predicted += pairs(counts.reduce((n, [, c]) => n + c, 0));
    for (const [, c] of counts) tp += pairs(c);
    for (let i = 0; i < counts.length; i++) for (let j = i + 1; j < counts.length; j++) {
      const kind = falseMerges[relation(population.people.get(counts[i][0])!, population.people.get(counts[j][0])!)];
      kind.pairs += counts[i][1] * counts[j][1];
      kind.people++;
    }
  }
  const actual = [...truth.values()].reduce((n, c) => n + pairs(c), 0);
  const precision = predicted ? tp / predicted : 1, recall = actual ? tp / actual : 1;
  return {
    precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    tp, fp: predicted - tp, fn: actual - tp, people: clusters.size, falseMerges,
  };
}

export interface PopulationRun {
  records: number; people: number; linkMs: number; compared: number;
  autoLink: PopulationQuality; withReview: PopulationQuality;
  /** Pairs the first queue shows; pairs seen and pairs accepted in all rounds; rounds of accepting. */
  queue: number; reviewed: number; accepted: number; rounds: number;
  /**
   * The first queue's pairs that touch the cohort (either record's auto-linked person holds a cohort record: what the
   * review page shows first, and alone with `impact=cohort`), and the pairs of one person among them.
   */
  queueCohort: number; queueCohortSame: number;
}

/**
 * A reviewer who knows the truth: accepts every true pair the review queue shows and rejects every false one, then
 * the people are resolved again with the decisions, round after round until the queue shows nothing new (ten at most).
 */
export function reviewWithTruth(
  links: LinkRecord[], config: LinkageConfig, candidates: Candidates, first: Resolution, truthOf: (id: string) => string | undefined,
): { resolution: Resolution; reviewed: number; accepted: number; rounds: number } {
  const seen = new Set<string>(), decisions = new Map<string, 'accept' | 'reject'>();
  let accepted = 0;
  let resolution: Resolution = first, rounds = 0;
  for (; rounds < 10; rounds++) {
    let fresh = 0;
    for (const p of resolution.review) {
      const [x, y] = [resolution.table.ids[p.a], resolution.table.ids[p.b]];
      const key = pairKey(x, y);
      if (seen.has(key)) continue;
      seen.add(key);
      if (truthOf(x) === truthOf(y)) { decisions.set(key, 'accept'); accepted++; fresh++; } else decisions.set(key, 'reject');
    }
    if (!fresh) break;
    resolution = resolvePeople(links, decisions, config, candidates);
  }
  return { resolution, reviewed: seen.size, accepted, rounds };
}

/** Link (timed: candidates and resolution), then review with a reviewer who knows the truth. */
export function linkPopulation(population: Population, links: LinkRecord[], config: LinkageConfig = linkageConfig): PopulationRun {
  const t = performance.now();
  const candidates: Candidates = candidatePairs(links, config);
  const first = resolvePeople(links, new Map(), config, candidates);
  const linkMs = performance.now() - t;
  const truthOf = new Map(population.records.map((r) => [r.id, r.truth]));
  const inCohort = new Set<number>();
  first.table.ids.forEach((id, i) => { if (population.cohort.has(id)) inCohort.add(first.root[i]); });
  const touching = first.review.filter((p) => inCohort.has(first.root[p.a]) || inCohort.has(first.root[p.b]));
  const queueCohortSame = touching.filter((p) => truthOf.get(first.table.ids[p.a]) === truthOf.get(first.table.ids[p.b])).length;
  const { resolution, reviewed, accepted, rounds } = reviewWithTruth(links, config, candidates, first, (id) => truthOf.get(id));
  return {
    records: links.length, people: population.people.size, linkMs, compared: candidates.stats.compared,
    autoLink: populationQuality(population, first.personOf), withReview: populationQuality(population, resolution.personOf),
    queue: first.review.length, reviewed, accepted, rounds, queueCohort: touching.length, queueCohortSame,
  };
}
