import type { Area } from '../../schemas/area/index.ts';
import { ageBandOf } from '../../schemas/code-lists.ts';
import type { Dataset } from '../../schemas/dataset.ts';
import { personColumns } from '../../schemas/stored.ts';
import type { CellValue } from './cells.ts';
import { ageOn, dayToIso, millisToDay, monthOf } from '../../analytics/dates.ts';
import type { PostcodeParts } from './identifiers.ts';
import { localityOf } from './locality.ts';
import type { Pseudonymiser } from './pseudonymise.ts';
import type { Row } from './row-schema.ts';

export type StoredValue = string | number | boolean | null;
export type StoredRow = Record<string, StoredValue>;

/**
 * Minimisation and pseudonymisation of one valid row, planned once per dataset: identity fields become person
 * keys, age at the event, age band, month of birth and home sector/locality; location postcodes become sector and
 * locality; the record reference becomes a keyed hash, and goes itself to the partner's sealed vault. Nothing else of
 * the row survives.
 */
export function storedRowBuilder(
  dataset: Dataset, area: Area, partner: string, pseudonyms: Pseudonymiser,
  keepReference: (recordKey: string, reference: string) => void,
) {
  const steps: ((row: Row, out: StoredRow) => void)[] = [];
  const datetimes = new Set(dataset.columns.filter((c) => c.type.kind === 'datetime').map((c) => c.name));
  const dayOf = (column: string, value: CellValue): number | null =>
    typeof value !== 'number' ? null : datetimes.has(column) ? millisToDay(value) : value;

  for (const column of dataset.columns) {
    const name = column.name;
    if (column.reference) {
      const { namespace, key } = column.reference;
      steps.push((row, out) => {
        const reference = row[name] as string;
        const recordKey = pseudonyms.recordKey(namespace, partner, reference);
        out[key] = recordKey;
        keepReference(recordKey, reference);
      });
    } else if (column.identity || column.personAge) {
      continue;
    } else if (column.type.kind === 'postcode' && column.location) {
      const { sector, locality, lsoa } = column.location;
      steps.push((row, out) => {
        const place = row[name] as PostcodeParts | null;
        out[sector] = place?.sector ?? null;
        out[locality] = localityOf(area, { sector: place?.sector, district: place?.district, lsoa: lsoa ? (row[lsoa] as string | null) : null });
      });
    } else {
      steps.push((row, out) => { out[name] = (row[name] ?? null) as StoredValue; });
    }
  }

  for (const person of personColumns(dataset)) {
    const spec = dataset.persons[person.person];
    const col = (role: string) => dataset.columns.find((c) => c.person === person.person && c.identity === role)?.name;
    const nhs = col('nhs_number'), upn = col('upn'), local = col('local_person_id');
    const forename = col('forename'), surname = col('surname'), dob = col('date_of_birth'), home = col('home_postcode');
    const ageColumn = dataset.columns.find((c) => c.person === person.person && c.personAge)?.name;
    const ageAt = spec.ageAt === undefined ? dataset.eventDate : spec.ageAt;
    steps.push((row, out) => {
      const birth = dob ? ((row[dob] ?? null) as number | null) : null;
      if (person.keys.nhs) out[person.keys.nhs] = row[nhs!] ? pseudonyms.nhsKey(row[nhs!] as string) : null;
      if (person.keys.upn) out[person.keys.upn] = row[upn!] ? pseudonyms.upnKey(row[upn!] as string) : null;
      if (person.keys.local) out[person.keys.local] = row[local!] ? pseudonyms.localKey(partner, row[local!] as string) : null;
      const dobIso = birth === null ? null : dayToIso(birth);
      // Normalised once for the name-and-date key and the encodings both.
      const names = person.keys.name_dob || person.clk
        ? pseudonyms.names(forename ? (row[forename] as string | null) ?? null : null, surname ? (row[surname] as string | null) ?? null : null)
        : null;
      if (person.keys.name_dob) out[person.keys.name_dob] = pseudonyms.nameDobKeyOf(names!, dobIso);
      if (person.age) {
        const at = ageAt ? dayOf(ageAt, row[ageAt]) : null;
        const age = birth !== null && at !== null ? ageOn(birth, at) : ageColumn ? (row[ageColumn] as number | null) : null;
        out[person.age] = age ?? null;
        out[person.ageBand!] = age === null || age === undefined ? null : ageBandOf(age);
      }
      if (person.monthOfBirth) out[person.monthOfBirth] = birth === null ? null : monthOf(birth);
      if (person.homeSector) {
        const place = row[home!] as PostcodeParts | null;
        out[person.homeSector] = place?.sector ?? null;
        out[person.homeLocality!] = localityOf(area, {
          sector: place?.sector, district: place?.district, lsoa: spec.homeLsoa ? (row[spec.homeLsoa] as string | null) : null,
        });
      }
      if (person.clk) {
        const place = home ? (row[home] as PostcodeParts | null) : null;
        const encoded = pseudonyms.linkage.encode({
          names: names!, dob: dobIso,
          postcode: place ? place.unit ?? place.sector : null,
          sex: person.sexColumn ? (row[person.sexColumn] as string | null) ?? null : null,
        });
        out[person.clk] = encoded.clk;
        out[person.linkBlocks!] = encoded.blocks;
      }
    });
  }

  return (row: Row): StoredRow => {
    const out: StoredRow = { partner };
    for (const step of steps) step(row, out);
    return out;
  };
}
