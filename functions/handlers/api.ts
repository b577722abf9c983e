import { handle } from 'hono/aws-lambda';
import { createApp } from '../api/app.ts';
import { authConfigFromEnv, hostedUi, tokenVerifier } from '../api/auth/config.ts';
import { PresignedUploadUrls } from '../api/upload-urls.ts';
import { awsPlatform, type AwsPlatform } from '../platform/aws.ts';
import { mountPortal } from '../portal/portal.tsx';

/**
 * The API in AWS: the same Hono app as `vrn serve`, on the AWS platform, behind API Gateway's HTTP API. Tokens are
 * Cognito's (VRN_AUTH=cognito), large files go by presigned PUT to the raw bucket, and products run on Athena.
 */
export function apiHandler(platform: AwsPlatform, env: Record<string, string | undefined> = process.env) {
  const auth = authConfigFromEnv(env);
  const verifier = tokenVerifier(auth);
  const signIn = hostedUi(auth);
  return handle(createApp(platform, {
    verifier,
    uploadUrls: new PresignedUploadUrls((key, seconds) => platform.storage.uploadUrl(key, seconds), platform.now),
    // A Lambda behind API Gateway takes at most 6 MB of request, and a binary body arrives base64-encoded (4/3 larger):
    // larger files go by upload URL.
    limits: { directUploadBytes: 4 * 1024 * 1024 },
    // The portal's script PUTs a large file to its presigned URL in the raw bucket (the CSP's connect-src).
    uploadOrigins: env.VRN_RAW_BUCKET && env.AWS_REGION ? [`https://${env.VRN_RAW_BUCKET}.s3.${env.AWS_REGION}.amazonaws.com`] : [],
    // The portal, when the user pool's hosted UI is configured to sign users in to it.
    portal: signIn ? mountPortal({ verifier, hostedSignIn: signIn }) : undefined,
  }));
}

let cached: ReturnType<typeof apiHandler> | undefined;
export const handler = (...args: Parameters<ReturnType<typeof apiHandler>>) => (cached ??= apiHandler(awsPlatform(process.env)))(...args);
