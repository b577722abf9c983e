import { z } from 'zod';

/**
 * Fuzzy person linkage as configuration: the layout of the Bloom-filter encoding (CLK) stored at ingest, how
 * encodings are compared, and the two thresholds. Changing `clk` changes what ingest stores (encodings made under
 * different layouts do not compare); the weights and thresholds apply at analysis time only.
 */

/**
 * The layout of the stored encodings (this `clk` and the blocking tokens), which begins their prefix (`v2:`): an
 * encoding of another layout is not read, so a data dir made before must be ingested again.
 */
export const encodingLayout = 'v2';

export const clkFields = ['forename', 'surname', 'dob', 'postcode', 'sex'] as const;
export type ClkField = (typeof clkFields)[number];

const Segment = z.object({
  /** Bits of the CLK given to the field: a multiple of 32. */
  bits: z.number().int().positive().refine((n) => n % 32 === 0, 'a multiple of 32'),
  /** Bit positions set per token (taken from one keyed HMAC-SHA512 of the token: at most 32). */
  hashes: z.number().int().min(1).max(32),
});

/**
 * One level of a comparison (Fellegi–Sunter, as Splink models it): the level holds where the field's Dice is at
 * least `dice` (or, for `swapped`, the Dice of this name against the other record's other name), the first level
 * that holds, best first (boundaries measured with `npx tsx tests/bench/linkage-levels.ts`: per-field Dice of each
 * kind of difference under many keys); below all of them the field is `different`, and a field missing on either side says
 * nothing. `start` is where training starts from and what a small store's estimates are drawn towards: the
 * probability of the level among matches (m) and among random pairs (u). The weights are trained (analytics/matching/
 * model.ts), never set here.
 */
const Level = z.object({
  level: z.string().regex(/^[a-z]+$/),
  dice: z.number().min(0).max(1),
  swapped: z.boolean().default(false),
  /**
   * The level holds only where both records also share a blocking token of this kind (analytics/matching/encoding.ts):
   * what Dice alone cannot tell (a short form from another name, a day-month swap from another year, a district).
   */
  shares: z.enum(['fs', 'ss', 'by', 'pd', 'fe']).optional(),
  /**
   * For `swapped`: the other name of this record against this name of the other record must reach this Dice too, so
   * one name found in the other's other place (a surname written as a forename) is not taken for a swap of both.
   */
  otherAtLeast: z.number().min(0).max(1).optional(),
  start: z.object({ m: z.number().gt(0).lt(1), u: z.number().gt(0).lt(1) }),
});
const Comparison = z.object({
  levels: z.array(Level).min(1),
  different: z.object({ m: z.number().gt(0).lt(1), u: z.number().gt(0).lt(1) }),
});
export type ComparisonSettings = z.infer<typeof Comparison>;

/**
 * A guard: a pattern of levels that is never linked without review, whatever the score (to the review queue at
 * most). The model assumes comparisons independent; in a household they are not (siblings share a surname and a
 * home, twins a birth date too), so a high score there can be a family, not one person. A pair is held when, for
 * some guard, every comparison it names is at one of the levels listed (`missing`: absent on either side).
 */
const Guard = z.object({
  name: z.string().regex(/^[a-z-]+$/),
  why: z.string().min(1),
  /**
   * `review`: to the review queue at most. `apart`: not linked and not queued either, for patterns that are, on the
   * population benchmark, another member of the household and never one person (the queue's time is an analyst's).
   */
  action: z.enum(['review', 'apart']).default('review'),
  when: z.partialRecord(z.enum(clkFields), z.array(z.string().regex(/^[a-z]+$/)).min(1)),
});
export type Guard = z.infer<typeof Guard>;

