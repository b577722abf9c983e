import { ArqueroEngine } from '../../analytics/engines/arquero.ts';
import { SqlEngine } from '../../analytics/engines/sql.ts';
import type { Engine } from '../../analytics/ir.ts';
import type { Platform } from '../../functions/platform/platform.ts';

/** Both engines, by name: every product spec runs on each and the results must be identical. */
export const engines: Record<Engine['name'], (platform: Platform) => Promise<Engine>> = {
  arquero: (platform) => ArqueroEngine.open(platform),
  sql: (platform) => SqlEngine.open(platform),
};

export async function onBothEngines<T>(platform: Platform, run: (engine: Engine) => Promise<T>): Promise<Record<Engine['name'], T>> {
  const out = {} as Record<Engine['name'], T>;
  for (const [name, open] of Object.entries(engines) as [Engine['name'], typeof engines.sql][]) {
    const engine = await open(platform);
    try { out[name] = await run(engine); } finally { await engine.close(); }
  }
  return out;
}
