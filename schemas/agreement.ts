import { z } from 'zod';
import { datasets } from './datasets/index.ts';

/** The information-sharing agreement, as data: who shares what, the roles, and the thresholds it sets. */
export const Agreement = z.object({
  version: z.string(),
  partners: z.array(z.object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string(),
    datasets: z.array(z.string()).min(1),
    /** Header aliases per dataset: the partner's column name (any case) → the schema column. */
    aliases: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  })).min(1),
  roles: z.record(z.string(), z.string()),
  ingest: z.object({
    /** An extract with a larger share of rejected rows is rejected whole. */
    maxRejectedShare: z.number().min(0).max(1),
  }),
  disclosure: z.object({
    /** Counts from 1 up to this are suppressed for audiences that see disclosure-controlled figures. */
    defaultMaxSuppressed: z.number().int().nonnegative(),
    maxSuppressedByDataset: z.record(z.string(), z.number().int().nonnegative()),
    /**
     * 'none': small counts suppressed, with secondary suppression so that none can be worked out from a total.
     * 'nearest5' (OpenSAFELY's rule): every count the audience sees rounded to the nearest 5, each total rounded
     * on its own; small counts still suppressed; rates, shares and changes computed from the rounded counts.
     */
    rounding: z.enum(['none', 'nearest5']).default('none'),
  }),
  retention: z.object({ rawHours: z.number().positive(), curatedYears: z.number().positive() }),
}).superRefine((agreement, ctx) => {
  for (const partner of agreement.partners) {
    for (const id of [...partner.datasets, ...Object.keys(partner.aliases)]) {
      if (!datasets[id]) ctx.addIssue({ code: 'custom', message: `partner ${partner.id}: unknown dataset ${id}` });
    }
    for (const [id, aliases] of Object.entries(partner.aliases)) {
      const names = new Set(datasets[id]?.columns.map((c) => c.name));
      for (const [alias, column] of Object.entries(aliases)) {
        if (!names.has(column)) ctx.addIssue({ code: 'custom', message: `partner ${partner.id}: alias ${alias} → unknown column ${id}.${column}` });
      }
    }
  }
});
export type Agreement = z.infer<typeof Agreement>;
export type Partner = Agreement['partners'][number];

export const agreement = Agreement.parse({
  version: 'LLR VRN information-sharing agreement, schema v1',
  partners: [
    {
      id: 'leicestershire-police', name: 'Leicestershire Police',
      datasets: ['police_crime', 'police_person', 'asb_incident'],
      aliases: {
        police_crime: { 'crime reference': 'crime_ref', 'crime number': 'crime_ref', 'ho code': 'ho_offence_code', 'date recorded': 'recorded_date' },
        police_person: { 'crime reference': 'crime_ref', 'crime number': 'crime_ref', 'nominal id': 'police_person_id' },
      },
    },
    {
      id: 'uhl', name: 'University Hospitals of Leicester (emergency department)',
      datasets: ['ae_attendance'],
      aliases: { ae_attendance: { 'nhs no': 'nhs_number', 'arrival date time': 'arrival_at', 'attendance ref': 'attendance_id' } },
    },
    {
      id: 'mlcsu', name: 'Midlands and Lancashire Commissioning Support Unit',
      datasets: ['hospital_admission', 'ae_attendance'],
      aliases: { hospital_admission: { admimeth: 'admission_method', admidate: 'admission_date', 'spell id': 'admission_id' } },
    },
    { id: 'leicester-city-council', name: 'Leicester City Council', datasets: ['school_exclusion', 'asb_incident', 'support_episode'] },
    { id: 'leicestershire-county-council', name: 'Leicestershire County Council', datasets: ['school_exclusion', 'asb_incident', 'support_episode'] },
    { id: 'rutland-county-council', name: 'Rutland County Council', datasets: ['school_exclusion', 'asb_incident', 'support_episode'] },
    { id: 'vrn', name: 'Violence Reduction Network team', datasets: ['support_episode'] },
  ],
  roles: {
    partner_uploader: "Uploads its organisation's datasets only; sees its own uploads' reports",
    analyst: 'VRN analyst: every product, deep dives, read-only SQL over pseudonymised tables; no re-identification',
    csp_officer: "Its own locality's profile and LLR success measures, disclosure-controlled",
    panel_coordinator: "Its panel's cohort; may re-identify records its own organisation supplied",
    performance_lead: 'Success measures and the Home Office return',
    admin: 'Partners, users, keys and the audit trail; no data',
  },
  ingest: { maxRejectedShare: 0.10 },
  // HES analysis guide and OHID's VRU reports suppress 1–7 for hospital data; the partnership suppresses 1–4 elsewhere.
  disclosure: { defaultMaxSuppressed: 4, maxSuppressedByDataset: { hospital_admission: 7, ae_attendance: 7 } },
  retention: { rawHours: 24, curatedYears: 7 },
});
