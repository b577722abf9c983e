import type { Platform } from '../functions/platform/platform.ts';
import { ArqueroEngine } from './engines/arquero.ts';
import { SqlEngine } from './engines/sql.ts';
import type { Engine } from './ir.ts';

export type EngineName = Engine['name'];
export const engineNames: EngineName[] = ['arquero', 'sql'];

/** Opens the named engine over the platform's store: the one place a face chooses an engine. */
export function openEngine(name: EngineName, platform: Platform): Promise<Engine> {
  return name === 'arquero' ? ArqueroEngine.open(platform) : SqlEngine.open(platform);
}
