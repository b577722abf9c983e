import { ArqueroEngine } from './engines/arquero.ts';
import { SqlEngine } from './engines/sql.ts';
import type { Engine } from './ir.ts';
import type { EngineDeps } from './engines/ports.ts';

export type EngineName = Engine['name'];
export const engineNames: EngineName[] = ['arquero', 'sql'];

/** Opens the named engine over the platform's store: the one place a face chooses an engine. */
export function openEngine(name: EngineName, platform: EngineDeps): Promise<Engine> {
  return name === 'arquero' ? ArqueroEngine.open(platform) : SqlEngine.open(platform);
}
