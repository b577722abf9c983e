import { engineNames, openEngine, type EngineName } from '../../analytics/engine.ts';
import type { Engine } from '../../analytics/ir.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { linkAllPeople } from '../../functions/linkage/people.ts';

/** Runs a product on every engine: the spec suite demands identical results from each. */
export async function onBothEngines<T>(platform: Platform, run: (engine: Engine) => Promise<T>): Promise<Record<EngineName, T>> {
  const out = {} as Record<EngineName, T>;
  await linkAllPeople(platform);
  for (const name of engineNames) {
    const engine = await openEngine(name, platform);
    try { out[name] = await run(engine); } finally { await engine.close(); }
  }
  return out;
}
