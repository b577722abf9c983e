import { existsSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { engineNamed, UnknownEngine } from '../../analytics/engine.ts';
import { datasetIds } from '../../schemas/datasets/index.ts';
import { DEFAULT_DEPLOYMENT, deploymentNames } from '../../schemas/deployments/index.ts';
import { errorKind } from '../ingest/failure.ts';
import type { IngestReport } from '../ingest/report.ts';
import { diskFault } from '../platform/storage/port.ts';
import { deploymentFromEnv } from '../platform/deployment.ts';
import { defaultDataDir, localPlatform } from '../platform/local.ts';
import { parseArgs, optional, required, UsageError, type ParsedArgs } from './args.ts';
import { products, type ProductRegistry } from '../products/registry.ts';
import { printReport, printRows, wrote } from './output.ts';
import { productCommand, productUsage, runProductCommand } from './products.ts';

const usage = (registry: ProductRegistry) => `vrn <command> [--data-dir DIR] [--format json]

  serve   [--port 8787]                          the service on http://localhost:PORT, sample data loaded
  sample  --out DIR [--seed N] [--scale N]       synthetic extracts in the canonical formats, of VRN_DEPLOYMENT's area
  ingest  --dataset ID --partner ID --file PATH [--period-from D --period-to D] [--rejected-out FILE]
                                                 exit 0 accepted, 2 extract rejected, 1 internal error;
                                                 --rejected-out: the rejected rows as CSV (line, column, code, reason)
  template --dataset ID --out FILE               a dataset's template: header and example row (.csv), or with
                                                 the data dictionary's notes on a second sheet (.xlsx)
  sql     --query "SELECT …" [--format json|csv] [--timeout-ms 10000]
                                                 read-only SQL over the pseudonymised tables, 10 s at most
${productUsage(registry)}
  review  list [--limit 50] [--offset 0] | blind | accept --pair ID | reject --pair ID | undo --pair ID [--user NAME]
                                                 fuzzy-linkage pairs to review, by which fields agreed; blind:
                                                 auto-links to check without their score (B-… ids)
  review  stats                                  precision and recall estimated from the decisions, with intervals
  panel   meeting --panel P --date D --user ID     records a panel meeting: the list on that date, each child new, still or
                                                 no longer eligible (the user a coordinator of P; audited)
  panel   list --panel P --user ID [--meeting D] [--status S] [--criterion C] [--locality L] [--age-from N]
          [--age-to N] [--min-score N] [--sort score|age|locality|status|person] [--format json|csv|xlsx --out FILE]
  panel   decide --panel P --person ID --meeting D --decision CODE [--programme ID | --service CODE]
          [--consent CODE] [--start D] [--outcome CODE] --user ID   a decision from the fixed lists; audited
  link    [--engine arquero|sql]                 links every person record now and stores the people, for the
                                                 products to read (the scheduled refresh does it in AWS)

  token   --user ID [--hours 8]                  local mode only: a signed bearer token for a local user (12 h at most)
  audit   verify                                 checks the audit trail's HMAC chain and signed head
  gc      [--grace-hours 24] [--dry-run]         removes what interrupted ingests left: files no catalog entry
                                                 names, temporary files and locks (0 hours: only when none runs)

datasets: ${datasetIds.join(', ')}
deployments (VRN_DEPLOYMENT, default ${DEFAULT_DEPLOYMENT}): ${deploymentNames.join(', ')}`;

type Command = (args: ParsedArgs, dataDir: string) => Promise<number>;

/** As the API's: a query runs 10 s at most unless --timeout-ms says otherwise. */
const SQL_TIMEOUT_MS = 10_000;

const commands: Record<string, Command> = {
  async ingest({ flags }, dataDir) {
    const platform = localPlatform(dataDir);
    const [{ ingestExtract }, { fileSource }] = await Promise.all([import('../ingest/ingest.ts'), import('../ingest/source.ts')]);
    const file = resolve(required(flags, 'file'));
    if (!existsSync(file)) throw new UsageError(`there is no file at ${file}`);
    const report: IngestReport = await ingestExtract(platform, {
      dataset: required(flags, 'dataset'),
      partner: required(flags, 'partner'),
      source: fileSource(file),
      periodFrom: optional(flags, 'period-from'),
      periodTo: optional(flags, 'period-to'),
      fileName: basename(file),
      uploadedBy: 'cli',
      onProgress: ({ rows_read }) => process.stderr.write(`  ${rows_read.toLocaleString('en-GB')} rows read…\n`),
      onLinking: (message) => process.stderr.write(`  ${message}\n`),
    });
    const rejectedOut = optional(flags, 'rejected-out');
    printReport(report, flags.format === 'json');
    if (rejectedOut) {
      const { rejectedRowsCsv } = await import('../ingest/rejected-rows.ts');
      writeFileSync(rejectedOut, rejectedRowsCsv(report));
      wrote(rejectedOut, `${report.errors.length} problem(s) of the rejected rows`);
    }
    return report.status === 'accepted' ? 0 : 2;
  },

  async template({ flags }) {
    const { datasetTemplate } = await import('../ingest/template.ts');
    const dataset = required(flags, 'dataset');
    if (!datasetIds.includes(dataset)) throw new UsageError(`--dataset must be one of ${datasetIds.join(', ')}`);
    const out = required(flags, 'out');
    const format = out.endsWith('.csv') ? 'csv' : 'xlsx';
    const file = await datasetTemplate(dataset, format);
    writeFileSync(out, file.body);
    wrote(out, format === 'csv' ? `the ${dataset} header and an example row` : `the ${dataset} template and its data dictionary`);
    return 0;
  },

  async sql({ flags }, dataDir) {
    const engine = await localPlatform(dataDir).openSql();
    try {
      const timeoutMs = Number(optional(flags, 'timeout-ms') ?? SQL_TIMEOUT_MS);
      if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new UsageError('--timeout-ms must be a whole number of milliseconds, more than 0');
      const result = await engine.query(required(flags, 'query'), { maxRows: Number(optional(flags, 'max-rows') ?? 10_000), timeoutMs }).catch((error: Error) => {
        if (error.name === 'QueryRefused' && /time limit/.test(error.message)) error.message += ' (raise the limit with --timeout-ms)';
        throw error;
      });
      printRows(result, (optional(flags, 'format') ?? 'table') as 'json' | 'csv' | 'table');
      return 0;
    } finally {
      await engine.close();
    }
  },

  async link({ flags }, dataDir) {
    const { linkAllPeople, describeChanges } = await import('../linkage/people.ts');
    const engine = engineNamed(optional(flags, 'engine'), 'batch', '--engine');
    const run = await linkAllPeople(localPlatform(dataDir), engine, (message) => process.stderr.write(`  ${message}\n`));
    if (flags.format === 'json') console.log(JSON.stringify(run));
    else console.log(run.skipped
      ? `people are linked already for this data (at ${run.linked_at}): ${run.people.toLocaleString('en-GB')} people from ${run.records.toLocaleString('en-GB')} records`
      : `linked ${run.records.toLocaleString('en-GB')} records into ${run.people.toLocaleString('en-GB')} people in ${run.seconds} s; ${run.review.toLocaleString('en-GB')} pairs to review`
        + (run.changes ? `\n${describeChanges(run.changes)}` : ''));
    return 0;
  },

  async panel({ subcommand, flags }, dataDir) {
    const { runPanel } = await import('./panel.ts');
    return runPanel(localPlatform(dataDir), subcommand, flags, products);
  },

  async review({ subcommand, flags }, dataDir) {
    const { runReview } = await import('./review.ts');
    return runReview(localPlatform(dataDir), subcommand, flags);
  },

  async sample({ flags }) {
    const { generateSample } = await import('../../sample-data/generator/index.ts');
    const out = resolve(required(flags, 'out'));
    const manifest = await generateSample({
      out,
      deployment: deploymentFromEnv().name,
      seed: Number(optional(flags, 'seed') ?? 1),
      scale: Number(optional(flags, 'scale') ?? 1),
      onProgress: ({ file, rows }) => process.stderr.write(`  ${file}: ${rows.toLocaleString('en-GB')} rows\n`),
    });
    if (flags.format === 'json') console.log(JSON.stringify(manifest, null, 2));
    else for (const f of manifest.files) console.log(`${f.file}\t${f.dataset}\t${f.partner}\t${f.rows} rows`);
    wrote(out, `${manifest.files.length} synthetic extracts`);
    return 0;
  },

  async audit({ subcommand }, dataDir) {
    if (subcommand !== 'verify') throw new UsageError('vrn audit verify: the only audit command');
    const { FileAuditSink } = await import('../platform/audit/file.ts');
    const { localAuditFile } = await import('../platform/local.ts');
    const { entries, unkeyed, uncommitted, problems } = await new FileAuditSink(localAuditFile(dataDir), localPlatform(dataDir).keys).verify();
    if (problems.length === 0) {
      console.log(`audit trail whole: ${entries} entries, HMAC chain and signed head agree${
        unkeyed ? `; the first ${unkeyed} predate keying (a plain SHA-256 chain, anchored by the keyed lines and head after them)` : ''}${
        uncommitted ? `; ${uncommitted} bytes past the head from an append that did not complete (never acknowledged; the next append removes them)` : ''}`);
      return 0;
    }
    console.error(`audit trail NOT whole (${entries} lines):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    return 2;
  },

  async token({ flags }, dataDir) {
    const { LocalTokens, localTokenKeyFile, MAX_TOKEN_SECONDS } = await import('../api/auth/local.ts');
    const hours = Number(optional(flags, 'hours') ?? 8);
    if (!(hours > 0 && hours <= MAX_TOKEN_SECONDS / 3600)) throw new UsageError(`--hours must be more than 0 and at most ${MAX_TOKEN_SECONDS / 3600}`);
    try {
      console.log(await new LocalTokens(localTokenKeyFile(dataDir), localPlatform(dataDir).deployment.users).sign(required(flags, 'user'), Math.round(hours * 3600)));
    } catch (error) {
      if ((error as Error).message.startsWith('no local user')) throw new UsageError((error as Error).message);
      throw error;
    }
    return 0;
  },

  async gc({ flags }, dataDir) {
    const { collectGarbage } = await import('../platform/catalog/orphans.ts');
    const grace = Number(optional(flags, 'grace-hours') ?? 24);
    if (!(grace >= 0)) throw new UsageError('--grace-hours must be a number of hours, 0 or more');
    const dryRun = flags['dry-run'] === true;
    const { orphans, leftovers } = await collectGarbage(localPlatform(dataDir), grace, dryRun);
    const uploads = new Set(orphans.map((o) => o.upload_id)).size;
    if (flags.format === 'json') console.log(JSON.stringify({ dry_run: dryRun, files: orphans.map((o) => o.key), uploads, leftovers }, null, 2));
    else {
      console.log(`${dryRun ? 'would remove' : 'removed'} ${orphans.length} file(s) of ${uploads} unrecorded upload(s)` +
        ` and ${leftovers.length} file(s) left by interrupted writes${[...orphans.map((o) => o.key), ...leftovers].map((key) => `\n  ${key}`).join('')}`);
    }
    return 0;
  },

  async serve({ flags }, dataDir) {
    const { serveWithSample } = await import('./serve.ts');
    const port = Number(optional(flags, 'port') ?? process.env.PORT ?? 8787);
    if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError('--port must be a port number, 0 to 65535');
    await serveWithSample(localPlatform(dataDir), port, dataDir);
    return new Promise<number>(() => {}); // runs until stopped
  },
};

/** `registry`: the products whose commands the CLI offers (a test's own list, or the service's). */
export async function main(argv: string[], registry: ProductRegistry = products): Promise<number> {
  const USAGE = usage(registry);
  try {
    const args = parseArgs(argv);
    if (!args.command || args.command === 'help' || args.flags.help) {
      console.log(USAGE);
      return args.command || args.flags.help ? 0 : 2;
    }
    const product = productCommand(registry, args.command);
    const command: Command | undefined = product ? ({ flags }, dataDir) => {
      // A mistyped --data-dir would otherwise read as a report of zeros.
      if (!existsSync(resolve(dataDir, 'store'))) throw new UsageError(`nothing is stored in ${dataDir}: \`vrn serve\` loads the sample there, \`vrn ingest\` adds an extract`);
      return runProductCommand(localPlatform(dataDir), product, flags, registry);
    } : commands[args.command];
    if (!command) throw new UsageError(`unknown command "${args.command}"`);
    if (product?.cli.subcommand && args.subcommand !== product.cli.subcommand) throw new UsageError(`vrn ${product.cli.command} takes ${product.cli.subcommand}`);
    if (args.subcommand && !['audit', 'review', 'panel'].includes(args.command) && product?.cli.subcommand !== args.subcommand) throw new UsageError(`unexpected argument "${args.subcommand}"`);
    const dataDir = optional(args.flags, 'data-dir') ?? defaultDataDir();
    return await command(args, dataDir);
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnknownEngine) {
      console.error(`vrn: ${error.message}\n${usageOf(argv, registry)}`);
      return 2;
    }
    if ((error as Error).name === 'QueryRefused') {
      console.error(`vrn: query refused: ${(error as Error).message}`);
      return 2;
    }
    console.error(`vrn: ${internalError(error)}`);
    return 1;
  }
}

