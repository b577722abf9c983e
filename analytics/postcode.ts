/** UK postcodes as the service reads them: the outward code, the sector and the unit (ingest's cells and linkage's encoding). */
const OUTWARD = '[A-Z]{1,2}[0-9][A-Z0-9]?';
const FULL_POSTCODE = new RegExp(`^(${OUTWARD})([0-9][A-Z]{2})$`);
const SECTOR = new RegExp(`^(${OUTWARD}) ([0-9])$`);

/** `unit` is the whole postcode ("LE1 5AB") when one was given: used only to encode for linkage, never stored. */
export interface PostcodeParts { district: string; sector: string; full: boolean; unit: string | null }

/** A UK postcode ("LE1 5AB", "le15ab") or sector ("LE1 5") → district and sector; null if neither. */
export function parsePostcode(raw: string): PostcodeParts | null {
  const upper = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  const sector = SECTOR.exec(upper);
  if (sector) return { district: sector[1], sector: `${sector[1]} ${sector[2]}`, full: false, unit: null };
  const full = FULL_POSTCODE.exec(upper.replace(/ /g, ''));
  if (full) return { district: full[1], sector: `${full[1]} ${full[2][0]}`, full: true, unit: `${full[1]} ${full[2]}` };
  return null;
}
