import { z } from 'zod';
import { emergencyAdmissionMethods, icd10, knifeEnabledGroups, seriousViolenceGroups } from './code-lists.ts';
import { datasets } from './datasets/index.ts';
import { storedColumns } from './stored.ts';

/**
 * The performance framework's indicators, as data: each a dataset and a filter on its stored columns, counted by
 * month and locality; shown as a count or a rate per 1,000 or 100,000 of a population (the whole population, or an
 * age band's where the indicator needs one); which direction is better; an optional target. The Home Office success
 * measures are indicators of the same kind (`homeOffice`: analytics/products/success-measures.ts reads their rules
 * from here). The filter is plain data; analytics/products/indicators.ts turns it into a query description.
 */
const Value = z.union([z.string(), z.number(), z.boolean()]);
export type Filter =
  | { all: Filter[] }
  | { any: Filter[] }
  | { column: string; equals: string | number | boolean }
  | { column: string; in: (string | number)[] }
  | { column: string; below: number }
  | { column: string; prefix: string[]; firstOnly?: boolean };
export const Filter: z.ZodType<Filter> = z.lazy(() => z.union([
  z.object({ all: z.array(Filter).min(1) }).strict(),
  z.object({ any: z.array(Filter).min(1) }).strict(),
  z.object({ column: z.string(), equals: Value }).strict(),
  z.object({ column: z.string(), in: z.array(z.union([z.string(), z.number()])).min(1) }).strict(),
  z.object({ column: z.string(), below: z.number() }).strict(),
  z.object({ column: z.string(), prefix: z.array(z.string()).min(1), firstOnly: z.boolean().optional() }).strict(),
]));

export const Indicator = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/),
  title: z.string(),
  /** The Board's theme, for grouping on the dashboard. */
  theme: z.enum(['crime', 'violence', 'asb', 'hate', 'vulnerability', 'health', 'home_office']),
  dataset: z.string(),
  /** The date column that places a row in a month (the dataset's event date unless said). */
  date: z.string().optional(),
  filter: Filter.optional(),
  measure: z.enum(['count', 'rate_per_1000', 'rate_per_100000']),
  /** The population a rate is of: everyone, or an age band the area must carry (`populationsByAge`). */
  denominator: z.union([z.literal('population'), z.object({ ages: z.string().regex(/^\d+-\d+$/) })]).default('population'),
  better: z.enum(['lower', 'higher']),
  /** A change against the baseline the partnership aims for, in per cent (−10: a tenth lower). */
  target: z.object({ changeVsBaselinePct: z.number(), note: z.string().optional() }).optional(),
  /** A Home Office success measure: its under-25 split. */
  homeOffice: z.object({ under25: Filter }).optional(),
  /** police.uk street-level crime types that make the force-level comparator, where one exists. */
  policeUk: z.array(z.string()).optional(),
  note: z.string().optional(),
});
export type Indicator = z.infer<typeof Indicator>;

/** ICD-10 assault codes X85–Y09 as prefixes. */
const assaultPrefixes = [...Array.from({ length: 15 }, (_, i) => `X${85 + i}`), ...Array.from({ length: 10 }, (_, i) => `Y0${i}`)];
const recorded = { dataset: 'police_crime', date: 'recorded_date' } as const;
const under25Victim: Filter = { column: 'victim_age', below: 25 };

