/**
 * Names are compared in one form: accents and punctuation removed (hyphens count as spaces), upper case,
 * whitespace collapsed, so that "Zoë O'Brien-Smith" and "ZOE OBRIEN SMITH" give the same key.
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[-‐‑–—_/]/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, '')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A person's names as words, normalised once per row for every key and encoding made of them. */
export interface Names { forename: readonly string[]; surname: readonly string[] }

export const NO_WORDS: readonly string[] = [];
export const wordsOf = (name: string | null): readonly string[] => (name ? normaliseName(name).split(' ').filter(Boolean) : NO_WORDS);
export const namesOf = (forename: string | null, surname: string | null): Names => ({ forename: wordsOf(forename), surname: wordsOf(surname) });
