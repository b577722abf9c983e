/**
 * `VRN_FEBRL_DIR=… npx tsx tests/bench/linkage-guard-options.ts`: the guards of schemas/linkage.ts against variants of
 * them, each on FEBRL 4, the child benchmark and the population benchmark, at the auto-link threshold: what each
 * way of keeping twins apart costs in recall and buys in precision. `--population N` (default 100000).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LinkageEncoder } from '../../analytics/matching/encoding.ts';
import { LinkageConfig, linkageConfig, type Guard } from '../../schemas/linkage.ts';
import { childRecords, encodeRecords, febrlRecords, sweep, type Quality } from './linkage-eval.ts';
import { linkPopulation, populationRecords } from './population-eval.ts';

const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const encoder = new LinkageEncoder('v1', createHash('sha256').update('bench key 1').digest());
const guards = linkageConfig.guards;
const sexAgrees = (g: Guard): Guard => ({ ...g, when: { ...g.when, sex: ['exact'] } });

const from = (base: Guard[], changes: Record<string, (g: Guard) => Guard | null>) => base.flatMap((g) => (changes[g.name] ? [changes[g.name](g)].filter((x): x is Guard => x !== null) : [g]));
const allVariants: Record<string, Guard[]> = {
  'as now': guards,
  'twins: different only (near released)': from(guards, { twins: (g) => ({ ...g, when: { ...g.when, forename: ['different', 'missing'] } }) }),
  'twins and forename: not for a missing forename': from(guards, {
    twins: (g) => ({ ...g, when: { ...g.when, forename: ['near', 'different'] } }), forename: (g) => ({ ...g, when: { forename: ['different'] } }),
  }),
  'twins and forename: only where the sexes agree': from(guards, { twins: sexAgrees, forename: sexAgrees }),
  // The twins merged as now have forenames one edit apart and birth dates a day out.
  'twins: a one-edit forename too, where the birth date is a day out': guards.flatMap((g) => (g.name === 'twins'
    ? [g, { ...g, name: 'twins-typo', when: { ...g.when, forename: ['typo'], dob: ['close'] } }] : [g])),
  'no twins guard': from(guards, { twins: () => null }),
  'no twins or forename guard': from(guards, { twins: () => null, forename: () => null }),
  'no birth-date guard': from(guards, { 'birth-date': () => null }),
  'no guards': [],
};
// `--only a,b`: variants whose names start with these.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;
const variants = Object.fromEntries(Object.entries(allVariants).filter(([name]) => !only || only.some((o) => name.startsWith(o))));

const dir = process.env.VRN_FEBRL_DIR;
const febrl = dir && existsSync(join(dir, 'dataset4a.csv')) ? febrlRecords(dir) : null;
const febrlLinks = febrl ? encodeRecords(febrl, encoder) : null;
const children = childRecords(1, 3000), childLinks = encodeRecords(children, encoder);
const population = populationRecords(1, arg('population', 100_000));
const populationLinks = encodeRecords(population.records, encoder);
const rows = [];
for (const [variant, g] of Object.entries(variants)) {
  const config = LinkageConfig.parse({ ...linkageConfig, guards: g });
  const at = (rs: Quality[]) => rs.find((r) => r.threshold === config.thresholds.autoLink)!;
  const f = febrl ? at(sweep(febrl, febrlLinks!, [config.thresholds.autoLink], undefined, config).rows) : null;
  const c = at(sweep(children, childLinks, [config.thresholds.autoLink], undefined, config).rows);
  const p = linkPopulation(population, populationLinks, config);
  const merged = (k: string) => p.autoLink.falseMerges[k as 'twin'].people;
  rows.push({
    variant, 'FEBRL P': f ? +f.precision.toFixed(4) : null, 'FEBRL R': f ? +f.recall.toFixed(4) : null, 'child F1': +c.f1.toFixed(4),
    'pop P': +p.autoLink.precision.toFixed(4), 'pop R': +p.autoLink.recall.toFixed(4), 'pop R+queue': +p.withReview.recall.toFixed(4),
    'queue %': +((100 * p.queue) / p.records).toFixed(2), twins: merged('twin'), siblings: merged('sibling'), namesakes: merged('namesake'), strangers: merged('stranger'),
  });
  console.log(JSON.stringify(rows[rows.length - 1]));
}
console.table(rows);