export const indicatorInputs: z.input<typeof Indicator>[] = [
  // The Home Office success measures, as the return counts them.
  {
    id: 'hospital_admissions_sharp_object', title: 'Hospital admissions for assault with a knife or sharp object', theme: 'home_office',
    dataset: 'hospital_admission', date: 'admission_date', measure: 'count', better: 'lower',
    filter: { all: [{ column: 'admission_method', in: [...emergencyAdmissionMethods] }, { column: 'cause_codes', prefix: [icd10.sharpObjectAssaultPrefix], firstOnly: icd10.causeCodePositions === 'first' }] },
    homeOffice: { under25: { column: 'age', below: 25 } },
  },
  {
    id: 'knife_serious_violence', title: 'Knife-enabled serious violence', theme: 'home_office', ...recorded, measure: 'count', better: 'lower',
    filter: { all: [{ column: 'knife_flag', equals: true }, { column: 'offence_group', in: [...knifeEnabledGroups] }] },
    homeOffice: { under25: under25Victim },
  },
  {
    id: 'homicide', title: 'Homicide', theme: 'home_office', ...recorded, measure: 'count', better: 'lower',
    filter: { all: [{ column: 'offence_group', equals: 'homicide' }, { column: 'domestic_flag', equals: false }] },
    homeOffice: { under25: { all: [under25Victim, { column: 'knife_flag', equals: true }] } },
  },
  // The Safer Communities Strategy Board's dashboard.
  { id: 'total_crime', title: 'Total recorded crime', theme: 'crime', ...recorded, measure: 'rate_per_1000', better: 'lower', policeUk: ['*'] },
  {
    id: 'residential_burglary', title: 'Residential burglary', theme: 'crime', ...recorded, measure: 'rate_per_1000', better: 'lower',
    filter: { all: [{ column: 'offence_group', equals: 'burglary' }, { column: 'burglary_type', equals: 'residential' }] }, policeUk: ['Burglary'],
    note: 'police.uk does not split burglary: its comparator is all burglary',
  },
  {
    id: 'business_burglary', title: 'Business and community burglary', theme: 'crime', ...recorded, measure: 'rate_per_1000', better: 'lower',
    filter: { all: [{ column: 'offence_group', equals: 'burglary' }, { column: 'burglary_type', equals: 'business' }] },
  },
  { id: 'vehicle_offences', title: 'Vehicle offences', theme: 'crime', ...recorded, measure: 'rate_per_1000', better: 'lower', filter: { column: 'offence_group', equals: 'vehicle_offence' }, policeUk: ['Vehicle crime'] },
  {
    id: 'violence_with_injury', title: 'Violence with injury', theme: 'violence', ...recorded, measure: 'rate_per_1000', better: 'lower',
    filter: { column: 'offence_group', in: ['homicide', 'attempted_murder', 'assault_with_intent_serious_harm', 'assault_with_injury'] },
  },
  {
    id: 'serious_violence', title: 'Serious violence (the VRN\'s definition)', theme: 'violence', ...recorded, measure: 'rate_per_1000', better: 'lower',
    filter: { column: 'offence_group', in: [...seriousViolenceGroups] }, target: { changeVsBaselinePct: -10, note: 'the VRN strategy: lower than 2019/20' },
  },
  {
    id: 'serious_violence_under_25', title: 'Serious violence against under 25s', theme: 'violence', ...recorded, measure: 'count', better: 'lower',
    filter: { all: [{ column: 'offence_group', in: [...seriousViolenceGroups] }, under25Victim] },
  },
  {
    id: 'public_place_violence_under_25', title: 'Public-place serious violence against under 25s', theme: 'violence', ...recorded, measure: 'count', better: 'lower',
    filter: { all: [{ column: 'offence_group', in: [...seriousViolenceGroups] }, { column: 'location_type', equals: 'public_place' }, under25Victim] },
  },
  { id: 'domestic_abuse', title: 'Domestic abuse-related crime', theme: 'vulnerability', ...recorded, measure: 'rate_per_1000', better: 'lower', filter: { column: 'domestic_flag', equals: true } },
  { id: 'sexual_offences', title: 'Sexual offences', theme: 'vulnerability', ...recorded, measure: 'rate_per_1000', better: 'lower', filter: { column: 'offence_group', in: ['rape', 'other_sexual_offence'] } },
  { id: 'hate_crime', title: 'Hate crime', theme: 'hate', ...recorded, measure: 'rate_per_1000', better: 'lower', filter: { column: 'hate_flag', equals: true }, note: 'from the hate-crime flag, where the police extract carries it' },
  {
    id: 'racially_religiously_aggravated', title: 'Racially or religiously aggravated crime', theme: 'hate', ...recorded, measure: 'rate_per_1000', better: 'lower',
    filter: { column: 'racially_religiously_aggravated', equals: true },
  },
  { id: 'asb_police', title: 'Anti-social behaviour reported to the police', theme: 'asb', dataset: 'asb_incident', measure: 'rate_per_1000', better: 'lower', filter: { column: 'source', equals: 'police_call' }, policeUk: ['Anti-social behaviour'] },
  { id: 'asb_council', title: 'Anti-social behaviour cases (councils)', theme: 'asb', dataset: 'asb_incident', measure: 'rate_per_1000', better: 'lower', filter: { column: 'source', equals: 'case_management' } },
  {
    id: 'hospital_admissions_violence', title: 'Emergency hospital admissions for violence', theme: 'health', dataset: 'hospital_admission', date: 'admission_date',
    measure: 'rate_per_100000', better: 'lower',
    filter: { all: [{ column: 'admission_method', in: [...emergencyAdmissionMethods] }, { column: 'cause_codes', prefix: assaultPrefixes }] },
  },
  { id: 'violence_ae_attendances', title: 'A&E attendances for assault', theme: 'health', dataset: 'ae_attendance', measure: 'rate_per_1000', better: 'lower' },
];

