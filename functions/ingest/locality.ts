import { UNKNOWN_LOCALITY, type Area } from '../../schemas/area/index.ts';

/** The locality of a place: by LSOA where the area has an LSOA lookup, else by postcode sector, then district. */
export function localityOf(area: Area, place: { sector?: string | null; district?: string | null; lsoa?: string | null }): string {
  if (place.lsoa) {
    const byLsoa = area.lsoas[place.lsoa];
    if (byLsoa) return byLsoa;
  }
  if (place.sector) {
    const bySector = area.sectors[place.sector];
    if (bySector) return bySector;
  }
  if (place.district) {
    const byDistrict = area.districts[place.district];
    if (byDistrict) return byDistrict;
  }
  return UNKNOWN_LOCALITY;
}
