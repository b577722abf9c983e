import { parseArgs } from 'node:util';
import { LLR, monthlyCost, NATIONAL, PRICES, type Volumes } from './model.ts';

/**
 * `npm run cost` prints the LLR and national scenarios; `npm run cost -- --crimes-per-year N [--forces N]
 * [--users N] [--analyst-queries-per-day N] [--partners-per-force N] [--json]` one scenario built on LLR's
 * assumptions (or on the national one with --scenario national).
 */
const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    'crimes-per-year': { type: 'string' },
    forces: { type: 'string' },
    users: { type: 'string' },
    'analyst-queries-per-day': { type: 'string' },
    'partners-per-force': { type: 'string' },
    'requests-per-user-per-day': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const number = (flag: keyof typeof values) => {
  const text = values[flag];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (typeof text !== 'string' || !Number.isFinite(n) || n < 0) {
    console.error(`--${flag} must be a non-negative number`);
    process.exit(2);
  }
  return n;
};

const overrides: Partial<Volumes> = Object.fromEntries(Object.entries({
  crimesPerYear: number('crimes-per-year'), forces: number('forces'), users: number('users'),
  analystQueriesPerDay: number('analyst-queries-per-day'), partnersPerForce: number('partners-per-force'),
  requestsPerUserPerDay: number('requests-per-user-per-day'),
}).filter(([, n]) => n !== undefined));

const base = values.scenario === 'national' ? NATIONAL : LLR;
if (values.scenario && !['llr', 'national'].includes(values.scenario)) {
  console.error('--scenario must be llr or national');
  process.exit(2);
}
const scenarios: Volumes[] = Object.keys(overrides).length || values.scenario
  ? [{ ...base, ...overrides, label: Object.keys(overrides).length ? `custom (from ${base.label})` : base.label }]
  : [LLR, NATIONAL];

const results = scenarios.map((v) => ({ volumes: v, ...monthlyCost(v) }));
if (values.json) {
  console.log(JSON.stringify({ prices: PRICES, scenarios: results }, null, 2));
} else {
  for (const { volumes: v, lines, totalUsd } of results) {
    console.log(`\n${v.label}: ${v.crimesPerYear.toLocaleString('en-GB')} crimes a year, ${v.forces} force(s), ${v.users} users, ${v.analystQueriesPerDay} analyst queries a day`);
    for (const line of lines) console.log(`  ${line.service.padEnd(24)} $${line.monthlyUsd.toFixed(2).padStart(9)}   ${line.basis}`);
    console.log(`  ${'total a month'.padEnd(24)} $${totalUsd.toFixed(2).padStart(9)}`);
  }
  console.log('\nAssumptions: on-demand eu-west-2 prices, free tiers ignored; storage at steady state after 7 years of retention;');
  console.log('rows per crime and bytes per row measured on the committed sample; see infra/cost/model.ts for every number.');
}