/** The Board's indicators the partnership's data cannot supply yet, and what each waits for. */
export const indicatorsWaitingForData: { title: string; waitsFor: string }[] = [
  { title: 'First-time entrants to the youth justice system aged 10–17 (per 100,000 aged 10–17)', waitsFor: 'a youth justice extract of first-time entrants, and the areas\' 10–17 populations in area.json (populationsByAge)' },
  { title: 'MARAC repeat referrals', waitsFor: 'a MARAC extract (cases and referral dates)' },
  { title: 'Residents who feel safe (survey results)', waitsFor: 'the councils\' and the PCC\'s survey results' },
  { title: 'Proven reoffending', waitsFor: 'Ministry of Justice proven reoffending data by locality' },
  { title: 'The regional average of each Board indicator', waitsFor: 'the other East Midlands partnerships\' figures; police.uk gives force-level comparators for its crime types only' },
];

/** The stored column that places a row in a locality: where it happened, or for health and schools the person's home. */
const localityColumns: Record<string, string> = {
  police_crime: 'locality', asb_incident: 'locality', ae_attendance: 'incident_locality', hospital_admission: 'home_locality', school_exclusion: 'home_locality',
};
export const indicatorLocality = (indicator: Indicator) => localityColumns[indicator.dataset];

/**
 * The stored column that places a row in an LSOA (the maps), where the dataset has one: where it happened, or for
 * hospital admissions the patient's home (as its locality). A&E attendances and exclusions carry no LSOA.
 */
const lsoaColumns: Record<string, string> = { police_crime: 'lsoa_code', asb_incident: 'lsoa_code', hospital_admission: 'lsoa_code' };
export const indicatorLsoa = (indicator: Indicator): string | null => lsoaColumns[indicator.dataset] ?? null;

export const indicators: Indicator[] = indicatorInputs.map((i) => Indicator.parse(i));

/** Every filter's and date's columns exist in the indicator's dataset (checked at load, so a typo fails the build). */
for (const indicator of indicators) {
  const dataset = datasets[indicator.dataset];
  if (!dataset) throw new Error(`indicator ${indicator.id}: unknown dataset ${indicator.dataset}`);
  const known = new Set(storedColumns(dataset).map((c) => c.name));
  const columns = (f: Filter): string[] => ('all' in f ? f.all.flatMap(columns) : 'any' in f ? f.any.flatMap(columns) : [f.column]);
  const used = [...(indicator.filter ? columns(indicator.filter) : []), ...(indicator.homeOffice ? columns(indicator.homeOffice.under25) : []), ...(indicator.date ? [indicator.date] : [])];
  for (const c of used) if (!known.has(c)) throw new Error(`indicator ${indicator.id}: ${indicator.dataset} has no column ${c}`);
  const lsoa = lsoaColumns[indicator.dataset];
  if (lsoa && !known.has(lsoa)) throw new Error(`indicator ${indicator.id}: ${indicator.dataset} has no column ${lsoa}`);
  if (!localityColumns[indicator.dataset]) throw new Error(`indicator ${indicator.id}: no locality column for ${indicator.dataset}`);
  if (!indicator.date && !dataset.eventDate) throw new Error(`indicator ${indicator.id}: ${indicator.dataset} has no event date`);
}
if (new Set(indicators.map((i) => i.id)).size !== indicators.length) throw new Error('indicator ids repeat');

export const indicatorDate = (indicator: Indicator) => indicator.date ?? datasets[indicator.dataset].eventDate!;
export function getIndicator(id: string): Indicator {
  const found = indicators.find((i) => i.id === id);
  if (!found) throw new Error(`unknown indicator "${id}"`);
  return found;
}
