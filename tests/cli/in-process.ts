import { main } from '../../functions/cli/main.ts';
import type { ProductRegistry } from '../../functions/products/registry.ts';

/**
 * Runs the `vrn` command's main function in this process, as `node functions/cli/vrn.js …` would, and returns its
 * exit code and what it printed. For tests of a command's logic: spawning a process costs seconds on a busy machine,
 * so only a few smoke tests (tests/cli/vrn.test.ts) run the real executable.
 */
export const vrnInProcess = (...args: string[]) => vrnInProcessWith(undefined, ...args);

/** As vrnInProcess, with a test's own product registry. */
export async function vrnInProcessWith(registry: ProductRegistry | undefined, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn, stdout: process.stdout.write, stderr: process.stderr.write };
  const line = (sink: string[]) => (...values: unknown[]) => { sink.push(`${values.map(String).join(' ')}\n`); };
  const chunk = (sink: string[]) => ((data: string | Uint8Array) => { sink.push(typeof data === 'string' ? data : Buffer.from(data).toString()); return true; }) as typeof process.stdout.write;
  console.log = line(out);
  console.error = line(err);
  console.warn = line(err);
  process.stdout.write = chunk(out);
  process.stderr.write = chunk(err);
  try {
    const code = await main(args, registry);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    Object.assign(console, { log: saved.log, error: saved.error, warn: saved.warn });
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
  }
}
