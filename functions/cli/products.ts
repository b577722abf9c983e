import { writeFileSync } from 'node:fs';
import type { Audience } from '../../analytics/disclosure.ts';
import { engineNames, type EngineName } from '../../analytics/engine.ts';
import { DEFAULT_BASELINE } from '../../analytics/products/success-measures.ts';
import type { Platform } from '../platform/platform.ts';
import { exportAbout } from '../products/about.ts';
import { ProductRequestError, productFormats, renderProduct, runProduct, type ProductFormat, type ProductRequest } from '../products/service.ts';
import { optional, required, UsageError, type ParsedArgs } from './args.ts';
import { wrote } from './output.ts';

type Flags = ParsedArgs['flags'];

/** Runs a product on the chosen engine and writes it as JSON, CSV (one table), XLSX (a sheet per table) or HTML. */
async function runAndWrite(platform: Platform, flags: Flags, request: ProductRequest) {
  const engineName = (optional(flags, 'engine') ?? 'sql') as EngineName;
  if (!engineNames.includes(engineName)) throw new UsageError(`--engine must be one of ${engineNames.join(', ')}`);
  const format = (optional(flags, 'format') ?? 'json') as ProductFormat;
  const formats = productFormats[request.product];
  if (!formats.includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}`);
  const out = optional(flags, 'out');
  if (format === 'xlsx' && !out) throw new UsageError('--format xlsx needs --out FILE');
  try {
    const { body } = await renderProduct(request, await runProduct(platform, engineName, request), format, await exportAbout(platform, request));
    if (out) {
      writeFileSync(out, body);
      wrote(out, `the ${request.product} as ${format.toUpperCase()} (${body.length.toLocaleString('en-GB')} ${typeof body === 'string' ? 'characters' : 'bytes'})`);
    } else process.stdout.write(body);
    return 0;
  } catch (error) {
    if (error instanceof ProductRequestError) throw new UsageError(error.message);
    throw error;
  }
}

/** `vrn measures`: the success measures; as CSV the Home Office return's summary, as XLSX summary and monthly sheets. */
export const runMeasures = (platform: Platform, flags: Flags) => runAndWrite(platform, flags,
  { product: 'measures', period: required(flags, 'period'), baseline: optional(flags, 'baseline') ?? DEFAULT_BASELINE });

/** `vrn profile`: a locality profile, disclosure-controlled unless --audience analyst. */
export function runProfile(platform: Platform, flags: Flags) {
  const audience = (optional(flags, 'audience') ?? 'csp') as Audience;
  if (!['csp', 'analyst'].includes(audience)) throw new UsageError('--audience must be csp or analyst');
  return runAndWrite(platform, flags, { product: 'profile', locality: required(flags, 'locality'), period: required(flags, 'period'), audience });
}

/** `vrn cohort`: a Prevention Panel's cohort as of a date. */
export const runCohort = (platform: Platform, flags: Flags) => runAndWrite(platform, flags,
  { product: 'cohort', panel: required(flags, 'panel'), asOf: required(flags, 'as-of') });

/** `vrn deep-dive`: offence groups in LLR or a locality over a year, for analysts. */
export const runDeepDive = (platform: Platform, flags: Flags) => runAndWrite(platform, flags,
  { product: 'deep-dive', groups: required(flags, 'groups').split(',').map((g) => g.trim()), area: required(flags, 'area'), period: required(flags, 'period') });
