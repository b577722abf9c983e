import { z } from 'zod';

/**
 * Fuzzy person linkage as configuration: the layout of the Bloom-filter encoding (CLK) stored at ingest, how
 * encodings are compared, and the two thresholds. Changing `clk` changes what ingest stores (encodings made under
 * different layouts do not compare); the weights and thresholds apply at analysis time only.
 */

export const clkFields = ['names', 'dob', 'postcode', 'sex'] as const;
export type ClkField = (typeof clkFields)[number];

const Segment = z.object({
  /** Bits of the CLK given to the field: a multiple of 32. */
  bits: z.number().int().positive().refine((n) => n % 32 === 0, 'a multiple of 32'),
  /** Bit positions set per token (taken from one keyed HMAC-SHA512 of the token: at most 32). */
  hashes: z.number().int().min(1).max(32),
});

const Evidence = z.object({
  agree: z.number(), disagree: z.number(), floor: z.number().min(0).max(0.99),
  /** >1 keeps partial agreement nearer disagreement (a brother's name shares the surname's bigrams). */
  curve: z.number().min(0.25).max(8).default(1),
})
  .refine((e) => e.agree >= e.disagree, 'agreement says more for a link than disagreement');

export const LinkageConfig = z.object({
  clk: z.object({ names: Segment, dob: Segment, postcode: Segment, sex: Segment })
    .refine((s) => clkFields.reduce((n, f) => n + s[f].bits, 0) === 1024, 'the segments make 1024 bits'),
  /**
   * How much each field's Dice says for or against the same person, as log-odds (a Fellegi–Sunter weight read off
   * a continuous agreement): `agree` at Dice 1, `disagree` at `floor` and below (what two unrelated values give,
   * since about half the bits of any segment are set), linear between; a field missing on either side says nothing.
   */
  evidence: z.object({ names: Evidence, dob: Evidence, postcode: Evidence, sex: Evidence }),
  /** Log-odds before any field is seen; the score is the logistic of it plus the fields' evidence. */
  prior: z.number(),
  thresholds: z.object({
    /** A pair scoring at least this is linked without review. */
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
  }),
  /** Field Dice at or above `agree` shows as agreeing in the review queue, at or above `partial` as partly. */
  agreement: z.object({ agree: z.number().min(0).max(1), partial: z.number().min(0).max(1) }),
  /**
   * Blind review of auto-links: this share of a linking run's auto-linked pairs (at least `atLeast`, at most
   * `atMost`, never more than there are) is offered to analysts without score or evidence, to estimate precision.
   */
  blindReview: z.object({ share: z.number().min(0).max(1), atLeast: z.number().int().min(0), atMost: z.number().int().min(0) })
    .refine((b) => b.atLeast <= b.atMost, 'atLeast is not above atMost'),
});
export type LinkageConfig = z.infer<typeof LinkageConfig>;
export type LinkageConfigInput = z.input<typeof LinkageConfig>;

/** Measured with `npm run bench:linkage` (README: Fuzzy linkage). */
export const linkageConfig: LinkageConfig = LinkageConfig.parse({
  clk: {
    names: { bits: 512, hashes: 20 },
    dob: { bits: 256, hashes: 14 },
    postcode: { bits: 192, hashes: 20 },
    sex: { bits: 64, hashes: 32 },
  },
  evidence: {
    names: { agree: 7, disagree: -4, floor: 0.45 },
    dob: { agree: 8.5, disagree: -4, floor: 0.6 },
    postcode: { agree: 4, disagree: -2, floor: 0.45 },
    sex: { agree: 0.5, disagree: -3, floor: 0.5 },
  },
  prior: 0,
  thresholds: { autoLink: 0.98, review: 0.8 },
  productsUpTo: 100_000,
  blocking: { allPairsUpTo: 2_000, maxBlock: 1_000 },
  agreement: { agree: 0.9, partial: 0.6 },
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
  HATTIE=HARRIET MILLIE=AMELIA MILLY=AMELIA EVIE=EVELYN`
    .trim().split(/\s+/).map((pair) => pair.split('=') as [string, string]),
);