/** The one line of usage of the command asked for (the whole help is `vrn help`). */
function usageOf(argv: string[], registry: ProductRegistry): string {
  let command: string | undefined;
  try { command = parseArgs(argv).command; } catch { command = argv.find((a) => !a.startsWith('-')); }
  const known = command && (commands[command] || productCommand(registry, command));
  const line = known ? usage(registry).split('\n').find((l) => l.startsWith(`  ${command} `)) : undefined;
  const synopsis = line ? `vrn ${line.trim().split(/\s{3,}/)[0].replace(/\s{2,}/, ' ')}` : 'vrn <command> [--data-dir DIR] [--format json]';
  return `usage: ${synopsis}   (vrn help: every command)`;
}

/** Errors whose messages are the service's own words, written never to quote the data. */
const OWN_WORDS = new Set(['StoreFailed', 'KeyFileProblem', 'IngestFailed', 'DeploymentError', 'PortInUse']);

/**
 * What an internal error says: our own errors' words, a full or failing disk in plain words (not a system message
 * naming its files), and of anything else only its kind: a library's message (fs, the AWS SDK…) could quote a cell.
 */
function internalError(error: unknown): string {
  if (error instanceof Error && OWN_WORDS.has(error.name)) return error.message;
  const fault = diskFault(error);
  if (fault === 'full') return 'the data dir ran out of space; nothing half-written was kept. Free some space and run the command again';
  if (fault === 'failing') return `the disk failed (an I/O error, ${(error as NodeJS.ErrnoException).code}); nothing half-written was kept`;
  return `internal error (${errorKind(error)}); its own text is not shown, as it could quote the data`;
}
