import { clkFields, type ClkField, type LinkageConfig } from '../../schemas/linkage.ts';
import { seededRandom } from '../random.ts';
import { levelNames, MISSING, startValues, type TrainedModel } from './model.ts';
import type { Decisions } from './resolve.ts';
import type { LinkTable } from './table.ts';

/**
 * Training the model on the deployment's own records, once per linking run (Splink's recipe):
 * 1. u per level from random pairs of records (all pairs in a small store): what agreement chance alone gives;
 * 2. m per level by EM over pairs that share a blocking token, u fixed, in sessions that each leave out the fields
 *    their blocks agree on; the pairs an analyst accepted count as matches and those rejected as non-matches;
 * 3. the prior λ: the matches EM finds, over all pairs, N(N−1)/2.
 * Pairs are counted by their comparison pattern (one level per comparison), so EM runs over a few thousand
 * patterns whatever the store's size. A small store's estimates are drawn towards the levels' start values.
 */
export function trainModel(table: LinkTable, decisions: Decisions = new Map(), config: LinkageConfig = table.config): TrainedModel {
  const settings = config.training;
  const n = table.size, allPairs = (n * (n - 1)) / 2;
  const names = clkFields.map((c) => levelNames(config, c));
  const start = clkFields.map((c) => startValues(config, c));
  const levels = new Int8Array(clkFields.length);

  // 1. u from random pairs of records, in record id order so that input order does not matter.
  const byRank = new Int32Array(n);
  for (let i = 0; i < n; i++) byRank[table.rank[i]] = i;
  const uCounts = names.map((ls) => new Float64Array(ls.length));
  let randomPairs = 0;
  const countRandom = (i: number, j: number) => {
    if (!table.levels(table.unit[i], table.unit[j], levels)) return;
    randomPairs++;
    levels.forEach((l, c) => { if (l !== MISSING) uCounts[c][l]++; });
  };
  if (allPairs <= settings.randomPairs) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) countRandom(i, j);
  } else {
    const random = seededRandom(settings.seed);
    for (let k = 0; k < settings.randomPairs; k++) {
      const i = byRank[Math.floor(random() * n)], j = byRank[Math.floor(random() * n)];
      if (i !== j) countRandom(i, j);
    }
  }
  const u = uCounts.map((counts, c) => swapFloor(smooth(counts, start[c].u, settings.pseudoPairs), config.comparisons[clkFields[c]].levels.map((l) => l.swapped)));

  // 2. m by EM in sessions (schemas/linkage.ts training.sessions), as Splink trains: over pairs that share a name
  // block (`fs+ss`) for the date of birth, postcode and sex, and over pairs that share a birth year and district
  // (`by+pd`) for the names. A session trains no comparison its blocks condition on (among pairs chosen for agreeing
  // on them, agreement there says less than random pairs' u says: EM would call every blocked pair a match); it may
  // still compare them with m and u of its own, so that a swap of both names is told from two strangers by the rest.
  const index = decisions.size ? new Map(table.ids.map((id, i) => [id, i])) : new Map<string, number>();
  const decided: { x: number; y: number; accept: boolean }[] = [];
  for (const [key, decision] of decisions) {
    const [x, y] = key.split('\u001f').map((id) => index.get(id));
    if (x !== undefined && y !== undefined) decided.push({ x: table.unit[x], y: table.unit[y], accept: decision === 'accept' });
  }
  const m = start.map((s) => [...s.m]);
  const sessions = settings.sessions.map((session) => {
    const trains = session.trains.map((c) => clkFields.indexOf(c));
    const alsoCompares = session.alsoCompares.map((c) => clkFields.indexOf(c));
    const result = emSession(table, config, session.blocks, session.other, trains, alsoCompares, u, start, decided, names);
    for (const c of trains) m[c] = result.m[c];
    return result;
  });

  // 3. The prior: the matches among pairs sharing a name block, over the share of all matches that share one (the
  // names session's matches that also share a name block), over all pairs.
  const [byName, byPlace] = sessions;
  const recall = byPlace.alsoShared > 0 ? byPlace.alsoShared : 1;
  const matches = byName.matches / Math.max(recall, 1e-3);
  const prior = allPairs > 0 && byName.pairs > 0 ? Math.min(0.5, Math.max(1e-12, matches / allPairs)) : n > 1 ? 1 / n : 0.5;
  const comparisons = Object.fromEntries(clkFields.map((c, i) => [c, { levels: names[i], m: m[i], u: u[i] }])) as TrainedModel['comparisons'];
  return {
    prior, comparisons, termFrequency: { records: n, ...config.termFrequency },
    training: {
      records: n, randomPairs, blockedPairs: Math.round(byName.pairs + byPlace.pairs), sampledPairs: byName.sampled + byPlace.sampled,
      matches: Math.round(matches), iterations: Math.max(byName.iterations, byPlace.iterations), converged: byName.converged && byPlace.converged,
      accepted: decided.filter((d) => d.accept).length, rejected: decided.filter((d) => !d.accept).length,
    },
  };
}

