import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFromContext, type Stage } from '../../infra/config.ts';
import { Api } from '../../infra/constructs/api.ts';
import { DataStore } from '../../infra/constructs/data-store.ts';
import { VrnStack } from '../../infra/stack.ts';
import { datasets } from '../../schemas/datasets/index.ts';
import { HIVE_TYPE, PERSON_LINKS_TABLE } from '../../schemas/glue.ts';
import { storedColumns } from '../../schemas/stored.ts';
import { rawKey, requestUpload, uploadStatus } from '../../functions/ingest/pending-upload.ts';
import { Catalog } from '../../functions/platform/catalog/catalog.ts';
import { S3Storage } from '../../functions/platform/storage/s3.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv } from '../helpers.ts';
import { awsServicesAnswer, awsTestEnvironment, serveJsonServices } from '../platform/fake-aws.ts';
import { startS3rver } from '../platform/s3rver.ts';
import { agreement } from '../deployments.ts';

const context = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;
const dev = stageFromContext((key) => context[key]);
type Resource = { Type: string; Properties: Record<string, any> };

let outdir: string;
let template: Template;
let resources: Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const idOf = (type: string, prefix: string) => ofType(type).find(([id]) => id.startsWith(prefix))![0];

// One synth for the whole file, with the Lambdas really bundled by the local esbuild.
beforeAll(() => {
  const started = Date.now();
  outdir = mkdtempSync(join(tmpdir(), 'vrn-cdk-'));
  const stack = new VrnStack(new App({ outdir, context }), 'Vrn-test', dev);
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  console.log(`synth with bundling: ${Date.now() - started} ms`);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the CDK app: storage', () => {
  it('encrypts every bucket with the customer key, blocks public access, versions it and owns its objects', () => {
    const key = idOf('AWS::KMS::Key', 'DataKey');
    expect(resources[key]!.Properties.EnableKeyRotation).toBe(true);
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['DataAthenaResults', 'DataAudit', 'DataCurated', 'DataOutputs', 'DataRaw']);
    for (const [, bucket] of buckets) {
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } },
      ]);
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
  });

  it('lets every bucket be reached over TLS 1.2 only', () => {
    for (const [id] of ofType('AWS::S3::Bucket')) {
      const policy = ofType('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === id)![1];
      const denies = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Deny');
      expect(denies).toEqual(expect.arrayContaining([
        expect.objectContaining({ Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Action: 's3:*', Principal: { AWS: '*' }, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]));
    }
  });

  it('forgets raw files after the agreement\'s 24 hours, versions and unfinished uploads included', () => {
    const raw = resources[idOf('AWS::S3::Bucket', 'DataRaw')]!;
    expect(agreement.retention.rawHours).toBe(24);
    expect(raw.Properties.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({
      Status: 'Enabled', ExpirationInDays: 1, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    })]);
    expect(raw.Properties.CorsConfiguration.CorsRules).toEqual([expect.objectContaining({ AllowedMethods: ['PUT'] })]);
  });

  it('locks the audit trail with the stage\'s Object Lock mode and retention', () => {
    expect(resources[idOf('AWS::S3::Bucket', 'DataAudit')]!.Properties).toMatchObject({
      ObjectLockEnabled: true, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } },
    });
    const prod = stageFromContext((key) => (key === 'vrn:stage' ? 'prod' : context[key]));
    const stack = new Stack(new App(), 'Prod', { env: { account: prod.account, region: prod.region } });
    new DataStore(stack, 'Data', prod);
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2557 } } },
    });
    Template.fromStack(stack).allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('keeps the pseudonymisation secret in Secrets Manager under the customer key, generated, never in the template', () => {
    const [, secret] = ofType('AWS::SecretsManager::Secret')[0]!;
    expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [idOf('AWS::KMS::Key', 'DataKey'), 'Arn'] });
    expect(secret.Properties.GenerateSecretString).toMatchObject({ GenerateStringKey: 'v1', PasswordLength: 64 });
    expect(JSON.parse(secret.Properties.GenerateSecretString.SecretStringTemplate)).toEqual({ current: 'v1', keys: {}, created_at: 'deployment' });
    expect(secret.Properties.SecretString).toBeUndefined();
  });

  it('rejects a stage whose configuration is wrong, naming the field', () => {
    const bad = { ...context['vrn:stages'], odd: { account: '12', region: 'eu-west-2', logRetentionDays: 42 } };
    expect(() => stageFromContext((key) => (key === 'vrn:stage' ? 'odd' : key === 'vrn:stages' ? bad : undefined)))
      .toThrow(/stage "odd" in cdk.json is not valid: account: .*logRetentionDays: one of CloudWatch's retention periods/);
    expect(() => stageFromContext((key) => (key === 'vrn:stage' ? 'nope' : context[key]))).toThrow('no stage "nope" in cdk.json context vrn:stages (there are: dev, prod)');
    const elsewhere = { ...context['vrn:stages'], odd: { ...context['vrn:stages'].dev, deployment: 'atlantis' } };
    expect(() => stageFromContext((key) => (key === 'vrn:stage' ? 'odd' : key === 'vrn:stages' ? elsewhere : undefined)))
      .toThrow('stage "odd" in cdk.json is not valid: deployment: one of the deployments: cleveland, llr');
  });
});

