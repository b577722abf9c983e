import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { datasetIds } from '../../schemas/datasets/index.ts';
import { ingestExtract } from '../ingest/ingest.ts';
import type { IngestReport } from '../ingest/report.ts';
import { fileSource } from '../ingest/source.ts';
import { defaultDataDir, localPlatform } from '../platform/local.ts';
import { parseArgs, optional, required, UsageError, type ParsedArgs } from './args.ts';
import { printReport, printRows } from './output.ts';

const USAGE = `vrn <command> [--data-dir DIR] [--format json]

  serve   [--port 8787]                          the service on http://localhost:PORT, sample data loaded
  sample  --out DIR [--seed N] [--scale N]       synthetic extracts in the canonical formats
  ingest  --dataset ID --partner ID --file PATH [--period-from D --period-to D]
                                                 exit 0 accepted, 2 extract rejected, 1 internal error
  sql     --query "SELECT …" [--format json|csv] read-only SQL over the pseudonymised tables
  measures --period 2024-25 [--baseline 2019-20] [--engine arquero|sql] [--format json|csv|xlsx] [--out FILE]
                                                 the Home Office success measures
  profile --locality SLUG --period 2024-25 [--audience csp|analyst] [--engine …] [--format json|csv|xlsx|html] [--out FILE]
                                                 the locality profile of a Community Safety Partnership
  cohort  --panel city|county --as-of YYYY-MM-DD [--engine …] [--format json|csv|xlsx] [--out FILE]
                                                 the Prevention Panel cohort
  deep-dive --groups G1,G2 --area llr|SLUG --period 2024-25 [--engine …] [--format json|csv|xlsx|html] [--out FILE]
                                                 offence groups in an area: trend, places, times, people, linked contact
  review  list | accept --pair ID | reject --pair ID [--user NAME]
                                                 fuzzy-linkage pairs to review, by which fields agreed

datasets: ${datasetIds.join(', ')}`;

type Command = (args: ParsedArgs, dataDir: string) => Promise<number>;

const commands: Record<string, Command> = {
  async ingest({ flags }, dataDir) {
    const platform = localPlatform(dataDir);
    const file = resolve(required(flags, 'file'));
    if (!existsSync(file)) throw new UsageError(`there is no file at ${file}`);
    const report: IngestReport = await ingestExtract(platform, {
      dataset: required(flags, 'dataset'),
      partner: required(flags, 'partner'),
      source: fileSource(file),
      periodFrom: optional(flags, 'period-from'),
      periodTo: optional(flags, 'period-to'),
      onProgress: ({ rows_read }) => process.stderr.write(`  ${rows_read.toLocaleString('en-GB')} rows read…\n`),
    });
    printReport(report, flags.format === 'json');
    return report.status === 'accepted' ? 0 : 2;
  },

  async sql({ flags }, dataDir) {
    const engine = await localPlatform(dataDir).openSql();
    try {
      const result = await engine.query(required(flags, 'query'), { maxRows: Number(optional(flags, 'max-rows') ?? 10_000) });
      printRows(result, (optional(flags, 'format') ?? 'table') as 'json' | 'csv' | 'table');
      return 0;
    } finally {
      await engine.close();
    }
  },

  async measures({ flags }, dataDir) {
    const { runMeasures } = await import('./products.ts');
    return runMeasures(localPlatform(dataDir), flags);
  },

  async profile({ flags }, dataDir) {
    const { runProfile } = await import('./products.ts');
    return runProfile(localPlatform(dataDir), flags);
  },

  async cohort({ flags }, dataDir) {
    const { runCohort } = await import('./products.ts');
    return runCohort(localPlatform(dataDir), flags);
  },

  async 'deep-dive'({ flags }, dataDir) {
    const { runDeepDive } = await import('./products.ts');
    return runDeepDive(localPlatform(dataDir), flags);
  },

  async review({ action, flags }, dataDir) {
    const { runReview } = await import('./review.ts');
    return runReview(localPlatform(dataDir), action, flags);
  },

  async sample({ flags }) {
    const { generateSample } = await import('../../sample-data/generator/index.ts');
    const out = resolve(required(flags, 'out'));
    const manifest = await generateSample({
      out,
      seed: Number(optional(flags, 'seed') ?? 1),
      scale: Number(optional(flags, 'scale') ?? 1),
      onProgress: ({ file, rows }) => process.stderr.write(`  ${file}: ${rows.toLocaleString('en-GB')} rows\n`),
    });
    if (flags.format === 'json') console.log(JSON.stringify(manifest, null, 2));
    else for (const f of manifest.files) console.log(`${f.file}\t${f.dataset}\t${f.partner}\t${f.rows} rows`);
    return 0;
  },

  async serve({ flags }, dataDir) {
    const { serveWithSample } = await import('./serve.ts');
    const port = Number(optional(flags, 'port') ?? process.env.PORT ?? 8787);
    await serveWithSample(localPlatform(dataDir), port);
    return new Promise<number>(() => {}); // runs until stopped
  },
};

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (!args.command || args.command === 'help' || args.flags.help) {
      console.log(USAGE);
      return args.command || args.flags.help ? 0 : 2;
    }
    const command = commands[args.command];
    if (!command) throw new UsageError(`unknown command "${args.command}"`);
    const dataDir = optional(args.flags, 'data-dir') ?? defaultDataDir();
    return await command(args, dataDir);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`vrn: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if ((error as Error).name === 'QueryRefused') {
      console.error(`vrn: query refused: ${(error as Error).message}`);
      return 2;
    }
    console.error(`vrn: ${(error as Error).message}`);
    return 1;
  }
}
