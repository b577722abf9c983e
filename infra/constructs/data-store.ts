import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectLockRetention, ObjectOwnership, type BucketProps } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { loadDeployment } from '../../schemas/deployments/index.ts';
import type { Stage } from '../config.ts';
import { grantList, grantObjects } from './grants.ts';

/**
 * Where the service keeps data, with its secure defaults in one place: every bucket SSE-KMS under the service's
 * customer key, public access blocked, TLS only, versioned, owner-enforced; retained unless the stage says otherwise.
 * The raw bucket forgets partners' files after the agreement's 24 hours; the audit bucket cannot forget.
 */
export class DataStore extends Construct {
  readonly key: Key;
  readonly raw: Bucket;
  readonly curated: Bucket;
  readonly outputs: Bucket;
  readonly audit: Bucket;
  readonly athenaResults: Bucket;
  readonly keySecret: Secret;

  constructor(scope: Construct, id: string, stage: Stage) {
    super(scope, id);
    const removalPolicy = stage.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.key = new Key(this, 'Key', { description: 'VRN data service: buckets, key secret, queues', enableKeyRotation: true, removalPolicy });

    const bucket = (name: string, props: BucketProps = {}) => new Bucket(this, name, {
      encryption: BucketEncryption.KMS, encryptionKey: this.key, bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL, enforceSSL: true, minimumTLSVersion: 1.2, versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED, removalPolicy, ...props,
    });
    const days = (n: number) => Duration.days(n);
    const rawDays = Math.max(1, Math.ceil(loadDeployment(stage.deployment).agreement.retention.rawHours / 24));
    this.raw = bucket('Raw', {
      lifecycleRules: [{ id: 'raw-files-last-a-day', expiration: days(rawDays), noncurrentVersionExpiration: days(1), abortIncompleteMultipartUploadAfter: days(1), expiredObjectDeleteMarker: false }],
    });
    for (const origin of stage.uploadOrigins) this.allowUploadsFrom(origin);
    this.curated = bucket('Curated', {
      // The catalog is rewritten on every ingest: keep its earlier versions a while, not for ever.
      lifecycleRules: [{ id: 'old-versions', noncurrentVersionExpiration: days(90), abortIncompleteMultipartUploadAfter: days(1) }],
    });
    this.outputs = bucket('Outputs', { lifecycleRules: [{ id: 'old-versions', noncurrentVersionExpiration: days(30) }] });
    this.audit = bucket('Audit', {
      objectLockEnabled: true,
      objectLockDefaultRetention: stage.auditLock.mode === 'COMPLIANCE'
        ? ObjectLockRetention.compliance(days(stage.auditLock.days)) : ObjectLockRetention.governance(days(stage.auditLock.days)),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.athenaResults = bucket('AthenaResults', { lifecycleRules: [{ id: 'results-last-a-week', expiration: days(7), noncurrentVersionExpiration: days(1) }] });

    // Secrets Manager can generate only a top-level string: the first version is `v1` beside `current`.
    this.keySecret = new Secret(this, 'PseudonymisationKey', {
      description: 'VRN pseudonymisation secret: { current, keys: { vN: base64 }, created_at } (first version generated as top-level v1)',
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: 'v1', keys: {}, created_at: 'deployment' }),
        generateStringKey: 'v1', passwordLength: 64, excludePunctuation: true, includeSpace: false,
      },
    });
  }

  /** Browsers on this origin may PUT files to presigned upload URLs. */
  allowUploadsFrom(origin: string) {
    this.raw.addCorsRule({ allowedMethods: [HttpMethods.PUT], allowedOrigins: [origin], allowedHeaders: ['content-type'], maxAge: 3000 });
  }

  private useKey(grantee: IGrantable) {
    this.key.grant(grantee, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
  }

  /** The API: the store (catalog, reports, pending uploads, small ingests), raw uploads by presigned URL, outputs, the audit trail. */
  grantApi(grantee: IGrantable) {
    this.useKey(grantee);
    grantObjects(grantee, this.curated, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
    grantList(grantee, this.curated);
    grantObjects(grantee, this.raw, ['s3:PutObject'], 'raw/');
    grantObjects(grantee, this.outputs, ['s3:GetObject'], 'outputs/');
    grantList(grantee, this.outputs, 'outputs/');
    grantObjects(grantee, this.audit, ['s3:GetObject', 's3:PutObject'], 'audit/');
    grantList(grantee, this.audit, 'audit/');
    this.keySecret.grantRead(grantee);
  }

  /** The ingest worker: reads and then deletes raw files, every version of them, and writes the store. */
  grantIngest(grantee: IGrantable) {
    this.useKey(grantee);
    grantObjects(grantee, this.raw, ['s3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion'], 'raw/');
    grantList(grantee, this.raw, 'raw/', 's3:ListBucketVersions');
    grantObjects(grantee, this.curated, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
    grantList(grantee, this.curated);
    this.keySecret.grantRead(grantee);
  }

  /** The refresh: reads the store, writes the people it links (linkage/people/) and the outputs. */
  grantRefresh(grantee: IGrantable) {
    this.useKey(grantee);
    grantObjects(grantee, this.curated, ['s3:GetObject']);
    grantObjects(grantee, this.curated, ['s3:PutObject'], 'linkage/people/');
    grantList(grantee, this.curated);
    grantObjects(grantee, this.outputs, ['s3:GetObject', 's3:PutObject'], 'outputs/');
    grantList(grantee, this.outputs, 'outputs/');
  }
}