export const LinkageConfig = z.object({
  clk: z.object({ forename: Segment, surname: Segment, dob: Segment, postcode: Segment, sex: Segment })
    .refine((s) => clkFields.reduce((n, f) => n + s[f].bits, 0) === 1024, 'the segments make 1024 bits')
    // One key for both names (analytics/matching/encoding.ts): a swap is found by comparing one with the other.
    .refine((s) => s.forename.bits === s.surname.bits && s.forename.hashes === s.surname.hashes, 'forename and surname segments are alike'),
  /** Per field, its levels (see Level). */
  comparisons: z.object({ forename: Comparison, surname: Comparison, dob: Comparison, postcode: Comparison, sex: Comparison }),
  guards: z.array(Guard),
  /**
   * Term frequencies: agreeing exactly on a name counts for ln(m / f) rather than ln(m / u), f the share of records
   * in the smallest blocking block of that kind (`fs` forenames, `ss` surnames) both records share: common names count
   * for less. f is drawn towards the level's u by `pseudoRecords` (a small store says little) and kept in [min, max].
   */
  termFrequency: z.object({ pseudoRecords: z.number().min(0), min: z.number().gt(0).lt(1), max: z.number().gt(0).lt(1) })
    .refine((t) => t.min <= t.max, 'min is not above max'),
  /**
   * Training, once per linking run: u from `randomPairs` random pairs of records (all pairs when fewer), m and the
   * share of matches by EM over at most `blockedPairs` pairs sharing a blocking token (whole blocks drawn at random
   * when there are more), u fixed. Estimates are drawn towards the levels' start values by `pseudoPairs` random
   * pairs and `pseudoMatches` matches; an analyst's accepted or rejected pair counts as `decisionWeight` pairs whose
   * status is known.
   */
  training: z.object({
    randomPairs: z.number().int().positive(), blockedPairs: z.number().int().positive(),
    iterations: z.number().int().positive(), tolerance: z.number().positive(),
    pseudoPairs: z.number().min(0), pseudoMatches: z.number().min(0), decisionWeight: z.number().min(0),
    /** The share of matches among blocked pairs EM starts from. */
    startMatches: z.number().gt(0).lt(1),
    seed: z.number().int(),
    /**
     * EM's sessions (Splink's): each over the pairs sharing a blocking token of `blocks`, training the m of the
     * comparisons `trains` with their u fixed from random pairs, and comparing those of `alsoCompares` besides, with
     * their m and u both estimated among the session's pairs (agreement on them is conditioned by the blocks, so
     * neither is kept). Without them, a session over names alone cannot tell a swap of both names from two strangers
     * and EM drives the swap's m to 0 at 100,000 people. `other` is the next session's blocks: the prior is the first
     * session's matches over the share of the second's matches that share its blocks too.
     */
    sessions: z.array(z.object({
      blocks: z.string().regex(/^[a-z]+(\+[a-z]+)*$/), other: z.string().regex(/^[a-z]+(\+[a-z]+)*$/),
      trains: z.array(z.enum(clkFields)).min(1), alsoCompares: z.array(z.enum(clkFields)).default([]),
    })).length(2).refine((s) => clkFields.every((c) => s.some((x) => x.trains.includes(c))), 'every comparison trained by a session'),
  }),
  thresholds: z.object({
    /** A pair whose probability of being one person is at least this is linked without review. */
    autoLink: z.number().min(0).max(1),
    /** Pairs from here up to the auto-link threshold go to the review queue. */
    review: z.number().min(0).max(1),
  }).refine((t) => t.review <= t.autoLink, 'the review threshold is not above the auto-link threshold'),
  /**
   * Without stored people of the current data version (functions/linkage/people.ts), the products (cohort, deep
   * dive) link people in the request when the store holds at most this many person records (about 1 s per 10,000);
   * above it they use the latest stored people, or exact keys, and say so.
   */
  productsUpTo: z.number().int().min(0),
  blocking: z.object({
    /** At most this many records: every pair is compared, no blocking. */
    allPairsUpTo: z.number().int().min(0),
    /** Blocks larger than this are skipped (the other blocking tokens still find their pairs). */
    maxBlock: z.number().int().positive(),
    /**
     * Candidate search only (training draws its blocks by `maxBlock`): a lower limit for the blocks of some tags
     * (`fs` one forename's Soundex, `ss` a surname's, `by` a birth year, `pd` a district, and pairs of them joined by
     * `+`); 0 never blocks on the tag, whose tokens still count for the levels that ask for them and for term
     * frequencies. Measured on the population benchmark: which tag's blocks find true pairs no other finds, for how
     * many comparisons (README: Fuzzy linkage).
     */
    maxBlockOf: z.record(z.string().regex(/^[a-z]+(\+[a-z]+)*$/), z.number().int().min(0)).default({}),
  }),
  /**
   * Blind review of auto-links: this share of a linking run's auto-linked pairs (at least `atLeast`, at most
   * `atMost`, never more than there are) is offered to analysts without score or evidence, to estimate precision.
   */
  blindReview: z.object({ share: z.number().min(0).max(1), atLeast: z.number().int().min(0), atMost: z.number().int().min(0) })
    .refine((b) => b.atLeast <= b.atMost, 'atLeast is not above atMost'),
}).superRefine((config, ctx) => {
  config.guards.forEach((guard, g) => {
    for (const [field, levels] of Object.entries(guard.when) as [ClkField, string[]][]) {
      const known = [...config.comparisons[field].levels.map((l) => l.level), 'different', 'missing'];
      for (const level of levels) if (!known.includes(level)) ctx.addIssue({ code: 'custom', path: ['guards', g, 'when', field], message: `no level ${level} in ${field}` });
    }
  });
});
export type LinkageConfig = z.infer<typeof LinkageConfig>;
export type LinkageConfigInput = z.input<typeof LinkageConfig>;

