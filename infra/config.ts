import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { deploymentNames } from '../schemas/deployments/index.ts';

const retentions = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');

/**
 * A stage's configuration, from cdk.json context (`vrn:stages`, chosen with `-c vrn:stage=NAME`). Defaults are
 * the safe ones: data is retained, the audit trail locked in compliance mode, the ingest bounded.
 */
export const StageConfig = z.object({
  account: z.string().regex(/^\d{12}$/),
  region: z.string().min(1),
  /** Object Lock on the audit bucket: governance lets a privileged admin shorten it; compliance lets nobody. */
  auditLock: z.object({ mode: z.enum(['GOVERNANCE', 'COMPLIANCE']), days: z.number().int().positive() }).default({ mode: 'COMPLIANCE', days: 2557 }),
  /** Delete buckets, key and logs with the stack (a throwaway dev stage); otherwise they are retained. */
  destroyOnRemoval: z.boolean().default(false),
  logRetentionDays: z.number().refine((d) => retentions.includes(d), `one of CloudWatch's retention periods: ${retentions.join(', ')}`).default(365),
  athenaBytesScannedCutoff: z.number().int().min(10_000_000).default(10 * 1024 ** 3),
  ingestConcurrency: z.number().int().min(1).max(100).default(2),
  ingestRetries: z.number().int().min(0).max(2).default(2),
  refreshSchedule: z.string().default('cron(0 5 * * ? *)'),
  /**
   * The refresh links every person record before the products, with the Arquero engine: 1.72M records (scale 10)
   * peaked at 3.1 GB, so 3008 MB serves about 1.5M; Lambda allows up to 10240.
   */
  refreshMemoryMb: z.number().int().min(1024).max(10240).default(3008),
  /** Cognito's sign-in MFA: REQUIRED for real stages. */
  mfa: z.enum(['OFF', 'OPTIONAL', 'REQUIRED']).default('REQUIRED'),
  /** Origins allowed to PUT to presigned upload URLs (the portal's); the API's own origin is always allowed. */
  uploadOrigins: z.array(z.string().url()).default([]),
  /** The prefix of the user pool's hosted-UI domain (<prefix>.auth.<region>.amazoncognito.com): unique in the region. */
  signInDomainPrefix: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'lower-case letters, digits and inner hyphens, at most 63')
    .refine((p) => !/aws|amazon|cognito/.test(p), 'Cognito refuses prefixes containing aws, amazon or cognito'),
  /** Where users reach the portal when it has a custom domain; otherwise the HTTP API's own URL. */
  portalUrl: z.url().optional(),
  /** The deployment bundle (schemas/deployments/<name>/) the stage serves; the Lambdas get it as VRN_DEPLOYMENT. */
  deployment: z.enum(deploymentNames as [string, ...string[]], { error: `one of the deployments: ${deploymentNames.join(', ')}` }),
});
export type StageConfig = z.infer<typeof StageConfig>;

export interface Stage extends StageConfig { name: string }

/** The stage named in context, or a clear error naming the stages there are. */
export function stageFromContext(tryGetContext: (key: string) => unknown): Stage {
  const stages = (tryGetContext('vrn:stages') ?? {}) as Record<string, unknown>;
  const name = String(tryGetContext('vrn:stage') ?? 'dev');
  if (!(name in stages)) throw new Error(`no stage "${name}" in cdk.json context vrn:stages (there are: ${Object.keys(stages).join(', ') || 'none'})`);
  const parsed = StageConfig.safeParse(stages[name]);
  if (!parsed.success) throw new Error(`stage "${name}" in cdk.json is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { name, ...parsed.data };
}
