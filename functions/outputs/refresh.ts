import { defaultEngine, openEngine, type EngineName } from '../../analytics/engine.ts';
import { yearStarting } from '../../analytics/financial-year.ts';
import { exportAbout } from '../products/about.ts';
import type { Platform } from '../platform/platform.ts';
import { getJson } from '../platform/storage/port.ts';
import { linkAllPeople } from '../linkage/people.ts';
import type { ProductFormat } from '../products/product.ts';
import { products, type ProductRegistry } from '../products/registry.ts';
import { computeProduct, renderProduct } from '../products/service.ts';

/** What a refresh wrote, and from which state of the catalog. */
export interface RefreshManifest {
  period: string;
  catalog_version: string;
  generated_at: string;
  files: string[];
}

/** The financial year a date falls in ('2025-26' from 1 April 2025). */
export function financialYearOf(date: Date): string {
  const year = date.getUTCFullYear();
  return yearStarting(date.getUTCMonth() >= 3 ? year : year - 1).label;
}

export const outputsPrefix = (period: string) => `outputs/${period}/`;

/**
 * The scheduled refresh: what each product of the registry says it writes for the current financial year (the
 * success measures with the Home Office return as CSV for the partnership core, and under `csp/` what CSP officers
 * see — the measures and every locality's profile, JSON and the HTML report, disclosure-controlled), run and
 * rendered as every other face runs and renders them, written to the outputs store. The csp/ folder holds nothing a
 * CSP officer could subtract from: the unsuppressed measures stay beside it, not in it. Nothing is recomputed while
 * the catalog has not changed since the last refresh.
 */
export async function refreshProducts(platform: Platform, engineName: EngineName = defaultEngine.batch, registry: ProductRegistry = products): Promise<RefreshManifest & { skipped: boolean }> {
  const period = financialYearOf(platform.now());
  const prefix = outputsPrefix(period);
  const version = await platform.catalog.version();
  const previous = await getJson<RefreshManifest>(platform.storage, `${prefix}manifest.json`);
  if (previous?.value.catalog_version === version) return { ...previous.value, skipped: true };

  const files: string[] = [];
  const engine = await openEngine(engineName, platform);
  try {
    for (const product of registry) {
      for (const { request, files: names } of product.refresh?.(platform.area, period) ?? []) {
        const result = await computeProduct(engine, platform, request, registry);
        for (const [format, name] of Object.entries(names) as [ProductFormat, string][]) {
          await platform.storage.put(prefix + name, (await renderProduct(request, result, format, platform.deployment, registry, await exportAbout(platform, request))).body);
          files.push(prefix + name);
        }
      }
    }
  } finally {
    await engine.close();
  }
  const manifest: RefreshManifest = { period, catalog_version: version, generated_at: platform.now().toISOString(), files };
  await platform.storage.put(`${prefix}manifest.json`, JSON.stringify(manifest, null, 1));
  return { ...manifest, skipped: false };
}

/**
 * What the schedule runs: people linked for the current data (the cohort and the deep dive read them), then the
 * products. Each part does nothing when its data has not changed.
 */
export async function scheduledRefresh(platform: Platform, engineName: EngineName = defaultEngine.batch, log: (message: string) => void = () => {}) {
  const people = await linkAllPeople(platform, engineName, log);
  const products = await refreshProducts(platform, engineName);
  return { people, products };
}