/** The table with a model trained on it now (with the analysts' decisions): what candidate search scores with. */
export function withTrainedModel(table: LinkTable, decisions: Decisions = new Map(), config: LinkageConfig = table.config): LinkTable {
  return table.useModel(trainModel(table, decisions, config));
}


/**
 * One EM session over the pairs sharing a block of `tag` (all such blocks, or whole blocks drawn at random when
 * their pairs are more than training.blockedPairs), u fixed, only the comparisons `trains` in the likelihood. Pairs
 * are counted by pattern, weighted to estimate all pairs of the session (by their records, over the blocks of the
 * tag they share, over the share of blocks drawn). Returns m, the expected matches among the session's pairs, and
 * the share of those that also share a block of `other`.
 */
function emSession(
  table: LinkTable, config: LinkageConfig, tag: string, other: string, trainsOnly: number[], alsoCompares: number[], uRandom: number[][], start: { m: number[] }[],
  decided: { x: number; y: number; accept: boolean }[], names: string[][],
) {
  const settings = config.training;
  // The comparisons in the likelihood: those trained (u fixed, from random pairs), then those compared besides (m
  // and u both estimated here, among the session's pairs: agreement there is conditioned on the blocks).
  const trains = [...trainsOnly, ...alsoCompares];
  const nuisance = (k: number) => k >= trainsOnly.length;
  const radix = trains.map((c) => names[c].length + 1);
  const stride = radix.map((_, k) => radix.slice(0, k).reduce((a, b) => a * b, 1));
  const patterns = radix.reduce((a, b) => a * b, 1);
  const weight = new Float64Array(patterns), also = new Float64Array(patterns);
  const accepted = new Float64Array(patterns), rejected = new Float64Array(patterns);
  const levels = new Int8Array(clkFields.length);
  const patternOf = (x: number, y: number): number => {
    if (!table.levels(x, y, levels)) return -1;
    let p = 0;
    trains.forEach((c, k) => { p += (levels[c] + 1) * stride[k]; });
    return p;
  };
  const tagId = (tag: string) => table.tags.indexOf(tag);
  const [tagHere, tagThere] = [tagId(tag), tagId(other)];
  const tagged = (t: number, wanted: number) => wanted >= 0 && table.tagOfToken[t] === wanted;
  const size = (unit: number) => table.members[unit].length;
  const comparable: number[] = [];
  for (let unit = 0; unit < table.units; unit++) if (table.encoded[unit]) comparable.push(unit);
  const { tokens, start: blockStart, members, skipped } = table.encodedBlockMembers(config.blocking.maxBlock);
  const chosen = tokens.filter((t) => !skipped[t] && blockStart[t + 1] - blockStart[t] > 1 && tagged(t, tagHere));
  let inBlocks = 0;
  for (const t of chosen) { const n = blockStart[t + 1] - blockStart[t]; inBlocks += (n * (n - 1)) / 2; }
  const rate = Math.min(1, settings.blockedPairs / Math.max(1, inBlocks));
  const { tokenPool: pool, tokenStart, tokenLength } = table;
  /** How many blocks of `wanted` two units share. */
  const shared = (x: number, y: number, wanted: number) => {
    let k = 0;
    for (let i = tokenStart[x], j = tokenStart[y], iEnd = i + tokenLength[x], jEnd = j + tokenLength[y]; i < iEnd && j < jEnd;) {
      const a = pool[i], b = pool[j];
      if (a < b) i++; else if (a > b) j++; else { if (!skipped[a] && tagged(a, wanted)) k++; i++; j++; }
    }
    return k;
  };
  const inSessionBlock = (unit: number) => {
    for (let k = tokenStart[unit], end = k + tokenLength[unit]; k < end; k++) if (!skipped[pool[k]] && tagged(pool[k], tagHere)) return true;
    return false;
  };
  let pairs = 0, sampled = 0;
  for (const unit of comparable) {
    if (size(unit) < 2 || !inSessionBlock(unit)) continue;
    const p = patternOf(unit, unit);
    if (p < 0) continue;
    const w = (size(unit) * (size(unit) - 1)) / 2;
    weight[p] += w; also[p] += w; pairs += w; sampled++;
  }
  for (const token of chosen) {
    if (rate < 1 && hashUnit(table.tokenText(token), settings.seed) >= rate) continue;
    for (let i = blockStart[token], end = blockStart[token + 1]; i < end; i++) {
      for (let j = i + 1; j < end; j++) {
        const x = members[i], y = members[j];
        const p = patternOf(x, y);
        if (p < 0) continue;
        const w = (size(x) * size(y)) / shared(x, y, tagHere) / rate;
        weight[p] += w; pairs += w; sampled++;
        if (shared(x, y, tagThere) > 0) also[p] += w;
      }
    }
  }
  for (const d of decided) {
    const p = patternOf(d.x, d.y);
    if (p < 0) continue;
    weight[p] = Math.max(0, weight[p] - 1);
    (d.accept ? accepted : rejected)[p] += settings.decisionWeight;
  }

  const seen: number[] = [];
  for (let p = 0; p < patterns; p++) if (weight[p] || accepted[p] || rejected[p]) seen.push(p);
  const levelOf = seen.map((p) => radix.map((r, k) => (Math.floor(p / stride[k]) % r) - 1));
  const total = seen.reduce((t, p) => t + weight[p] + accepted[p] + rejected[p], 0);
  const m = start.map((s) => [...s.m]);
  // u of the comparisons compared besides starts from their levels' shares among the session's pairs (nearly all
  // non-matches).
  const u = uRandom.map((x) => [...x]);
  alsoCompares.forEach((c, j) => {
    const k = trainsOnly.length + j, counts = new Float64Array(names[c].length);
    seen.forEach((p, i) => { const l = levelOf[i][k]; if (l !== MISSING) counts[l] += weight[p]; });
    u[c] = smooth(counts, uRandom[c], settings.pseudoPairs);
  });
  let share = settings.startMatches, iterations = 0, converged = false, matches = 0, alsoMatched = 0;
  while (iterations < settings.iterations && total > 0) {
    iterations++;
    const sums = trains.map((c) => new Float64Array(names[c].length));
    const unmatched = trains.map((c) => new Float64Array(names[c].length));
    let matched = 0, both = 0;
    seen.forEach((p, i) => {
      let lm = share, lu = 1 - share;
      levelOf[i].forEach((l, k) => { if (l !== MISSING) { lm *= m[trains[k]][l]; lu *= u[trains[k]][l]; } });
      const posterior = lm + lu > 0 ? lm / (lm + lu) : 0;
      const e = weight[p] * posterior + accepted[p];
      const ne = weight[p] * (1 - posterior) + rejected[p];
      matched += e;
      both += also[p] * posterior;
      levelOf[i].forEach((l, k) => { if (l !== MISSING) { sums[k][l] += e; unmatched[k][l] += ne; } });
    });
    const next = trains.map((c, k) => smooth(sums[k], start[c].m, settings.pseudoMatches));
    const nextShare = Math.min(1 - 1e-9, Math.max(1e-12, matched / total));
    const change = Math.max(Math.abs(nextShare - share) / share, ...next.flatMap((ms, k) => ms.map((x, l) => Math.abs(x - m[trains[k]][l]))));
    trains.forEach((c, k) => { m[c] = next[k]; if (nuisance(k)) u[c] = smooth(unmatched[k], u[c], settings.pseudoPairs); });
    share = nextShare; matches = matched; alsoMatched = matched > 0 ? both / matched : 0;
    if (change < settings.tolerance) { converged = true; break; }
  }
  return { m, matches, alsoShared: alsoMatched, pairs, sampled, iterations, converged };
}

