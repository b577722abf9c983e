import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHandler } from '../../functions/handlers/api.ts';
import { awsPlatform } from '../../functions/platform/aws.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv, ingestText } from '../helpers.ts';
import { awsTestEnvironment, fakeAwsServices } from '../platform/fake-aws.ts';
import { startS3rver } from '../platform/s3rver.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => { s3 = await startS3rver(); });
afterAll(() => s3?.close());

/** An HTTP API (payload 2.0) event, as API Gateway hands it to the Lambda. */
const httpApiEvent = (method: string, path: string) => ({
  version: '2.0', routeKey: `${method} ${path}`, rawPath: path, rawQueryString: '', headers: { host: 'api.example.org' },
  requestContext: {
    accountId: '111111111111', apiId: 'api', domainName: 'api.example.org', domainPrefix: 'api', requestId: 'r', routeKey: `${method} ${path}`,
    stage: '$default', time: '01/Nov/2025:12:00:00 +0000', timeEpoch: 0, authentication: null, authorizer: { jwt: { claims: {}, scopes: null } }, http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
  },
  isBase64Encoded: false, body: null,
}) as LambdaEvent;

describe('the API Lambda handler', () => {
  it('answers API Gateway events with the app, over the AWS platform', async () => {
    const buckets = await s3.buckets();
    const services = fakeAwsServices();
    const environment = awsTestEnvironment(buckets);
    await new S3Client(s3.config).send(new CreateBucketCommand({ Bucket: environment.VRN_AUDIT_BUCKET }));
    const platform = awsPlatform(environment, { s3: s3.config, glue: services.config, athena: services.config, secretsManager: services.config });
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('H', 3)));
    const handler = apiHandler(platform, { VRN_AUTH: 'cognito', VRN_COGNITO_REGION: 'eu-west-2', VRN_COGNITO_USER_POOL_ID: 'eu-west-2_TEST', VRN_COGNITO_CLIENT_ID: 'client' });
    const response = await handler(httpApiEvent('GET', '/health'), {} as LambdaContext);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok', storage: `s3 ${buckets.curated} (raw ${buckets.raw}, outputs ${buckets.outputs})`, extracts: 1, datasets: ['police_crime'] });
    const refused = await handler(httpApiEvent('GET', '/v1/measures'), {} as LambdaContext);
    expect(refused.statusCode).toBe(401);
    expect(await platform.audit.read()).toEqual([expect.objectContaining({ route: '/v1/measures', outcome: 'denied', status: 401 })]);
  });
});

describe('the API Lambda handler and the portal', () => {
  const cognito = { VRN_AUTH: 'cognito', VRN_COGNITO_REGION: 'eu-west-2', VRN_COGNITO_USER_POOL_ID: 'eu-west-2_TEST', VRN_COGNITO_CLIENT_ID: 'client' };
  const platform = () => awsPlatform(awsTestEnvironment({ raw: 'raw', curated: 'curated', outputs: 'outputs' }), { s3: s3.config });

  it('mounts the portal with the hosted-UI sign-in when the user pool domain and the portal URL are configured', async () => {
    const handler = apiHandler(platform(), { ...cognito, VRN_COGNITO_DOMAIN: 'https://vrn-dev.auth.eu-west-2.amazoncognito.com', VRN_PORTAL_URL: 'https://api.example.org' });
    const signIn = await handler(httpApiEvent('GET', '/portal/sign-in'), {} as LambdaContext);
    expect(signIn.statusCode).toBe(302);
    const authorize = new URL(signIn.headers!.location as string);
    expect(`${authorize.origin}${authorize.pathname}`).toBe('https://vrn-dev.auth.eu-west-2.amazoncognito.com/oauth2/authorize');
    expect(authorize.searchParams.get('redirect_uri')).toBe('https://api.example.org/portal/callback');
    expect(signIn.cookies).toEqual([expect.stringMatching(/^vrn_sign_in=.*Secure; SameSite=Lax/)]);
  });

  it('has no portal without them', async () => {
    const handler = apiHandler(platform(), cognito);
    expect((await handler(httpApiEvent('GET', '/portal/sign-in'), {} as LambdaContext)).statusCode).toBe(404);
  });
});
