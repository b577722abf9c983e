import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateSample } from '../../sample-data/generator/index.ts';

export interface IngestBenchOptions {
  /** Rows of each extract (the file is cut to this many data rows). */
  rows: number[];
  datasets?: ('police_crime' | 'police_person')[];
  /** Measurements of each (bare, ingest) pair; the table gives the min and the median. */
  repeat?: number;
  /** Also an ingest under a 256 MB heap cap (the working set is bounded). */
  capped?: boolean;
}

const FILES = { police_crime: 'leicestershire-police__police_crime.csv', police_person: 'leicestershire-police__police_person.csv' };

/** A generated extract of exactly `rows` data rows, cached in .bench/ (they are large). */
async function extractOf(dataset: keyof typeof FILES, rows: number): Promise<string> {
  const file = join('.bench', `${dataset}-${rows}.csv`);
  if (existsSync(file)) return file;
  // About 100,000 crimes at scale 1 (and more people): a little more, then cut.
  const scale = Math.ceil((rows / 95_000) * 10) / 10;
  const dir = join('.bench', `police-scale-${scale}`);
  if (!existsSync(join(dir, 'manifest.json'))) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`generating police_crime and police_person at scale ${scale}…\n`);
    await generateSample({ out: dir, seed: 7, scale, datasets: ['police_crime', 'police_person'] });
  }
  const out = createWriteStream(`${file}.tmp`);
  let n = -1;
  for await (const line of createInterface({ input: createReadStream(join(dir, FILES[dataset])), crlfDelay: Infinity })) {
    if (n++ >= rows) break;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  if (n < rows) throw new Error(`scale ${scale} gave only ${n} ${dataset} rows`);
  renameSync(`${file}.tmp`, file);
  return file;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const round = (x: number, d = 2) => +x.toFixed(d);

/**
 * Ingest throughput and memory: generated police extracts, each measured in a fresh process against a bare pass over
 * the same file (read, split, one HMAC per row) in the same run, bare and ingest in turn. Wall and CPU seconds
 * (user + system) of the work, not counting module loading; the ratios are to the bare pass.
 */
export async function benchIngest({ rows: sizes, datasets = ['police_crime'], repeat = 1, capped = true }: IngestBenchOptions) {
  const results = [];
  for (const dataset of datasets) {
    for (const rows of sizes) {
      const file = await extractOf(dataset, rows);
      const run = (nodeFlags: string[], ...args: string[]) => JSON.parse(execFileSync('node', ['--max-semi-space-size=64', ...nodeFlags, '--import', 'tsx', 'tests/bench/ingest-worker.ts', ...args], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!);
      const dataDir = join('.bench', `data-${dataset}-${rows}`);
      const runs: { bare: any; ingest: any }[] = [];
      for (let r = 0; r < repeat; r++) {
        const bare = run([], 'bare', file);
        rmSync(dataDir, { recursive: true, force: true });
        const ingest = run([], 'ingest', file, dataDir, dataset);
        runs.push({ bare, ingest });
      }
      rmSync(dataDir, { recursive: true, force: true });
      const cap = capped ? run(['--max-old-space-size=256'], 'ingest', file, dataDir, dataset) : null;
      rmSync(dataDir, { recursive: true, force: true });
      const wallRatio = runs.map((x) => x.ingest.seconds / x.bare.seconds), cpuRatio = runs.map((x) => x.ingest.cpu_s / x.bare.cpu_s);
      const usPerRow = runs.map((x) => (1e6 * x.ingest.cpu_s) / x.ingest.rows);
      const rowsPerS = runs.map((x) => x.ingest.rows / x.ingest.seconds);
      const last = runs[runs.length - 1].ingest;
      results.push({
        dataset, rows: last.rows, runs: repeat,
        ingest_s_min: round(Math.min(...runs.map((x) => x.ingest.seconds))), ingest_cpu_s_min: round(Math.min(...runs.map((x) => x.ingest.cpu_s))),
        bare_s_min: round(Math.min(...runs.map((x) => x.bare.seconds))), bare_cpu_s_min: round(Math.min(...runs.map((x) => x.bare.cpu_s))),
        wall_ratio_min: round(Math.min(...wallRatio)), wall_ratio_median: round(median(wallRatio)),
        cpu_ratio_min: round(Math.min(...cpuRatio)), cpu_ratio_median: round(median(cpuRatio)),
        cpu_us_per_row_min: round(Math.min(...usPerRow), 1), cpu_us_per_row_median: round(median(usPerRow), 1),
        rows_per_s_max: Math.round(Math.max(...rowsPerS)), rows_per_s_median: Math.round(median(rowsPerS)),
        peak_rss_mb: Math.max(...runs.map((x) => x.ingest.peak_rss_mb)), capped_peak_rss_mb: cap?.peak_rss_mb ?? null,
        status: last.status, rejected: last.rows_rejected,
      });
    }
  }
  return results;
}

/**
 * Start-up of the `vrn` command as a user runs it, min and median seconds: `--help`, and an ingest that stops at
 * its first check (it loads the whole ingest path); beside them bare `node -e ""` in the same run.
 */
export function benchStartup(repeat = 7) {
  const commands = [
    ['-e', ''],
    ['functions/cli/vrn.js', '--help'],
    ['functions/cli/vrn.js', 'ingest', '--dataset', 'police_crime', '--partner', 'leicestershire-police', '--file', 'no-such-file.csv', '--data-dir', join('.bench', 'startup')],
  ];
  execFileSync('node', commands[1]); // the first run after a change builds the bundle
  return commands.map((args) => {
    const wall: number[] = [], cpu: number[] = [];
    for (let r = 0; r < repeat; r++) {
      // GNU time gives the child's own CPU seconds, which a busy machine disturbs least.
      const { stderr } = spawnSync('/usr/bin/time', ['-f', 'vrn-time %e %U %S', 'node', ...args], { encoding: 'utf8' });
      const [e, u, s] = /vrn-time (\S+) (\S+) (\S+)/.exec(stderr)!.slice(1).map(Number);
      wall.push(e);
      cpu.push(u + s);
    }
    return {
      command: `node ${args.join(' ')}`.slice(0, 60), runs: repeat, wall_s_min: round(Math.min(...wall), 3), wall_s_median: round(median(wall), 3),
      cpu_s_min: round(Math.min(...cpu), 3), cpu_s_median: round(median(cpu), 3),
    };
  });
}