/** A stored blocking token's tag (`<version>:<tag>.<hash>`, or without the version), null for an untagged one. */
export function tagOf(token: string | undefined): string | null {
  if (!token) return null;
  const colon = token.indexOf(':'), dot = token.indexOf('.', colon + 1);
  return dot > colon ? token.slice(colon + 1, dot) : null;
}

/**
 * A swap of both names is no less likely between two strangers than one name agreeing: the names that are written
 * either way round (Ali, Hassan, Hussain) are the common ones, and random pairs are too few to count swaps of them.
 */
function swapFloor(u: number[], swapped: readonly boolean[]): number[] {
  const floored = u.map((x, l) => (swapped[l] ? Math.max(x, u[0]) : x));
  const total = floored.reduce((a, b) => a + b, 0);
  return floored.map((x) => x / total);
}

/** Counts with a prior of `pseudo` observations at `start`, as probabilities. */
function smooth(counts: ArrayLike<number>, start: readonly number[], pseudo: number): number[] {
  let total = pseudo;
  for (let l = 0; l < counts.length; l++) total += counts[l];
  return Array.from(counts, (x, l) => (x + pseudo * start[l]) / total);
}

/** A string's place in [0, 1), seeded (FNV-1a): which blocks training draws, the same whatever the input order. */
function hashUnit(value: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193) >>> 0;
  return h / 4294967296;
}
