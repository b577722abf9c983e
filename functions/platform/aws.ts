import { AthenaClient, type AthenaClientConfig } from '@aws-sdk/client-athena';
import { GlueClient, type GlueClientConfig } from '@aws-sdk/client-glue';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { deploymentNames } from '../../schemas/deployments/index.ts';
import type { AuditSink } from './audit/port.ts';
import { S3AuditSink } from './audit/s3.ts';
import { Catalog } from './catalog/catalog.ts';
import { deploymentFromEnv } from './deployment.ts';
import { GlueCountingViews } from './catalog/glue.ts';
import { SecretsManagerKeyStore } from './keys/secrets-manager.ts';
import type { Platform } from './platform.ts';
import { AthenaEngine } from './sql/athena.ts';
import { S3Storage } from './storage/s3.ts';
import { getJson } from './storage/port.ts';
import { PERSON_LINKS_POINTER, type PersonLinksPointer } from '../../schemas/glue.ts';

/** The configuration the CDK app hands each Lambda as environment variables. */
export const AwsEnvironment = z.object({
  VRN_RAW_BUCKET: z.string().min(3),
  VRN_CURATED_BUCKET: z.string().min(3),
  VRN_OUTPUTS_BUCKET: z.string().min(3),
  VRN_AUDIT_BUCKET: z.string().min(3),
  VRN_KEY_SECRET_ID: z.string().min(1),
  VRN_GLUE_DATABASE: z.string().regex(/^[a-z0-9_]+$/),
  VRN_ATHENA_WORKGROUP: z.string().min(1),
  /** Which deployment bundle (schemas/deployments/) the stage serves: cdk.json's `deployment` of the stage. */
  VRN_DEPLOYMENT: z.enum(deploymentNames as [string, ...string[]]),
  /** 'true' when the raw bucket is versioned (as the CDK app makes it): raw files are then deleted version by version. */
  VRN_RAW_VERSIONED: z.enum(['true', 'false']).default('false'),
});
export type AwsEnvironment = z.infer<typeof AwsEnvironment>;

export function awsEnvironment(env: Record<string, string | undefined>): AwsEnvironment {
  const parsed = AwsEnvironment.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))].sort();
    const known = names.includes('VRN_DEPLOYMENT') ? ` (VRN_DEPLOYMENT: one of the deployments ${deploymentNames.join(', ')})` : '';
    throw new Error(`the AWS platform needs these environment variables set correctly: ${names.join(', ')}${known}`);
  }
  return parsed.data;
}

/** What AWS adds to the platform: the audit trail, the Glue views, presigned upload URLs. */
export interface AwsPlatform extends Platform {
  storage: S3Storage;
  audit: AuditSink;
  countingViews: GlueCountingViews;
}

/** Client settings, for pointing the clients somewhere else (tests: s3rver, and request handlers with no network). */
export interface AwsClients {
  s3?: S3ClientConfig;
  athena?: AthenaClientConfig;
  glue?: GlueClientConfig;
  secretsManager?: SecretsManagerClientConfig;
}

/**
 * The AWS adapters behind the same ports as local mode: S3 storage over the raw, curated and outputs buckets, the
 * key secret in Secrets Manager, Athena over Glue views that are brought up to the catalog before each use.
 */
export function awsPlatform(env: Record<string, string | undefined>, clients: AwsClients = {}, overrides: Partial<Omit<Platform, 'storage'>> = {}): AwsPlatform {
  const config = awsEnvironment(env);
  const s3 = new S3Client(clients.s3 ?? {});
  const storage = new S3Storage(s3, { raw: config.VRN_RAW_BUCKET, curated: config.VRN_CURATED_BUCKET, outputs: config.VRN_OUTPUTS_BUCKET },
    { rawVersioned: config.VRN_RAW_VERSIONED === 'true' });
  const athena = new AthenaClient(clients.athena ?? {});
  const countingViews = new GlueCountingViews(new GlueClient(clients.glue ?? {}), { database: config.VRN_GLUE_DATABASE, curatedBucket: config.VRN_CURATED_BUCKET });
  const catalog = overrides.catalog ?? new Catalog(storage);
  const keys = overrides.keys ?? new SecretsManagerKeyStore(new SecretsManagerClient(clients.secretsManager ?? {}), config.VRN_KEY_SECRET_ID);
  const deployment = overrides.deployment ?? deploymentFromEnv(config);
  return {
    storage,
    keys,
    catalog,
    deployment,
    area: deployment.area,
    agreement: deployment.agreement,
    now: () => new Date(),
    openSql: async () => {
      await countingViews.sync(await catalog.read(), (await getJson<PersonLinksPointer>(storage, PERSON_LINKS_POINTER))?.value ?? null);
      return new AthenaEngine(athena, { workGroup: config.VRN_ATHENA_WORKGROUP, database: config.VRN_GLUE_DATABASE });
    },
    audit: new S3AuditSink(s3, config.VRN_AUDIT_BUCKET, keys),
    countingViews,
    ...overrides,
  };
}
