/**
 * A monthly cost model of one deployment, from a few volumes. Every assumption is a named number here, and the
 * output says how each line was reached, so a reader can disagree with a number and change it with a flag.
 */

/** On-demand prices in USD for eu-west-2 (London), from AWS's public price pages; free tiers ignored. Check them before relying on the result. */
export const PRICES = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.20,
  s3StandardGbMonth: 0.024,
  s3PutPer1000: 0.0053,
  s3GetPer1000: 0.00042,
  athenaPerTbScanned: 5.0,
  athenaMinimumBytesPerQuery: 10 * 1024 ** 2,
  kmsKeyMonth: 1.0,
  kmsPer10kRequests: 0.03,
  secretMonth: 0.40,
  secretsPer10kCalls: 0.05,
  httpApiPerMillionRequests: 1.11,
} as const;

export interface Volumes {
  label: string;
  crimesPerYear: number;
  /** Police forces (VRN areas) whose data the deployment holds. */
  forces: number;
  /** Community Safety Partnerships per force: a profile each. */
  localitiesPerForce: number;
  /** Data-sharing partners per force, each sending its datasets monthly. */
  partnersPerForce: number;
  extractsPerPartnerPerMonth: number;
  /** Stored rows of all datasets per police crime (measured on the committed sample: 6,476 rows for 2,065 crimes). */
  rowsPerCrime: number;
  /** Parquet bytes per stored row (measured on the committed sample: 85 B). */
  bytesPerRow: number;
  /** Corrections re-send earlier months: stored rows per counting row. */
  resupplyFactor: number;
  /** Years the curated store and the audit trail are kept (the agreement: 7). */
  retentionYears: number;
  /** Portal and API users, and their requests per working day. */
  users: number;
  requestsPerUserPerDay: number;
  workingDaysPerMonth: number;
  /** Analysts' ad-hoc SQL queries per working day, each reading this share of one dataset's bytes (columnar). */
  analystQueriesPerDay: number;
  columnShareRead: number;
  /** Scheduled refreshes per month that find the catalog changed (the others stop after one read). */
  refreshesPerMonth: number;
  /** Count queries per locality profile and for the success measures, when products run on Athena. */
  queriesPerProfile: number;
  queriesForMeasures: number;
  /** Ingest speed in the Lambda (2 GB), rows per second. */
  ingestRowsPerSecond: number;
}

const LLR_CRIMES = 110_000;
/** The LLR partnership: Leicestershire Police, nine CSPs, eight partners sharing data. */
export const LLR: Volumes = {
  label: 'LLR (one force)', crimesPerYear: LLR_CRIMES, forces: 1, localitiesPerForce: 9, partnersPerForce: 8, extractsPerPartnerPerMonth: 3,
  rowsPerCrime: 3.1, bytesPerRow: 85, resupplyFactor: 2, retentionYears: 7,
  users: 60, requestsPerUserPerDay: 40, workingDaysPerMonth: 21, analystQueriesPerDay: 50, columnShareRead: 0.3,
  refreshesPerMonth: 20, queriesPerProfile: 20, queriesForMeasures: 6, ingestRowsPerSecond: 25_000,
};

/** All 43 forces of England and Wales in one deployment: about 6.7 million police-recorded crimes a year. */
export const NATIONAL: Volumes = { ...LLR, label: 'national (43 forces)', crimesPerYear: 6_700_000, forces: 43, users: 60 * 43, analystQueriesPerDay: 50 * 43 };

export interface CostLine { service: string; monthlyUsd: number; basis: string }

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const GB = 1e9;