/**
 * Forename and surname alike, trained apart. Short forms (Tom, Thomas: 0.58–0.69), near names (Oliver, Olivia) and
 * some typos give the same Dice; Soundex of the full name (the `fs`/`ss` blocking token) tells a short form from
 * another name, so `partial` needs it. Other names fall from 0.25 to 0.64.
 */
function names(block: 'fs' | 'ss'): z.input<typeof Comparison> {
  return {
    levels: [
      { level: 'exact', dice: 0.98, start: { m: 0.85, u: 0.005 } },
      { level: 'swapped', dice: 0.66, swapped: true, otherAtLeast: 0.66, start: { m: 0.02, u: 0.0005 } },
      // A typo (0.8–0.91).
      { level: 'close', dice: 0.8, start: { m: 0.04, u: 0.001 } },
      ...(block === 'fs' ? [{ level: 'typo', dice: 0.4, shares: 'fe' as const, start: { m: 0.04, u: 0.0005 } }] : []),
      // A short form or a typo that keeps the name's Soundex (the `fs`/`ss` token, short forms as their full name):
      // half of all misspelt forenames, and 2 in 1,500 twin pairs (Alexandra, Alexandru) in the population benchmark.
      { level: 'partial', dice: 0.56, shares: block, start: { m: 0.06, u: 0.002 } },
      // Any other name as near (0.66–0.8): a typo that changes the sound, or a like name (Aisha, Ayesha): one in twenty
      // twins' forenames reaches it.
      { level: 'near', dice: 0.66, start: { m: 0.03, u: 0.002 } },
    ],
    different: { m: 0.05, u: 0.98 },
  };
}

/** Measured with `npm run bench:linkage` (README: Fuzzy linkage). */
export const linkageConfig: LinkageConfig = LinkageConfig.parse({
  // About half of each segment set on the partners' names, dates and postcodes (tests/ingest/bloom.test.ts).
  clk: {
    forename: { bits: 320, hashes: 27 },
    surname: { bits: 320, hashes: 27 },
    dob: { bits: 192, hashes: 12 },
    postcode: { bits: 128, hashes: 14 },
    sex: { bits: 64, hashes: 32 },
  },
  comparisons: {
    forename: names('fs'),
    surname: names('ss'),
    dob: {
      levels: [
        { level: 'exact', dice: 0.98, start: { m: 0.9, u: 0.0003 } },
        // A day out, or one digit wrong in the day or month, in the same birth year (0.67–0.88).
        { level: 'close', dice: 0.7, shares: 'by', start: { m: 0.05, u: 0.003 } },
        // As close, in another birth year: a digit of the year wrong, or a sibling born a year or so apart.
        { level: 'year', dice: 0.7, start: { m: 0.01, u: 0.003 } },
        // Day and month swapped (0.58–0.70), as another date in the same year; dates years apart reach 0.67 too.
        { level: 'partial', dice: 0.58, shares: 'by', start: { m: 0.03, u: 0.01 } },
      ],
      different: { m: 0.02, u: 0.99 },
    },
    postcode: {
      // Another sector of the district 0.44–0.61, another district 0.39–0.59: the district is the `pd` token's.
      levels: [
        { level: 'whole', dice: 0.98, start: { m: 0.7, u: 0.0005 } },
        { level: 'sector', dice: 0.63, shares: 'pd', start: { m: 0.1, u: 0.005 } },
        { level: 'district', dice: 0, shares: 'pd', start: { m: 0.08, u: 0.05 } },
        // A character off in another district, or a postcode from abroad (no district): other postcodes reach 0.59.
        { level: 'close', dice: 0.66, start: { m: 0.03, u: 0.001 } },
      ],
      different: { m: 0.12, u: 0.94 },
    },
    sex: { levels: [{ level: 'exact', dice: 0.98, start: { m: 0.97, u: 0.5 } }], different: { m: 0.03, u: 0.5 } },
  },
  guards: [
    {
      name: 'family', action: 'apart',
      why: 'a forename that disagrees (or is missing) and a birth date that disagrees (or is missing): a brother, a sister or a parent',
      when: { forename: ['different', 'missing'], dob: ['year', 'different', 'missing'] },
    },
    {
      name: 'sex', action: 'apart',
      why: 'another forename and another sex: a brother and a sister (twins, when the birth date agrees too)',
      when: { forename: ['different', 'missing'], sex: ['different'] },
    },
    {
      name: 'siblings', action: 'apart',
      why: 'forenames alike but not one edit apart (Hitesh, Ramesh) and a birth date that disagrees: a brother or a sister',
      when: { forename: ['near'], dob: ['different'] },
    },
    {
      name: 'twins', why: 'another forename with the same surname, birth date and home (or no postcode): twins look like this',
      when: { forename: ['near', 'different', 'missing'], surname: ['exact', 'swapped', 'close', 'partial', 'near'], dob: ['exact', 'close'], postcode: ['whole', 'sector', 'missing'] },
    },
    { name: 'sex-differs', why: 'the sexes disagree: another person (twins with their names swapped), or a record keyed wrongly', when: { sex: ['different'] } },
    { name: 'forename', why: 'the forenames disagree, or one is missing: a sibling or a parent shares the rest', when: { forename: ['different', 'missing'] } },
    { name: 'birth-date', why: 'the birth dates disagree beyond a day or a swap', when: { dob: ['year', 'different'] } },
    // One edit too: without a birth date, Nita and Anita Patel at one address are sisters as likely as a typo.
    { name: 'no-birth-date', why: 'no birth date to compare and the forenames agree only in part', when: { dob: ['missing'], forename: ['typo', 'near'] } },
  ],
  termFrequency: { pseudoRecords: 1_000, min: 1e-5, max: 0.2 },
  training: {
    randomPairs: 300_000, blockedPairs: 600_000, iterations: 300, tolerance: 1e-5,
    pseudoPairs: 1_000, pseudoMatches: 50, decisionWeight: 5, startMatches: 0.1, seed: 1,
    sessions: [
      { blocks: 'fs+ss', other: 'by+pd', trains: ['dob', 'postcode', 'sex'], alsoCompares: ['forename', 'surname'] },
      { blocks: 'by+pd', other: 'fs+ss', trains: ['forename', 'surname'], alsoCompares: ['dob', 'postcode', 'sex'] },
    ],
  },
  thresholds: { autoLink: 0.99, review: 0.3 },
  productsUpTo: 100_000,
  blocking: { allPairsUpTo: 2_000, maxBlock: 150, maxBlockOf: { fs: 0, ss: 0, 'by+pd': 100, 'ss+pd': 100 } },
  blindReview: { share: 0.01, atLeast: 30, atMost: 300 },
});

