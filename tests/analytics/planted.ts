import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pseudonymiser } from '../../functions/ingest/pseudonymise.ts';
import type { Platform } from '../../functions/platform/platform.ts';

/**
 * Which of a sample's planted children of a panel a cohort holds, beside which it should: the generator's truth names
 * each planted child's records, and their keyed references find them among the members' records.
 */
export async function plantedMembership(platform: Platform, sampleDir: string, panel: string, members: { records: { record_key: string }[] }[]) {
  const lines = (file: string) => readFileSync(join(sampleDir, file), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const planted = lines('planted.csv').filter(([, , p]) => p === panel);
  const keysOf = new Map<string, Set<string>>();
  for (const [dataset, partner, ref, person] of lines('truth.csv')) {
    const pseudonyms = await Pseudonymiser.create(platform.keys, partner);
    const key = pseudonyms.recordKey(dataset === 'police_person' ? 'police_crime' : dataset, partner, ref);
    (keysOf.get(person) ?? keysOf.set(person, new Set()).get(person)!).add(key);
  }
  const inCohort = (person: string) => members.some((m) => m.records.some((r) => keysOf.get(person)?.has(r.record_key)));
  return {
    planted: planted.length,
    actual: planted.map(([name, person]) => ({ name, in_cohort: inCohort(person) })),
    expected: planted.map(([name, , , , , expected]) => ({ name, in_cohort: expected === 'true' })),
  };
}