describe('the CDK app: SQL', () => {
  it('defines one Glue table per dataset over its curated Parquet, columns from schemas/stored.ts, partitioned by upload id', () => {
    const tables = ofType('AWS::Glue::Table').map(([, t]) => t.Properties.TableInput);
    expect(tables.map((t) => t.Name).sort()).toEqual([...Object.keys(datasets).map((id) => `${id}__extracts`), PERSON_LINKS_TABLE].sort());
    // The person links: partitioned by run, under the curated bucket's person_links/, the columns the links parts hold.
    const links = tables.find((t) => t.Name === PERSON_LINKS_TABLE)!;
    expect(links.PartitionKeys).toEqual([{ Name: 'run', Type: 'string' }]);
    expect(links.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => [c.Name, c.Type])).toEqual([['source', 'string'], ['ref', 'string'], ['person_id', 'string'], ['record_id', 'string']]);
    expect(JSON.stringify(links.StorageDescriptor.Location)).toContain('/curated/person_links/');
    for (const dataset of Object.values(datasets)) {
      const table = tables.find((t) => t.Name === `${dataset.id}__extracts`)!;
      expect(table.PartitionKeys).toEqual([{ Name: 'upload_id', Type: 'string' }]);
      expect(table.StorageDescriptor.Columns.map((c: any) => [c.Name, c.Type])).toEqual(storedColumns(dataset).map((c) => [c.name, HIVE_TYPE[c.type]]));
      expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
      expect(table.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: idOf('AWS::S3::Bucket', 'DataCurated') }, `/curated/${dataset.id}/`]] });
    }
  });

  it('runs Athena in a workgroup that enforces KMS-encrypted results and a bytes-scanned limit', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'vrn-dev',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 1073741824,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: idOf('AWS::S3::Bucket', 'DataAthenaResults') }, '/results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [idOf('AWS::KMS::Key', 'DataKey'), 'Arn'] } },
        },
      },
    });
  });
});

