import { toCsv } from '../../analytics/render/csv.ts';
import { datasets } from '../../schemas/datasets/index.ts';
import { expectedFor } from '../../schemas/dictionary.ts';
import type { IngestReport } from '../ingest/report.ts';
import type { QueryResult } from '../platform/sql/port.ts';

export function printReport(report: IngestReport, json: boolean) {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const lines = [
    `upload ${report.upload_id}: ${report.dataset} from ${report.partner} — ${report.status.toUpperCase()}`,
    `  period      ${report.period_from ?? '—'} to ${report.period_to ?? '—'}`,
    `  rows        ${report.rows_read} read, ${report.rows_accepted} accepted, ${report.rows_rejected} rejected`,
  ];
  if (report.duplicate_of) lines.push(`  this file is already the latest extract for its period (upload ${report.duplicate_of}): nothing changed`);
  if (report.linkage && 'failed' in report.linkage) lines.push(`  its person records could not be linked now (${report.linkage.failed}): the next linking run links them`);
  else if (report.linkage?.records) lines.push(`  ${report.linkage.records} person records linked: ${report.linkage.joined} to people already known, ${report.linkage.new_people} new people`);
  if (report.restores) lines.push(`  this file was uploaded before as ${report.restores} and counts again from now`);
  if (report.columns_ignored.length) lines.push(`  ignored     ${report.columns_ignored.join(', ')} (not in the schema: not stored)`);
  if (report.supersedes.length) lines.push(`  supersedes  ${report.supersedes.join(', ')}`);
  const rejections = report.rejections ?? []; // reports stored before the summary existed have none
  const dataset = datasets[report.dataset];
  if (rejections.length) {
    lines.push('  rejected rows by column and code (and what is expected):');
    for (const r of rejections) {
      const expected = dataset ? expectedFor(dataset, r.column, r.code) : null;
      lines.push(`    ${String(r.rows).padStart(9)}  ${r.column ?? '(whole row)'} [${r.code}]${expected ? `: expected ${expected}` : ''}`);
    }
  }
  for (const w of report.warnings ?? []) lines.push(`  warning     ${w.column ? `${w.column}: ` : ''}${w.message} [${w.code}]`);
  if (report.errors.length) {
    lines.push('  problems:');
    for (const e of report.errors) lines.push(`    ${e.line === null ? 'extract' : `line ${e.line}`}${e.column ? `, ${e.column}` : ''}: ${e.message} [${e.code}]`);
  }
  if (report.rejected_rows_not_listed) lines.push(`    … and ${report.rejected_rows_not_listed} more rejected rows, counted above but not listed`);
  console.log(lines.join('\n'));
}

export function printRows(result: QueryResult, format: 'json' | 'csv' | 'table') {
  if (format === 'json') {
    console.log(JSON.stringify({ columns: result.columns, rows: result.rows, truncated: result.truncated }, null, 2));
    return;
  }
  const names = result.columns.map((c) => c.name);
  if (format === 'csv') {
    process.stdout.write(toCsv({ columns: names, rows: result.rows.map((r) => names.map((n) => r[n] as string | number | null)) }));
    return;
  }
  const cells = result.rows.map((r) => names.map((n) => (r[n] === null || r[n] === undefined ? '' : String(r[n]))));
  const widths = names.map((n, i) => Math.min(40, Math.max(n.length, ...cells.map((row) => row[i].length))));
  const line = (row: string[]) => row.map((c, i) => c.slice(0, 40).padEnd(widths[i])).join('  ');
  console.log([line(names), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n'));
  console.log(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ', truncated' : ''})`);
}

/** What `--out` wrote, on stderr, so that stdout stays the command's own output. */
export function wrote(file: string, what: string) {
  process.stderr.write(`wrote ${what} to ${file}\n`);
}
