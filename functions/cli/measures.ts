import { writeFileSync } from 'node:fs';
import { engineNames, openEngine, type EngineName } from '../../analytics/engine.ts';
import { DEFAULT_BASELINE, measuresTables, successMeasures } from '../../analytics/products/success-measures.ts';
import { toCsv } from '../../analytics/render/csv.ts';
import { toXlsx } from '../../analytics/render/xlsx.ts';
import type { Platform } from '../platform/platform.ts';
import { optional, required, UsageError, type ParsedArgs } from './args.ts';

/** `vrn measures`: the success measures as JSON, the Home Office return as CSV (summary) or XLSX (two sheets). */
export async function runMeasures(platform: Platform, flags: ParsedArgs['flags']): Promise<number> {
  const engineName = (optional(flags, 'engine') ?? 'sql') as EngineName;
  if (!engineNames.includes(engineName)) throw new UsageError(`--engine must be one of ${engineNames.join(', ')}`);
  const format = optional(flags, 'format') ?? 'json';
  if (!['json', 'csv', 'xlsx'].includes(format)) throw new UsageError('--format must be json, csv or xlsx');
  const out = optional(flags, 'out');
  if (format === 'xlsx' && !out) throw new UsageError('--format xlsx needs --out FILE');
  const engine = await openEngine(engineName, platform);
  try {
    let result;
    try {
      result = await successMeasures(engine, required(flags, 'period'), optional(flags, 'baseline') ?? DEFAULT_BASELINE);
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
    const tables = measuresTables(result);
    const body = format === 'json' ? JSON.stringify(result, null, 2) + '\n' : format === 'csv' ? toCsv(tables[0]) : await toXlsx(tables);
    if (out) writeFileSync(out, body);
    else process.stdout.write(body);
    return 0;
  } finally {
    await engine.close();
  }
}
