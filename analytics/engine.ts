import { ArqueroEngine } from './engines/arquero.ts';
import { SqlEngine } from './engines/sql.ts';
import type { Engine } from './ir.ts';
import type { EngineDeps } from './engines/ports.ts';

export type EngineName = Engine['name'];
export const engineNames: EngineName[] = ['arquero', 'sql'];

/**
 * The engine when none is named: the one place defaults are set. A request's product runs as SQL (DuckDB locally,
 * Athena in AWS: a few queries, nothing read into memory); the scheduled refresh and linking run on Arquero (one
 * read of each dataset in the Lambda instead of a few hundred small Athena queries, or a million rows paged out).
 */
export const defaultEngine = { request: 'sql', batch: 'arquero' } as const satisfies Record<string, EngineName>;

/** An engine name nobody knows: the caller's mistake, said with the names there are (`what` names the flag or setting). */
export class UnknownEngine extends Error {
  constructor(what = 'engine') {
    super(`${what} must be one of ${engineNames.join(', ')}`);
    this.name = 'UnknownEngine';
  }
}

/** The engine a flag, setting or option names, or the default for the use when it names none. */
export function engineNamed(name: string | undefined, use: keyof typeof defaultEngine, what?: string): EngineName {
  if (name === undefined || name === '') return defaultEngine[use];
  if (!(engineNames as string[]).includes(name)) throw new UnknownEngine(what);
  return name as EngineName;
}

/** Opens the named engine over the platform's store: the one place a face chooses an engine. */
export async function openEngine(name: EngineName, platform: EngineDeps): Promise<Engine> {
  if (name === 'arquero') return ArqueroEngine.open(platform);
  if (name === 'sql') return SqlEngine.open(platform);
  throw new UnknownEngine();
}
