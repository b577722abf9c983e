import type { Platform } from '../platform.ts';

/**
 * Files no catalog entry names: an ingest that stopped between writing its Parquet and vault and recording them
 * (a crash, a Lambda timeout) leaves them behind. They never count and hold only pseudonymised or sealed data, but
 * they take space and should not outlive the retention the agreement promises. An upload id carries its start
 * time, so files of ingests that may still be running (younger than the grace period) are left alone.
 */
export interface Orphan { key: string; upload_id: string }

const UPLOAD_DIR = /(?:^|\/)upload_id=(up-(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})-[0-9a-f]{8})\//;
const ORPHAN_PREFIXES = ['curated/', 'vault/'];

export async function findOrphans(platform: Platform, graceHours = 24): Promise<Orphan[]> {
  const known = new Set((await platform.catalog.read()).extracts.map((e) => e.upload_id));
  const cutoff = platform.now().getTime() - graceHours * 3_600_000;
  const orphans: Orphan[] = [];
  for (const prefix of ORPHAN_PREFIXES) {
    for (const key of await platform.storage.list(prefix)) {
      const match = UPLOAD_DIR.exec(key);
      if (!match || known.has(match[1])) continue;
      const [y, mo, d, h, mi, s] = match.slice(2).map(Number);
      if (Date.UTC(y, mo - 1, d, h, mi, s) <= cutoff) orphans.push({ key, upload_id: match[1] });
    }
  }
  return orphans.sort((a, b) => a.key.localeCompare(b.key));
}

/** Deletes the orphans (the catalog is re-read just before, so an extract recorded meanwhile is kept). */
export async function removeOrphans(platform: Platform, graceHours = 24): Promise<Orphan[]> {
  const orphans = await findOrphans(platform, graceHours);
  for (const orphan of orphans) await platform.storage.delete(orphan.key);
  return orphans;
}

/**
 * `vrn gc`: the orphans, then what a killed process left that no listing shows: temporary files of writes it never
 * finished and locks it held, untouched for the grace period by the clock on the wall (their times are the
 * disk's), and the folders that leaves empty. A dry run only finds them.
 */
export async function collectGarbage(platform: Platform, graceHours = 24, dryRun = false): Promise<{ orphans: Orphan[]; leftovers: string[] }> {
  const orphans = dryRun ? await findOrphans(platform, graceHours) : await removeOrphans(platform, graceHours);
  const leftovers = (await platform.storage.sweep?.(new Date(Date.now() - graceHours * 3_600_000), dryRun)) ?? [];
  return { orphans, leftovers };
}
