import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetIds } from '../../schemas/datasets/index.ts';
import { isoDate, parseIso } from './calendar.ts';
import type { Ctx } from './context.ts';
import { generateAsb } from './datasets/asb.ts';
import { generateDelivery } from './datasets/delivery.ts';
import { generateHealth } from './datasets/health.ts';
import { generatePolice } from './datasets/police.ts';
import { generateSchools } from './datasets/schools.ts';
import { generateSupport } from './datasets/support.ts';
import { fileSpecs, type FileSpec } from './files.ts';
import { Population } from './people.ts';
import { placesOf } from './places.ts';
import { Delivery } from './programmes.ts';
import { plantCohort, type PlantedCase } from './planted.ts';
import { Sink, type SampleFile } from './sink.ts';
import { TruthWriter } from './truth.ts';
import { csvField } from './writers/csv.ts';

/**
 * The seeded synthetic sample: one extract per partner and dataset over the period, in the partners' own styles,
 * with a planted Prevention Panel cohort, invalid rows, a manifest and the truth about who is who.
 * Everything follows from the seed and the scale: the same options give byte-identical files.
 */

export type { SampleFile } from './sink.ts';

export interface SampleOptions {
  out: string;
  /** Default 1. */
  seed?: number;
  /** Default 1 (about 100,000 crimes over the default period); fractions allowed. */
  scale?: number;
  /** Restrict to these dataset ids. */
  datasets?: string[];
  /** Default 2019-04-01. */
  from?: string;
  /** Default 2025-09-30; also the as-of date of the planted cohort. */
  to?: string;
  /** The deployment bundle whose area and partners the sample is of (schemas/deployments/); default `llr`. */
  deployment?: string;
  onProgress?: (p: { file: string; rows: number }) => void;
}

/** `deployment`: the bundle the sample is of (its partners and localities); a platform loads only its own. */
export interface SampleManifest { deployment: string; seed: number; scale: number; from: string; to: string; files: SampleFile[] }

export async function generateSample(opts: SampleOptions): Promise<SampleManifest> {
  const seed = opts.seed ?? 1;
  const scale = opts.scale ?? 1;
  const from = parseIso(opts.from ?? '2019-04-01');
  const to = parseIso(opts.to ?? '2025-09-30');
  if (!Number.isInteger(seed)) throw new Error(`seed must be a whole number, not ${seed}`);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`scale must be a positive number, not ${scale}`);
  if (from > to) throw new Error('from is after to');
  const wanted = new Set(opts.datasets ?? datasetIds);
  for (const id of wanted) if (!datasetIds.includes(id)) throw new Error(`unknown dataset "${id}"; known: ${datasetIds.join(', ')}`);

  const places = placesOf(opts.deployment);
  const specs = fileSpecs(places);
  const { police, team } = places.partners;

  await mkdir(opts.out, { recursive: true });
  const population = new Population(seed, scale, from, to, places);
  const delivery = new Delivery(seed, from, to, population, places.deployment.programmes);
  const ctx: Ctx = { seed, scale, from, to, asOf: to, population, places, delivery, planted: { crimes: [], asb: [], ae: [], admissions: [], exclusions: [], support: [] } };
  const { events, cases } = plantCohort(ctx);
  ctx.planted = events;

  const truth = new TruthWriter(opts.out);
  const files: SampleFile[] = [];
  const open = (spec: FileSpec) => (wanted.has(spec.dataset) ? new Sink(spec, opts.out, seed, truth, opts.onProgress) : null);
  const openAll = (dataset: string) => {
    const sinks = new Map<string, Sink>();
    for (const spec of specs) {
      if (spec.dataset !== dataset) continue;
      const sink = open(spec);
      if (sink) sinks.set(spec.partner, sink);
    }
    return sinks;
  };
  const close = async (...sinks: (Sink | null)[]) => {
    for (const sink of sinks) if (sink) files.push(await sink.close());
  };

  // Passes in the manifest's order (police, health, councils, VRN), each only if one of its files is wanted.
  if (wanted.has('police_crime') || wanted.has('police_person')) {
    const crime = open(specs.find((s) => s.dataset === 'police_crime')!);
    const person = open(specs.find((s) => s.dataset === 'police_person')!);
    await generatePolice(ctx, { crime, person });
    await close(crime, person);
  }
  const asb = openAll('asb_incident');
  if (asb.size) await generateAsb(ctx, asb);
  const policeAsb = asb.get(police);
  await close(policeAsb ?? null);
  if (wanted.has('ae_attendance') || wanted.has('hospital_admission')) {
    const ae = open(specs.find((s) => s.dataset === 'ae_attendance')!);
    const admissions = open(specs.find((s) => s.dataset === 'hospital_admission')!);
    await generateHealth(ctx, { ae, admissions });
    await close(ae, admissions);
  }
  const exclusions = openAll('school_exclusion');
  if (exclusions.size) await generateSchools(ctx, exclusions);
  const support = openAll('support_episode');
  if (support.size) await generateSupport(ctx, support);
  for (const spec of specs) {
    if (spec.partner === police || spec.partner === team) continue;
    await close(({ school_exclusion: exclusions, asb_incident: asb, support_episode: support } as Record<string, Map<string, Sink>>)[spec.dataset]?.get(spec.partner) ?? null);
  }
  await close(support.get(team) ?? null);
  const deliveries = openAll('programme_delivery');
  if (deliveries.size) await generateDelivery(ctx, deliveries);
  for (const spec of specs) if (spec.dataset === 'programme_delivery') await close(deliveries.get(spec.partner) ?? null);
  await truth.close();

  // Files in the order of the specs (the order the partners would upload them).
  const order = new Map(specs.map((s, i) => [s.file, i]));
  files.sort((a, b) => order.get(a.file)! - order.get(b.file)!);
  const manifest: SampleManifest = { deployment: places.deployment.name, seed, scale, from: isoDate(from), to: isoDate(to), files };
  await writeFile(join(opts.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(opts.out, 'planted.csv'), plantedCsv(cases));
  return manifest;
}

/** planted.csv: each planted case, its panel, and whether the cohort on the as-of date should include it. */
function plantedCsv(cases: PlantedCase[]): string {
  const columns = ['planted', 'person_id', 'panel', 'locality', 'age_on_as_of', 'expected_in_cohort', 'description'] as const;
  const lines = [columns.join(',')];
  for (const c of cases) lines.push(columns.map((k) => csvField(String(c[k]))).join(','));
  return `${lines.join('\n')}\n`;
}