describe('the CDK app: functions and events', () => {
  const fn = (prefix: string) => resources[idOf('AWS::Lambda::Function', prefix)]!;

  it('bundles the three handlers for Node 22 with the configuration awsPlatform reads', () => {
    for (const name of ['Api', 'Ingest', 'Refresh']) {
      const f = fn(`${name}HandlerFunction`);
      expect(f.Properties).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler', Architectures: ['arm64'] });
      expect(Object.keys(f.Properties.Environment.Variables)).toEqual(expect.arrayContaining([
        'VRN_RAW_BUCKET', 'VRN_CURATED_BUCKET', 'VRN_OUTPUTS_BUCKET', 'VRN_AUDIT_BUCKET', 'VRN_KEY_SECRET_ID', 'VRN_GLUE_DATABASE', 'VRN_ATHENA_WORKGROUP',
      ]));
      expect(f.Properties.Environment.Variables.VRN_RAW_VERSIONED).toBe('true');
      expect(f.Properties.Environment.Variables.VRN_DEPLOYMENT).toBe('llr');
    }
  });

  const notificationsOf = (bucket: string) => ofType('Custom::S3BucketNotifications')
    .filter(([, n]) => JSON.stringify(n.Properties.BucketName) === JSON.stringify({ Ref: idOf('AWS::S3::Bucket', bucket) }))
    .flatMap(([, n]) => n.Properties.NotificationConfiguration.LambdaFunctionConfigurations);

  it('invokes the ingest worker on objects created under raw/ in the raw bucket only', () => {
    expect(ofType('Custom::S3BucketNotifications')).toHaveLength(2);
    expect(notificationsOf('DataRaw')).toEqual([{
      Events: ['s3:ObjectCreated:*'],
      Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'raw/' }] } },
      LambdaFunctionArn: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'IngestHandlerFunction'), 'Arn'] },
    }]);
  });

  it('retries a failed ingest, then keeps it in an encrypted dead-letter queue, with bounded concurrency', () => {
    const ingest = fn('IngestHandlerFunction');
    const queue = idOf('AWS::SQS::Queue', 'IngestDeadLetters');
    expect(ingest.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queue, 'Arn'] } });
    expect(ingest.Properties.ReservedConcurrentExecutions).toBe(dev.ingestConcurrency);
    expect(ingest.Properties.Timeout).toBe(900);
    expect(resources[queue]!.Properties).toMatchObject({ KmsMasterKeyId: { 'Fn::GetAtt': [idOf('AWS::KMS::Key', 'DataKey'), 'Arn'] }, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf('AWS::Lambda::Function', 'IngestHandlerFunction') }, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600,
    });
  });

  it('links people and refreshes the products on the stage\'s schedule, with the stage\'s memory for linking', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 5 * * ? *)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'RefreshHandlerFunction'), 'Arn'] } })],
    });
    expect(template.findResources('AWS::Lambda::Function')[idOf('AWS::Lambda::Function', 'RefreshHandlerFunction')].Properties).toMatchObject({ MemorySize: 3008, Timeout: 900 });
  });

  it('links people and refreshes the products again when the catalog or the review decisions are written', () => {
    const refresh = { 'Fn::GetAtt': [idOf('AWS::Lambda::Function', 'RefreshHandlerFunction'), 'Arn'] };
    expect(notificationsOf('DataCurated')).toEqual(['catalog/entries/', 'linkage/review/decisions.json'].map((key) => ({
      Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: key }] } }, LambdaFunctionArn: refresh,
    })));
  });

  it('keeps every function\'s logs, and the API\'s access log, for the stage\'s retention', () => {
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups).toHaveLength(4);
    for (const [, group] of groups) expect(group.Properties.RetentionInDays).toBe(dev.logRetentionDays);
    for (const name of ['Api', 'Ingest', 'Refresh']) {
      expect(fn(`${name}HandlerFunction`).Properties.LoggingConfig.LogGroup.Ref).toMatch(new RegExp(`^${name}HandlerLogs`));
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }) });
  });
});

