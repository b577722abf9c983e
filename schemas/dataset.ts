import { z } from 'zod';

/**
 * The shape of a dataset definition: the canonical upload format of one extract type, as data.
 * The ingest pipeline, the stored (pseudonymised) table, the SQL views and the docs are all derived from it.
 */

export const ColumnType = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), maxLength: z.number().int().positive().default(200) }),
  z.object({ kind: z.literal('date') }),
  /** A calendar month, YYYY-MM (open data such as police.uk's): stored as the month's last day. */
  z.object({ kind: z.literal('month') }),
  z.object({ kind: z.literal('time') }),
  z.object({ kind: z.literal('datetime') }),
  z.object({ kind: z.literal('boolean') }),
  z.object({ kind: z.literal('enum'), codeList: z.string() }),
  z.object({ kind: z.literal('int'), min: z.number().int(), max: z.number().int() }),
  z.object({ kind: z.literal('number'), min: z.number(), max: z.number() }),
  z.object({ kind: z.literal('postcode') }),
  z.object({ kind: z.literal('lsoa') }),
  z.object({ kind: z.literal('nhs_number') }),
  z.object({ kind: z.literal('upn') }),
  z.object({ kind: z.literal('icd10_list') }),
]);
export type ColumnType = z.infer<typeof ColumnType>;

/** What an identity column (◆) contributes to a person: never stored, only turned into keys, ages and areas. */
export const IdentityRole = z.enum([
  'nhs_number', 'upn', 'local_person_id', 'forename', 'surname', 'date_of_birth', 'home_postcode',
]);
export type IdentityRole = z.infer<typeof IdentityRole>;

export const Column = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  type: ColumnType,
  required: z.boolean().default(false),
  description: z.string().default(''),
  /** Identity field: used only to make pseudonyms, never stored. */
  identity: IdentityRole.optional(),
  /** The person this column describes (a key of the dataset's persons). */
  person: z.string().optional(),
  /** An age column of a person: used where that person has no date of birth. */
  personAge: z.boolean().default(false),
  /** A location postcode: stored only as sector and locality under these names. */
  location: z.object({ sector: z.string(), locality: z.string(), lsoa: z.string().optional() }).optional(),
  /** The partner's own record reference: stored only as a keyed hash (for joins) and encrypted. */
  reference: z.object({ namespace: z.string(), key: z.string() }).optional(),
});
export type Column = z.infer<typeof Column>;

export const Person = z.object({
  /** Prefix of the stored person columns (key_nhs, age, home_sector, …). */
  storePrefix: z.string(),
  /** The column whose date the age is taken at; the event date when omitted; none for undated snapshots. */
  ageAt: z.string().nullable().optional(),
  /** An LSOA column that places the person's residence where the area has an LSOA lookup. */
  homeLsoa: z.string().optional(),
  description: z.string().default(''),
});
export type Person = z.infer<typeof Person>;

export const RowRule = z.discriminatedUnion('rule', [
  /** `column` must not be after `other` (dates or datetimes, compared by date). */
  z.object({ rule: z.literal('not_after'), column: z.string(), other: z.string() }),
  /** At least one of the columns must be present in the header and filled in each row. */
  z.object({ rule: z.literal('one_of'), columns: z.array(z.string()).min(2) }),
  /** `column` holds a code that maps through `map` to the value of `target`; where both are given they agree. */
  z.object({ rule: z.literal('maps_to'), column: z.string(), map: z.string(), target: z.string() }),
]);
export type RowRule = z.infer<typeof RowRule>;

export const Dataset = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  title: z.string(),
  description: z.string(),
  /** event: each row has an event date and extracts cover periods; snapshot: the latest extract replaces. */
  kind: z.enum(['event', 'snapshot']),
  /** The column whose date places a row in a period (event datasets). */
  eventDate: z.string().nullable(),
  /** The column that must be unique within an extract (first kept, later ones rejected). */
  uniqueId: z.string().nullable(),
  columns: z.array(Column).min(1),
  persons: z.record(z.string(), Person).default({}),
  rules: z.array(RowRule).default([]),
});
export type Dataset = z.infer<typeof Dataset>;
export type DatasetInput = z.input<typeof Dataset>;