/**
 * Short forms of forenames and the name they stand for (normalised, upper case). Both forms add the full name's
 * whole-word token to the encoding, so "Tom" and "Thomas" share it.
 */
export const nicknames: Readonly<Record<string, string>> = Object.fromEntries(
  `ALEX=ALEXANDER ALFIE=ALFRED ANDY=ANDREW TONY=ANTHONY BEN=BENJAMIN BILLY=WILLIAM BILL=WILLIAM WILL=WILLIAM
  LIAM=WILLIAM CHARLIE=CHARLES CHRIS=CHRISTOPHER DAN=DANIEL DANNY=DANIEL DAVE=DAVID ED=EDWARD EDDIE=EDWARD
  FREDDIE=FREDERICK FRED=FREDERICK HARRY=HENRY JACK=JOHN JAKE=JACOB JAMIE=JAMES JIM=JAMES JIMMY=JAMES JOE=JOSEPH
  JOSH=JOSHUA MATT=MATTHEW MIKE=MICHAEL MICK=MICHAEL NATE=NATHAN NICK=NICHOLAS OLLIE=OLIVER PETE=PETER ROB=ROBERT
  BOB=ROBERT BOBBY=ROBERT SAM=SAMUEL STEVE=STEVEN TOM=THOMAS TOMMY=THOMAS ZACH=ZACHARY MO=MOHAMMED MOHAMED=MOHAMMED
  MUHAMMAD=MOHAMMED ABBY=ABIGAIL ABBIE=ABIGAIL BETH=ELIZABETH LIZ=ELIZABETH LIZZIE=ELIZABETH BECKY=REBECCA
  BEX=REBECCA JESS=JESSICA KATE=KATHERINE KATIE=KATHERINE KAT=KATHERINE MEG=MEGAN ELLIE=ELEANOR NELL=ELEANOR
  MAGGIE=MARGARET SOPHIE=SOPHIA VICKY=VICTORIA TORI=VICTORIA JO=JOANNE NIKKI=NICOLA MANDY=AMANDA LOU=LOUISE
  HATTIE=HARRIET MILLIE=AMELIA MILLY=AMELIA EVIE=EVELYN SAMMY=SAMUEL OLLY=OLIVER XANDER=ALEXANDER MATTY=MATTHEW
  BENJI=BENJAMIN JOEY=JOSEPH TED=EDWARD LIBBY=ELIZABETH JESSIE=JESSICA BELLA=ISABELLA IZZY=ISABELLA LIV=OLIVIA
  LIVVY=OLIVIA LOTTIE=CHARLOTTE BRAD=BRADLEY ZAC=ZACHARY`
    .trim().split(/\s+/).map((pair) => pair.split('=') as [string, string]),
);
