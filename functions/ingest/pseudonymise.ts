import { createHmac } from 'node:crypto';
import type { KeyStore } from '../platform/keys/port.ts';
import { LinkageEncoder } from '../../analytics/matching/encoding.ts';
import { namesOf, NO_WORDS, wordsOf, type Names } from '../../analytics/matching/names.ts';
import { Recent } from '../../analytics/matching/recent.ts';

export { namesOf, normaliseName, type Names } from '../../analytics/matching/names.ts';

const SEP = '\x1f';

/**
 * Keyed pseudonyms for one ingest. Every identifier type is its own domain in the HMAC input, so equal strings of
 * different kinds never give the same key; each key carries the key version so keys can be rotated.
 */
export class Pseudonymiser {
  /** Bloom-filter encodings and blocking tokens for fuzzy linkage, under keys derived from the same secret. */
  readonly linkage: LinkageEncoder;
  /** Names and people repeat across rows: their words and keys, for this ingest only (in memory, as the encoder's caches). */
  private readonly seenNames = new Recent<readonly string[]>();
  private readonly seenKeys = new Recent<string>();

  private constructor(
    private readonly version: string,
    private readonly key: Buffer,
    /** The partner's key for its reference vault. */
    readonly referenceKey: { version: string; key: Buffer },
  ) {
    this.linkage = new LinkageEncoder(version, key);
  }

  static async create(keys: KeyStore, partner: string): Promise<Pseudonymiser> {
    const { version, key } = await keys.pseudonymisationKey();
    const reference = await keys.referenceKey(partner);
    if (reference.version !== version) throw new Error('key store returned keys of different versions');
    return new Pseudonymiser(version, key, reference);
  }

  private hmac(domain: string, value: string): string {
    return `${this.version}:${createHmac('sha256', this.key).update(domain + SEP + value).digest('base64url')}`;
  }

  /** A row's names normalised, once for every key and encoding made of them (`namesOf`). */
  names(forename: string | null, surname: string | null): Names {
    return { forename: this.wordsOf(forename), surname: this.wordsOf(surname) };
  }

  private wordsOf(name: string | null): readonly string[] {
    return name ? this.seenNames.of(name, wordsOf) : NO_WORDS;
  }

  nhsKey(nhsNumber: string) { return this.hmac('nhs', nhsNumber); }
  upnKey(upn: string) { return this.hmac('upn', upn); }
  /** A partner's own person id links only that partner's records (police nominal id, local-authority id). */
  localKey(partner: string, id: string) {
    return this.seenKeys.of(`local${SEP}${partner}${SEP}${id}`, () => this.hmac(`local${SEP}${partner}`, id.trim().toUpperCase().replace(/\s+/g, ' ')));
  }

  /** Null unless surname, forename and date of birth are all there after normalisation. */
  nameDobKey(forename: string | null, surname: string | null, dobIso: string | null): string | null {
    return this.nameDobKeyOf(namesOf(forename, surname), dobIso);
  }

  /** The same from names normalised already (`namesOf`). */
  nameDobKeyOf(names: Names, dobIso: string | null): string | null {
    const f = names.forename.join(' '), s = names.surname.join(' ');
    if (!f || !s || !dobIso) return null;
    const value = `${s}${SEP}${f}${SEP}${dobIso}`;
    return this.seenKeys.of(`name_dob${SEP}${value}`, () => this.hmac('name_dob', value));
  }

  /** The partner's record reference as a join key: the same reference from the same partner gives the same key. */
  recordKey(namespace: string, partner: string, reference: string) {
    return this.hmac(`ref${SEP}${namespace}${SEP}${partner}`, reference.trim());
  }
}
