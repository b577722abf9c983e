import { writeFileSync } from 'node:fs';
import type { Audience } from '../../analytics/disclosure.ts';
import { engineNames, openEngine, type EngineName } from '../../analytics/engine.ts';
import type { Engine } from '../../analytics/ir.ts';
import { preventionPanelCohort, type CohortResult } from '../../analytics/products/cohort.ts';
import { deepDive, deepDiveLongTable, deepDiveTables } from '../../analytics/products/deep-dive.ts';
import { localityProfile, profileLongTable, profileTables } from '../../analytics/products/locality-profile.ts';
import { cohortRules } from '../../schemas/cohort.ts';
import { DEFAULT_BASELINE, measuresTables, successMeasures } from '../../analytics/products/success-measures.ts';
import { toCsv } from '../../analytics/render/csv.ts';
import type { Table } from '../../analytics/render/table.ts';
import { deepDiveHtml, profileHtml } from '../../analytics/render/reports.ts';
import { toXlsx } from '../../analytics/render/xlsx.ts';
import type { Platform } from '../platform/platform.ts';
import { optional, required, UsageError, type ParsedArgs } from './args.ts';

type Flags = ParsedArgs['flags'];

/** Runs a product on the chosen engine and writes it as JSON, CSV (one table) or XLSX (a sheet per table). */
async function runProduct<T>(platform: Platform, flags: Flags, product: (engine: Engine) => Promise<T>, tables: (result: T) => { csv: Table; sheets: Table[] }, html?: (result: T) => string) {
  const engineName = (optional(flags, 'engine') ?? 'sql') as EngineName;
  if (!engineNames.includes(engineName)) throw new UsageError(`--engine must be one of ${engineNames.join(', ')}`);
  const format = optional(flags, 'format') ?? 'json';
  const formats = ['json', 'csv', 'xlsx', ...(html ? ['html'] : [])];
  if (!formats.includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}`);
  const out = optional(flags, 'out');
  if (format === 'xlsx' && !out) throw new UsageError('--format xlsx needs --out FILE');
  const engine = await openEngine(engineName, platform);
  try {
    let result: T;
    try {
      result = await product(engine);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    const body = format === 'json' ? JSON.stringify(result, null, 2) + '\n'
      : format === 'csv' ? toCsv(tables(result).csv)
        : format === 'html' ? html!(result) : await toXlsx(tables(result).sheets);
    if (out) writeFileSync(out, body);
    else process.stdout.write(body);
    return 0;
  } finally {
    await engine.close();
  }
}

/** `vrn measures`: the success measures; as CSV the Home Office return's summary, as XLSX summary and monthly sheets. */
export const runMeasures = (platform: Platform, flags: Flags) => runProduct(platform, flags,
  (engine) => successMeasures(engine, required(flags, 'period'), optional(flags, 'baseline') ?? DEFAULT_BASELINE),
  (result) => { const sheets = measuresTables(result); return { csv: sheets[0], sheets }; });

/** `vrn profile`: a locality profile, disclosure-controlled unless --audience analyst. */
export function runProfile(platform: Platform, flags: Flags) {
  const audience = (optional(flags, 'audience') ?? 'csp') as Audience;
  if (!['csp', 'analyst'].includes(audience)) throw new UsageError('--audience must be csp or analyst');
  return runProduct(platform, flags,
    (engine) => localityProfile(engine, platform.area, platform.agreement, { locality: required(flags, 'locality'), period: required(flags, 'period'), audience }),
    (result) => ({ csv: profileLongTable(result), sheets: profileTables(result) }), profileHtml);
}

/** The cohort as one table: a row per child, lists joined with ';'. */
function cohortTable(result: CohortResult): Table {
  return {
    name: `${result.panel} cohort ${result.as_of}`,
    columns: ['person_id', 'age', 'sex', 'locality', 'criteria', 'factors', 'score', 'events', 'last_event_date', 'partners'],
    rows: result.members.map((m) => [m.person_id, m.age, m.sex, m.locality, m.criteria.join(';'), m.factors.join(';'), m.score,
      Object.entries(m.events).map(([d, n]) => `${d}:${n}`).join(';'), m.last_event_date, m.partners.join(';')]),
  };
}

/** `vrn cohort`: a Prevention Panel's cohort as of a date. */
export const runCohort = (platform: Platform, flags: Flags) => runProduct(platform, flags,
  (engine) => preventionPanelCohort(engine, platform.area, cohortRules, required(flags, 'panel'), required(flags, 'as-of')),
  (result) => ({ csv: cohortTable(result), sheets: [cohortTable(result)] }));

/** `vrn deep-dive`: offence groups in LLR or a locality over a year, for analysts. */
export const runDeepDive = (platform: Platform, flags: Flags) => runProduct(platform, flags,
  (engine) => deepDive(engine, platform.area, { groups: required(flags, 'groups').split(',').map((g) => g.trim()), area: required(flags, 'area'), period: required(flags, 'period') }),
  (result) => ({ csv: deepDiveLongTable(result), sheets: deepDiveTables(result) }), deepDiveHtml);
