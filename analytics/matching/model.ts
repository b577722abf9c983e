import { clkFields, type ClkField, type LinkageConfig } from '../../schemas/linkage.ts';

/**
 * The linkage model (Fellegi–Sunter, as Splink builds it): each field compared at discrete levels, each level with
 * m (its probability among pairs that are one person) and u (among random pairs), a weight ln(m/u), and a prior λ,
 * the probability that two records drawn at random are one person. A pair's score is the probability that it is one
 * person: logistic(logit λ + Σ weights). Trained per linking run (training.ts); this module holds its shapes and its
 * arithmetic, with no data.
 */
export interface TrainedModel {
  /** λ: the probability that two random records are one person (estimated, about 1/N). */
  prior: number;
  comparisons: Record<ClkField, { levels: string[]; m: number[]; u: number[] }>;
  /** How agreeing exactly on a name is weighed by how common it is (schemas/linkage.ts termFrequency). */
  termFrequency: { records: number; pseudoRecords: number; min: number; max: number };
  training: {
    records: number; randomPairs: number; blockedPairs: number; sampledPairs: number;
    /** Expected matches among the blocked pairs, and EM's iterations. */
    matches: number; iterations: number; converged: boolean;
    accepted: number; rejected: number;
  };
}

/** Why a pair scores what it does: the prior and each comparison's level and weight, in nats; never a value. */
export interface Explanation {
  prior: number;
  comparisons: { comparison: ClkField; level: string; weight: number }[];
}

export const MISSING = -1;
export const logit = (p: number): number => Math.log(p / (1 - p));
export const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** A comparison's level names, best first, `different` last. */
export const levelNames = (config: LinkageConfig, c: ClkField): string[] => [...config.comparisons[c].levels.map((l) => l.level), 'different'];

/** The start values of a comparison's levels (schemas/linkage.ts), each of m and u summing to 1. */
export function startValues(config: LinkageConfig, c: ClkField): { m: number[]; u: number[] } {
  const { levels, different } = config.comparisons[c];
  const norm = (xs: number[]) => { const total = xs.reduce((a, b) => a + b, 0); return xs.map((x) => x / total); };
  return { m: norm([...levels.map((l) => l.start.m), different.m]), u: norm([...levels.map((l) => l.start.u), different.u]) };
}

/** The model before training: start values, and `prior` as λ (tests, and a store too small to say anything). */
export function untrainedModel(config: LinkageConfig, prior: number, records = 0): TrainedModel {
  const comparisons = Object.fromEntries(clkFields.map((c) => [c, { levels: levelNames(config, c), ...startValues(config, c) }])) as TrainedModel['comparisons'];
  return {
    prior, comparisons, termFrequency: { records, ...config.termFrequency },
    training: { records, randomPairs: 0, blockedPairs: 0, sampledPairs: 0, matches: 0, iterations: 0, converged: false, accepted: 0, rejected: 0 },
  };
}

/**
 * The model as the comparison loop reads it: weights per comparison and level, the most any comparison can add
 * (for the early stop), and where each comparison's levels sit.
 */
export class CompiledModel {
  /** weights[c][level] in nats. */
  readonly weights: Float64Array[];
  readonly prior: number;
  /** m of each name comparison's exact level (term-frequency weights are ln(m / f)). */
  readonly exactM: Float64Array;
  /**
   * Both names at their `swapped` level (forename, surname): the level of each, `m` the smaller of their m and `u`
   * the product of their u. A swap of both is one event, not two: among matches its probability is about either
   * level's m, not their product, so the independence model would count it against the pair twice over (by about
   * ln(1/m), 3 nats). With both swapped and a name-pair block (`fs+ss`, unordered) shared, the names together weigh
   * ln(m / max(f, u)), f that block's term frequency (Ali Hussain and Hussain Ali are a common pair either way);
   * without one, as the independence model says.
   */
  readonly swap: { forename: number; surname: number; m: number; u: number };
  /** Per guard (schemas/linkage.ts guards), per comparison: a bit for each level it holds at (the last bit: missing); 0 for a comparison it does not name. */
  private readonly guards: { name: string; apart: boolean; masks: Uint32Array }[];

  constructor(readonly model: TrainedModel, config: LinkageConfig) {
    this.prior = logit(model.prior);
    this.weights = clkFields.map((c) => {
      const { m, u } = model.comparisons[c];
      return Float64Array.from(m, (mi, l) => Math.log(mi / u[l]));
    });
    this.exactM = Float64Array.from(clkFields, (c) => model.comparisons[c].m[0]);
    const swapLevel = (c: ClkField) => config.comparisons[c].levels.findIndex((l) => l.swapped);
    const [fs, ss] = [swapLevel('forename'), swapLevel('surname')];
    const { forename, surname } = model.comparisons;
    this.swap = fs < 0 || ss < 0 ? { forename: -1, surname: -1, m: 0, u: 1 }
      : { forename: fs, surname: ss, m: Math.min(forename.m[fs], surname.m[ss]), u: forename.u[fs] * surname.u[ss] };
    this.guards = config.guards.map((guard) => ({
      name: guard.name, apart: guard.action === 'apart',
      masks: Uint32Array.from(clkFields, (c) => {
        const names = levelNames(config, c);
        return (guard.when[c] ?? []).reduce((mask, level) => mask | (1 << (level === 'missing' ? MISSING_BIT : names.indexOf(level))), 0);
      }),
    }));
  }

  /** The guard that holds a pair at these levels for review (schemas/linkage.ts guards), or null. */
  guardOf(levels: Int8Array | readonly number[]): string | null {
    return this.matching(levels, false);
  }

  holds(levels: Int8Array | readonly number[]): boolean {
    return this.guardOf(levels) !== null;
  }

  /** Whether a guard keeps a pair at these levels apart: neither linked nor queued. */
  apart(levels: Int8Array | readonly number[]): boolean {
    return this.apartGuard(levels) !== null;
  }

  /** The guard that keeps a pair at these levels apart, or null. */
  apartGuard(levels: Int8Array | readonly number[]): string | null {
    return this.matching(levels, true);
  }

  private matching(levels: Int8Array | readonly number[], apart: boolean): string | null {
    for (const { name, apart: keepsApart, masks } of this.guards) {
      if (keepsApart !== apart) continue;
      let all = true;
      for (let c = 0; c < masks.length && all; c++) {
        if (masks[c] && !(masks[c] & (1 << (levels[c] === MISSING ? MISSING_BIT : levels[c])))) all = false;
      }
      if (all) return name;
    }
    return null;
  }
}

/** A guard's bit for a missing field (levels are fewer than this). */
const MISSING_BIT = 31;

/** The compiled model of a trained one (cached per object). */
const compiled = new WeakMap<TrainedModel, CompiledModel>();
export function compile(model: TrainedModel, config: LinkageConfig): CompiledModel {
  let c = compiled.get(model);
  if (!c) compiled.set(model, (c = new CompiledModel(model, config)));
  return c;
}

/** The share of records carrying a term (a blocking token's block), drawn towards `u` in a small store and bounded. */
export function termFrequency(blockRecords: number, u: number, tf: TrainedModel['termFrequency']): number {
  const f = (blockRecords + tf.pseudoRecords * u) / (tf.records + tf.pseudoRecords);
  return Math.min(tf.max, Math.max(tf.min, f));
}

/** The score an explanation sums to. */
export const scoreOfExplanation = (e: Explanation): number => logistic(e.prior + e.comparisons.reduce((n, c) => n + c.weight, 0));
