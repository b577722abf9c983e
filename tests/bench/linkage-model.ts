import type { TrainedModel } from '../../analytics/matching/model.ts';
import { clkFields } from '../../schemas/linkage.ts';

/** The trained model as the bench prints it: λ, and per comparison and level m, u and the weight in nats. */
export function printModel(model: TrainedModel) {
  const t = model.training;
  console.log(`model: λ ${model.prior.toExponential(3)} (logit ${Math.log(model.prior / (1 - model.prior)).toFixed(2)}); `
    + `${t.randomPairs} random pairs, ${t.sampledPairs} blocked pairs sampled for ${t.blockedPairs}, ~${t.matches} matches among them; EM ${t.iterations} iterations${t.converged ? '' : ' (not converged)'}`);
  console.table(clkFields.flatMap((c) => model.comparisons[c].levels.map((level, l) => ({
    comparison: c, level, m: +model.comparisons[c].m[l].toFixed(4), u: +model.comparisons[c].u[l].toPrecision(3),
    weight: +Math.log(model.comparisons[c].m[l] / model.comparisons[c].u[l]).toFixed(2),
  }))));
}