export function monthlyCost(v: Volumes, p = PRICES): { lines: CostLine[]; totalUsd: number; storedGb: number } {
  const rowsPerYear = v.crimesPerYear * v.rowsPerCrime;
  const extractsPerMonth = v.forces * v.partnersPerForce * v.extractsPerPartnerPerMonth;
  const rowsIngestedPerMonth = (rowsPerYear * v.resupplyFactor) / 12;
  const requestsPerMonth = v.users * v.requestsPerUserPerDay * v.workingDaysPerMonth;
  const analystQueriesPerMonth = v.analystQueriesPerDay * v.workingDaysPerMonth;
  const localities = v.forces * v.localitiesPerForce;

  // Storage at steady state, once the retention period is full.
  const curatedBytes = rowsPerYear * v.resupplyFactor * v.retentionYears * v.bytesPerRow;
  const countingBytes = rowsPerYear * v.retentionYears * v.bytesPerRow;
  const auditBytes = requestsPerMonth * 12 * v.retentionYears * 450;
  const storedGb = (curatedBytes + auditBytes) / GB;

  // Athena: analysts' queries each read a share of the largest dataset (police crime, a third of the rows); the
  // refresh runs the products on Arquero in a Lambda, so Athena sees only the analysts.
  const crimeBytes = countingBytes / v.rowsPerCrime;
  const bytesPerQuery = Math.max(p.athenaMinimumBytesPerQuery, crimeBytes * v.columnShareRead);
  const athenaTb = (analystQueriesPerMonth * bytesPerQuery) / 1e12;

  // Lambda: ingest (2 GB) for the rows sent; API (1.5 GB, 0.3 s a request, 3 s waiting on each Athena query);
  // refresh (3 GB): 5 s to start and read, then about 1 s per product per million stored crimes (the bench's aim
  // on its 1M-crime sample), per force (at national scale the refresh must run one force per invocation).
  const ingestSeconds = rowsIngestedPerMonth / v.ingestRowsPerSecond + extractsPerMonth * 3;
  const apiSeconds = requestsPerMonth * 0.3 + analystQueriesPerMonth * 3;
  const productRuns = localities + 1;
  const storedCrimesPerForce = (v.crimesPerYear / v.forces) * v.retentionYears;
  const refreshSeconds = v.refreshesPerMonth * v.forces * (5 + (v.localitiesPerForce + 1) * (storedCrimesPerForce / 1e6));
  const gbSeconds = ingestSeconds * 2 + apiSeconds * 1.5 + refreshSeconds * 3;
  const invocations = extractsPerMonth + requestsPerMonth + v.refreshesPerMonth * 30;

  // S3 requests: ~12 PUTs and 12 GETs per extract (raw, parts, vault, catalog, report, claim), one audit PUT per
  // request, 2 PUTs and 4 GETs per Athena query, the refresh's outputs, the API's catalog reads.
  const puts = extractsPerMonth * 12 + requestsPerMonth + analystQueriesPerMonth * 2 + v.refreshesPerMonth * (productRuns * 2 + 3);
  const gets = extractsPerMonth * 12 + requestsPerMonth * 3 + analystQueriesPerMonth * 4 + v.refreshesPerMonth * 30 * 2;

  // KMS: S3 Bucket Keys cut S3's KMS calls to about 1 in 100; the secret is read once per warm Lambda per 15 minutes.
  const kmsRequests = (puts + gets) / 100 + invocations / 50;
  const secretCalls = 3 * 4 * 24 * 30;

  const lines: CostLine[] = [
    { service: 'Lambda', monthlyUsd: gbSeconds * p.lambdaGbSecondArm + (invocations / 1e6) * p.lambdaPerMillionRequests,
      basis: `${round(gbSeconds / 1000, 1)}k GB-s (ingest ${Math.round(ingestSeconds)} s, API ${Math.round(apiSeconds)} s, refresh ${Math.round(refreshSeconds)} s), ${Math.round(invocations)} invocations` },
    { service: 'S3', monthlyUsd: storedGb * p.s3StandardGbMonth + (puts / 1000) * p.s3PutPer1000 + (gets / 1000) * p.s3GetPer1000,
      basis: `${round(storedGb, 1)} GB stored (curated ${round(curatedBytes / GB, 1)}, audit ${round(auditBytes / GB, 1)}), ${Math.round(puts)} PUT, ${Math.round(gets)} GET` },
    { service: 'Athena', monthlyUsd: athenaTb * p.athenaPerTbScanned,
      basis: `${analystQueriesPerMonth} analyst queries × ${round(bytesPerQuery / 1024 ** 2, 0)} MB = ${round(athenaTb * 1000, 1)} GB scanned` },
    { service: 'KMS', monthlyUsd: p.kmsKeyMonth + (kmsRequests / 10_000) * p.kmsPer10kRequests, basis: `1 key, ${Math.round(kmsRequests)} requests` },
    { service: 'Secrets Manager', monthlyUsd: p.secretMonth + (secretCalls / 10_000) * p.secretsPer10kCalls, basis: `1 secret, ${secretCalls} reads` },
    { service: 'API Gateway (HTTP API)', monthlyUsd: (requestsPerMonth / 1e6) * p.httpApiPerMillionRequests, basis: `${requestsPerMonth} requests` },
  ].map((line) => ({ ...line, monthlyUsd: round(line.monthlyUsd) }));
  return { lines, totalUsd: round(lines.reduce((n, l) => n + l.monthlyUsd, 0)), storedGb: round(storedGb, 1) };
}
