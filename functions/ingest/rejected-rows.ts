import { toCsv } from '../../analytics/render/csv.ts';
import { datasets } from '../../schemas/datasets/index.ts';
import { expectedFor } from '../../schemas/dictionary.ts';
import type { IngestReport } from './report.ts';

/**
 * The report's problems as a CSV to work through: line, column, code, reason and what was expected. Never a value:
 * reasons are the service's own words. Only listed rows are in it (the first 1,000); the rest are counted.
 */
export function rejectedRowsCsv(report: IngestReport): string {
  const dataset = datasets[report.dataset];
  return toCsv({
    columns: ['line', 'column', 'code', 'reason', 'expected'],
    rows: report.errors.map((e) => [e.line, e.column, e.code, e.message, dataset ? expectedFor(dataset, e.column, e.code) : null]),
  });
}

export const rejectedRowsFileName = (report: IngestReport) => `rejected-rows-${report.upload_id}.csv`;
