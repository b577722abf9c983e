/** Checks and normalisation of the identifiers partners send. Pure functions; no value is ever logged here. */

/** NHS number: 10 digits whose last is the modulus-11 check digit of the first nine. */
export function nhsCheckDigit(firstNine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(firstNine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null; // no valid number has this stem
  return check;
}

export function normaliseNhsNumber(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return null;
  return nhsCheckDigit(digits.slice(0, 9)) === Number(digits[9]) ? digits : null;
}

const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

/** DfE UPN check letter: characters 2–13 weighted 2–13, modulo 23, into the 23-letter alphabet. */
export function upnCheckLetter(rest: string): string | null {
  if (rest.length !== 12) return null;
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const ch = rest[i];
    let value: number;
    if (ch >= '0' && ch <= '9') value = Number(ch);
    else if (i === 11 && UPN_LETTERS.includes(ch)) value = UPN_LETTERS.indexOf(ch); // temporary UPNs end in a letter
    else return null;
    sum += value * (i + 2);
  }
  return UPN_LETTERS[sum % 23];
}

export function normaliseUpn(raw: string): string | null {
  const upn = raw.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z][0-9]{11}[0-9A-Z]$/.test(upn)) return null;
  return upnCheckLetter(upn.slice(1)) === upn[0] ? upn : null;
}

export { parsePostcode, type PostcodeParts } from '../../analytics/postcode.ts';
