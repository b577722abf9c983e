import { openEngine, type EngineName } from '../../analytics/engine.ts';
import { yearStarting } from '../../analytics/financial-year.ts';
import { localityProfile } from '../../analytics/products/locality-profile.ts';
import { cspMeasures } from '../../analytics/products/csp-release.ts';
import { DEFAULT_BASELINE, measuresTables, successMeasures } from '../../analytics/products/success-measures.ts';
import { toCsv } from '../../analytics/render/csv.ts';
import { profileHtml } from '../../analytics/render/reports.ts';
import type { Platform } from '../platform/platform.ts';
import { getJson } from '../platform/storage/port.ts';
import { linkAllPeople } from '../linkage/people.ts';

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
 * The scheduled refresh: the success measures (with the Home Office return as CSV) for the partnership core, and
 * under `csp/` what CSP officers see — the measures and every locality's profile (JSON and the HTML report),
 * disclosure-controlled as one release — for the current financial year, written to the outputs store. The csp/
 * folder holds nothing a CSP officer could subtract from: the unsuppressed measures stay beside it, not in it.
 * Nothing is recomputed while the catalog has not changed since the last refresh.
 */
export async function refreshProducts(platform: Platform, engineName: EngineName = 'arquero'): Promise<RefreshManifest & { skipped: boolean }> {
  const period = financialYearOf(platform.now());
  const prefix = outputsPrefix(period);
  const version = await platform.catalog.version();
  const previous = await getJson<RefreshManifest>(platform.storage, `${prefix}manifest.json`);
  if (previous?.value.catalog_version === version) return { ...previous.value, skipped: true };

  const files: string[] = [];
  const write = async (name: string, body: string) => {
    await platform.storage.put(prefix + name, body);
    files.push(prefix + name);
  };
  const engine = await openEngine(engineName, platform);
  try {
    const measures = await successMeasures(engine, period);
    await write('measures.json', JSON.stringify(measures, null, 1));
    await write('home-office-return.csv', toCsv(measuresTables(measures)[0]!));
    const forCsp = await cspMeasures(engine, platform.area, platform.agreement, period, DEFAULT_BASELINE, 'csp');
    await write('csp/measures.json', JSON.stringify(forCsp, null, 1));
    for (const { slug } of platform.area.localities) {
      const profile = await localityProfile(engine, platform.area, platform.agreement, { locality: slug, period, audience: 'csp' });
      await write(`csp/profiles/${slug}.json`, JSON.stringify(profile, null, 1));
      await write(`csp/profiles/${slug}.html`, profileHtml(profile, platform.deployment));
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
export async function scheduledRefresh(platform: Platform, engineName: EngineName = 'arquero', log: (message: string) => void = () => {}) {
  const people = await linkAllPeople(platform, engineName, log);
  const products = await refreshProducts(platform, engineName);
  return { people, products };
}
