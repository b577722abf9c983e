import type { Area } from '../../schemas/area/index.ts';
import { ageBandOf } from '../../schemas/code-lists.ts';
import type { Dataset } from '../../schemas/dataset.ts';
import { personColumns, type StoredColumn } from '../../schemas/stored.ts';
import type { CellValue } from './cells.ts';
import { ageOn, dayToIso, millisToDay, monthOf } from '../../analytics/dates.ts';
import type { PostcodeParts } from './identifiers.ts';
import { localityOf } from './locality.ts';
import type { Pseudonymiser } from './pseudonymise.ts';
import type { Row } from './row-schema.ts';

export type StoredValue = string | number | boolean | null;

/**
 * Minimisation and pseudonymisation of one valid row, planned once per dataset: identity fields become person
 * keys, age at the event, age band, month of birth and home sector/locality; location postcodes become sector and
 * locality; the record reference becomes a keyed hash, and goes itself to the partner's sealed vault. Nothing else of
 * the row survives. The stored values are written into `out` by their column's position in `columns` (no object per
 * row); a column no step fills is null.
 */
export function storedRowBuilder(
  dataset: Dataset, area: Area, partner: string, pseudonyms: Pseudonymiser,
  keepReference: (recordKey: string, reference: string) => void, columns: readonly StoredColumn[],
): (row: Row, out: StoredValue[]) => void {
  const at = (name: string) => {
    const i = columns.findIndex((c) => c.name === name);
    if (i < 0) throw new Error(`${name} is not a stored column of ${dataset.id}`);
    return i;
  };
  const steps: ((row: Row, out: StoredValue[]) => void)[] = [];
  const datetimes = new Set(dataset.columns.filter((c) => c.type.kind === 'datetime').map((c) => c.name));
  const dayOf = (column: string, value: CellValue): number | null =>
    typeof value !== 'number' ? null : datetimes.has(column) ? millisToDay(value) : value;

  for (const column of dataset.columns) {
    const name = column.name;
    if (column.reference) {
      const { namespace } = column.reference;
      const key = at(column.reference.key);
      steps.push((row, out) => {
        const reference = row[name] as string;
        const recordKey = pseudonyms.recordKey(namespace, partner, reference);
        out[key] = recordKey;
        keepReference(recordKey, reference);
      });
    } else if (column.identity || column.personAge) {
      continue;
    } else if (column.type.kind === 'postcode' && column.location) {
      const { lsoa } = column.location;
      const sector = at(column.location.sector), locality = at(column.location.locality);
      steps.push((row, out) => {
        const place = row[name] as PostcodeParts | null;
        out[sector] = place?.sector ?? null;
        out[locality] = localityOf(area, { sector: place?.sector, district: place?.district, lsoa: lsoa ? (row[lsoa] as string | null) : null });
      });
    } else {
      const to = at(name);
      steps.push((row, out) => { out[to] = (row[name] ?? null) as StoredValue; });
    }
  }

  for (const person of personColumns(dataset)) {
    const spec = dataset.persons[person.person];
    const col = (role: string) => dataset.columns.find((c) => c.person === person.person && c.identity === role)?.name;
    const nhs = col('nhs_number'), upn = col('upn'), local = col('local_person_id');
    const forename = col('forename'), surname = col('surname'), dob = col('date_of_birth'), home = col('home_postcode');
    const ageColumn = dataset.columns.find((c) => c.person === person.person && c.personAge)?.name;
    const ageAt = spec.ageAt === undefined ? dataset.eventDate : spec.ageAt;
    const slot = (name: string | undefined) => (name ? at(name) : -1);
    const keyNhs = slot(person.keys.nhs), keyUpn = slot(person.keys.upn), keyLocal = slot(person.keys.local), keyNameDob = slot(person.keys.name_dob);
    const age = slot(person.age), ageBand = slot(person.ageBand), monthOfBirth = slot(person.monthOfBirth);
    const homeSector = slot(person.homeSector), homeLocality = slot(person.homeLocality), clk = slot(person.clk), linkBlocks = slot(person.linkBlocks), linkEdits = slot(person.linkEdits);
    steps.push((row, out) => {
      const birth = dob ? ((row[dob] ?? null) as number | null) : null;
      if (keyNhs >= 0) out[keyNhs] = row[nhs!] ? pseudonyms.nhsKey(row[nhs!] as string) : null;
      if (keyUpn >= 0) out[keyUpn] = row[upn!] ? pseudonyms.upnKey(row[upn!] as string) : null;
      if (keyLocal >= 0) out[keyLocal] = row[local!] ? pseudonyms.localKey(partner, row[local!] as string) : null;
      const dobIso = birth === null ? null : dayToIso(birth);
      // Normalised once for the name-and-date key and the encodings both.
      const names = keyNameDob >= 0 || clk >= 0
        ? pseudonyms.names(forename ? (row[forename] as string | null) ?? null : null, surname ? (row[surname] as string | null) ?? null : null)
        : null;
      if (keyNameDob >= 0) out[keyNameDob] = pseudonyms.nameDobKeyOf(names!, dobIso);
      if (age >= 0) {
        const on = ageAt ? dayOf(ageAt, row[ageAt]) : null;
        const years = birth !== null && on !== null ? ageOn(birth, on) : ageColumn ? (row[ageColumn] as number | null) : null;
        out[age] = years ?? null;
        out[ageBand] = years === null || years === undefined ? null : ageBandOf(years);
      }
      if (monthOfBirth >= 0) out[monthOfBirth] = birth === null ? null : monthOf(birth);
      if (homeSector >= 0) {
        const place = row[home!] as PostcodeParts | null;
        out[homeSector] = place?.sector ?? null;
        out[homeLocality] = localityOf(area, {
          sector: place?.sector, district: place?.district, lsoa: spec.homeLsoa ? (row[spec.homeLsoa] as string | null) : null,
        });
      }
      if (clk >= 0) {
        const place = home ? (row[home] as PostcodeParts | null) : null;
        const encoded = pseudonyms.linkage.encode({
          names: names!, dob: dobIso,
          postcode: place ? place.unit ?? place.sector : null,
          sex: person.sexColumn ? (row[person.sexColumn] as string | null) ?? null : null,
        });
        out[clk] = encoded.clk;
        out[linkBlocks] = encoded.blocks;
        out[linkEdits] = encoded.edits;
      }
    });
  }

  const partnerAt = at('partner');
  return (row, out) => {
    out.fill(null);
    out[partnerAt] = partner;
    for (let i = 0; i < steps.length; i++) steps[i](row, out);
  };
}
