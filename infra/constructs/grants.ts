import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

/**
 * Least privilege as exact actions: every statement names its actions in full (no `s3:*`, no `s3:GetObject*`),
 * on one bucket and, where it can, one key prefix.
 */
export type ObjectAction = 's3:GetObject' | 's3:PutObject' | 's3:DeleteObject' | 's3:AbortMultipartUpload';

export function grantObjects(grantee: IGrantable, bucket: IBucket, actions: ObjectAction[], prefix = '') {
  Grant.addToPrincipal({ grantee, actions, resourceArns: [bucket.arnForObjects(`${prefix}*`)] });
}

export function grantList(grantee: IGrantable, bucket: IBucket, prefix?: string) {
  Grant.addToPrincipal({
    grantee, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn],
    ...(prefix ? { conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } } : {}),
  });
}