describe('the CDK app: the way in', () => {
  it('puts the Cognito JWT authorizer on every /v1 route, and leaves /health open', () => {
    const authorizer = idOf('AWS::ApiGatewayV2::Authorizer', 'ApiHttpCognito');
    expect(resources[authorizer]!.Properties).toMatchObject({
      AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [{ Ref: idOf('AWS::Cognito::UserPoolClient', 'ApiUsersPortal') }] },
    });
    expect(JSON.stringify(resources[authorizer]!.Properties.JwtConfiguration.Issuer)).toContain('cognito-idp.eu-west-2.amazonaws.com/');
    const pool = idOf('AWS::Cognito::UserPool', 'ApiUsers');
    expect(resources[idOf('AWS::Lambda::Function', 'ApiHandlerFunction')]!.Properties.Environment.Variables).toMatchObject({
      VRN_AUTH: 'cognito', VRN_COGNITO_REGION: 'eu-west-2', VRN_COGNITO_USER_POOL_ID: { Ref: pool }, VRN_COGNITO_CLIENT_ID: { Ref: idOf('AWS::Cognito::UserPoolClient', 'ApiUsersPortal') },
    });
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const v1 = routes.filter((r) => / \/v1(\/|$)/.test(r.RouteKey));
    expect(v1.map((r) => r.RouteKey).sort()).toEqual(['ANY /v1', 'ANY /v1/{proxy+}']);
    for (const route of v1) expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizer } });
    for (const route of routes.filter((r) => !v1.includes(r))) expect(route.AuthorizationType).toBe('NONE');
    expect(routes.map((r) => r.RouteKey)).toContain('GET /health');
  });

  it('has a Cognito group per role of the agreement, no self sign-up, and users who cannot change their own scope', () => {
    const groups = ofType('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName).sort();
    expect(groups).toEqual(Object.keys(agreement.roles).sort());
    const [, pool] = ofType('AWS::Cognito::UserPool')[0]!;
    expect(pool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.Properties.MfaConfiguration).toBe(dev.mfa);
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.Properties.Policies.PasswordPolicy).toMatchObject({ MinimumLength: 14, RequireSymbols: true, RequireNumbers: true });
    expect(pool.Properties.Schema.map((a: any) => a.Name).sort()).toEqual(['locality', 'organisation', 'panel', 'programme']);
    const [, client] = ofType('AWS::Cognito::UserPoolClient')[0]!;
    expect(client.Properties).toMatchObject({ GenerateSecret: false, ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    expect(client.Properties.WriteAttributes ?? []).not.toEqual(expect.arrayContaining(['custom:organisation']));
  });

  it('signs the portal in through a hosted-UI domain: the code grant only, scope openid, back to the API\'s own URL', () => {
    const pool = idOf('AWS::Cognito::UserPool', 'ApiUsers');
    const domain = idOf('AWS::Cognito::UserPoolDomain', 'ApiUsersSignIn');
    expect(resources[domain]!.Properties).toEqual({ Domain: dev.signInDomainPrefix, UserPoolId: { Ref: pool } });
    const clients = ofType('AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(1);
    const [, client] = clients[0]!;
    const endpoint = { 'Fn::GetAtt': [idOf('AWS::ApiGatewayV2::Api', 'ApiHttp'), 'ApiEndpoint'] };
    const apiUrl = (path: string) => ({ 'Fn::Join': ['', [endpoint, path]] });
    expect(client.Properties).toMatchObject({
      GenerateSecret: false, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'],
      SupportedIdentityProviders: ['COGNITO'], CallbackURLs: [apiUrl('/portal/callback')], LogoutURLs: [apiUrl('/portal/signed-out')],
    });
    // No email or name in the tokens, which the portal keeps as its session.
    expect(client.Properties.ReadAttributes.sort()).toEqual(['custom:locality', 'custom:organisation', 'custom:panel', 'custom:programme']);
    expect(resources[idOf('AWS::Lambda::Function', 'ApiHandlerFunction')]!.Properties.Environment.Variables).toMatchObject({
      VRN_COGNITO_DOMAIN: { 'Fn::Join': ['', ['https://', { Ref: domain }, '.auth.eu-west-2.amazoncognito.com']] },
      VRN_PORTAL_URL: endpoint,
    });
    // The callback and the sign-out page are reached without a token: the portal checks its own sign-in.
    const open = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties).find((r) => r.RouteKey === 'GET /{proxy+}');
    expect(open).toMatchObject({ AuthorizationType: 'NONE' });
  });

  it('takes the portal\'s URL from the stage when it has a custom domain, and refuses a domain prefix Cognito would', () => {
    const stage = { ...dev, portalUrl: 'https://data.vrn.example.org/' };
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Custom', { env: { account: stage.account, region: stage.region } });
    new Api(stack, 'Api', { stage, environment: {} });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://data.vrn.example.org/portal/callback'], LogoutURLs: ['https://data.vrn.example.org/portal/signed-out'],
    });
    const bad = { ...context['vrn:stages'], odd: { ...context['vrn:stages'].dev, signInDomainPrefix: 'vrn-cognito-dev' } };
    expect(() => stageFromContext((key) => (key === 'vrn:stage' ? 'odd' : key === 'vrn:stages' ? bad : undefined)))
      .toThrow('signInDomainPrefix: Cognito refuses prefixes containing aws, amazon or cognito');
  });
});

