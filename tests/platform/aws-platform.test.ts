import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsPlatform } from '../../functions/platform/aws.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv, ingestText } from '../helpers.ts';
import { awsTestEnvironment, fakeAwsServices } from './fake-aws.ts';
import { startS3rver } from './s3rver.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => { s3 = await startS3rver(); });
afterAll(() => s3?.close());

describe('the AWS platform', () => {
  it('says which environment variables are missing, without echoing any value', () => {
    expect(() => awsPlatform({ VRN_RAW_BUCKET: 'raw-bucket', VRN_GLUE_DATABASE: 'Not-Valid' }))
      .toThrow('the AWS platform needs these environment variables set correctly: VRN_ATHENA_WORKGROUP, VRN_AUDIT_BUCKET, VRN_CURATED_BUCKET, VRN_DEPLOYMENT, VRN_GLUE_DATABASE, VRN_KEY_SECRET_ID, VRN_OUTPUTS_BUCKET (VRN_DEPLOYMENT: one of the deployments cleveland, llr)');
  });

  it("serves the deployment VRN_DEPLOYMENT names (the stage's in cdk.json)", () => {
    const env = awsTestEnvironment({ raw: 'raw', curated: 'curated', outputs: 'outputs' });
    expect(awsPlatform(env).area.id).toBe('llr');
    const platform = awsPlatform({ ...env, VRN_DEPLOYMENT: 'cleveland' });
    expect([platform.deployment.name, platform.area.id, platform.agreement.partners[0].id]).toEqual(['cleveland', 'cleveland', 'cleveland-police']);
  });

  it('ingests an extract into S3 with the secret from Secrets Manager, and brings Glue up to the catalog before Athena runs', async () => {
    const buckets = await s3.buckets();
    const { calls, config } = fakeAwsServices();
    const platform = awsPlatform(awsTestEnvironment(buckets), { s3: s3.config, athena: config, glue: config, secretsManager: config });

    const report = await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('S', 5)));
    expect(report).toMatchObject({ status: 'accepted', rows_accepted: 5 });
    expect(await platform.storage.list('curated/police_crime')).toEqual([`curated/police_crime/upload_id=${report.upload_id}/part-00000.parquet`]);
    expect(calls.filter((c) => c.action === 'GetSecretValue')).toEqual([{ action: 'GetSecretValue', body: { SecretId: 'vrn-test/key' } }]);

    const engine = await platform.openSql();
    expect(engine.dialect).toBe('athena');
    const partitions = calls.find((c) => c.action === 'BatchCreatePartition')!.body;
    expect(partitions).toMatchObject({ DatabaseName: 'vrn_test', TableName: 'police_crime__extracts', PartitionInputList: [{ Values: [report.upload_id] }] });
    expect((await engine.query('SELECT count(*) AS n FROM police_crime')).rows).toEqual([{ n: 5 }]);
    expect(calls.findIndex((c) => c.action === 'CreateTable')).toBeLessThan(calls.findIndex((c) => c.action === 'StartQueryExecution'));
  });
});