describe('the CDK app: least privilege', () => {
  const statements = (prefix: string) => {
    const policy = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith(prefix));
    return policy![1].Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Effect: string }[];
  };
  const actions = (s: { Action: string | string[] }) => [s.Action].flat();
  /** The actions a role has on one bucket's objects, by the prefix they are limited to. */
  const onBucket = (prefix: string, bucket: string) => Object.fromEntries(statements(prefix)
    .filter((s) => JSON.stringify(s.Resource).includes(`"${idOf('AWS::S3::Bucket', bucket)}"`) && JSON.stringify(s.Resource).includes('/'))
    .map((s) => [(s.Resource as any)['Fn::Join'][1][1], actions(s).sort()]));

  it('names every action in full: no wildcard action and no wildcard resource in any policy', () => {
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        for (const action of actions(s)) expect(action, `${id}: ${action}`).not.toContain('*');
        expect(s.Resource, id).not.toBe('*');
      }
    }
  });

  it('gives each function only the data actions its job needs', () => {
    expect(onBucket('IngestHandler', 'DataRaw')).toEqual({ '/raw/*': ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject'] });
    expect(statements('IngestHandler')).toContainEqual(expect.objectContaining({ Action: 's3:ListBucketVersions', Condition: { StringLike: { 's3:prefix': ['raw/*'] } } }));
    expect(onBucket('ApiHandler', 'DataRaw')).toEqual({ '/raw/*': ['s3:PutObject'] });
    expect(onBucket('RefreshHandler', 'DataRaw')).toEqual({});
    expect(onBucket('IngestHandler', 'DataAudit')).toEqual({});
    expect(onBucket('ApiHandler', 'DataAudit')).toEqual({ '/audit/*': ['s3:GetObject', 's3:PutObject'] });
    expect(onBucket('RefreshHandler', 'DataCurated')).toEqual({ '/*': ['s3:GetObject'], '/curated/*': ['s3:GetObject'], '/linkage/people/*': ['s3:PutObject'] });
    expect(onBucket('RefreshHandler', 'DataOutputs')).toEqual({ '/outputs/*': ['s3:GetObject', 's3:PutObject'] });
    expect(onBucket('IngestHandler', 'DataOutputs')).toEqual({});
    const secret = idOf('AWS::SecretsManager::Secret', 'DataPseudonymisationKey');
    const readsSecret = (prefix: string) => statements(prefix).some((s) => actions(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource) === JSON.stringify({ Ref: secret }));
    expect([readsSecret('ApiHandler'), readsSecret('IngestHandler'), readsSecret('RefreshHandler')]).toEqual([true, true, false]);
    const athena = (prefix: string) => statements(prefix).filter((s) => actions(s).some((a) => a.startsWith('athena:')));
    expect(athena('IngestHandler')).toEqual([]);
    expect(JSON.stringify(athena('ApiHandler')[0]!.Resource)).toContain(':workgroup/vrn-dev');
  });
});

describe('the bundled ingest Lambda', () => {
  it('runs as CDK bundled it, in a fresh Node process configured only by its environment', async () => {
    const code = resources[idOf('AWS::Lambda::Function', 'IngestHandlerFunction')]!.Properties.Code.S3Key as string;
    const bundle = join(outdir, `asset.${code.replace(/\.zip$/, '')}`, 'index.mjs');
    const s3 = await startS3rver();
    const services = await serveJsonServices(awsServicesAnswer());
    try {
      const buckets = await s3.buckets();
      const storage = new S3Storage(new S3Client(s3.config), buckets);
      const pending = await requestUpload({ storage, now: () => new Date() } as never, { dataset: 'police_crime', partner: POLICE });
      await storage.put(rawKey(pending.upload_id), csv(CRIME_HEADER, ...crimeRows('B', 9)));
      const event = { Records: [{ s3: { bucket: { name: buckets.raw }, object: { key: rawKey(pending.upload_id) } } }] };
      const run = `const { handler } = await import(${JSON.stringify(bundle)}); await handler(${JSON.stringify(event)});`;
      await promisify(execFile)(process.execPath, ['--input-type=module', '-e', run], {
        env: {
          PATH: process.env.PATH, AWS_REGION: 'eu-west-2', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER',
          AWS_ENDPOINT_URL_S3: String(s3.config.endpoint), AWS_ENDPOINT_URL_GLUE: services.url, AWS_ENDPOINT_URL_SECRETS_MANAGER: services.url,
          AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED', AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
          ...awsTestEnvironment(buckets),
        },
      });
      expect((await new Catalog(storage).read()).extracts).toMatchObject([{ upload_id: pending.upload_id, rows: 9 }]);
      expect(await uploadStatus({ storage } as never, pending.upload_id)).toMatchObject({ status: 'accepted' });
      expect(services.calls.map((c) => c.action)).toEqual(expect.arrayContaining(['GetSecretValue', 'GetTables', 'BatchCreatePartition', 'CreateTable']));
    } finally {
      await services.close();
      await s3.close();
    }
  });
});
