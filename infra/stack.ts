import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Stage } from './config.ts';
import { Analytics } from './constructs/analytics.ts';
import { Api } from './constructs/api.ts';
import { DataStore } from './constructs/data-store.ts';
import { Ingest } from './constructs/ingest.ts';
import { Refresh } from './constructs/refresh.ts';

/** One stage of the service: the constructs, wired together. Each construct owns its resources and grants. */
export class VrnStack extends Stack {
  readonly data: DataStore;
  readonly analytics: Analytics;
  readonly api: Api;
  readonly ingest: Ingest;
  readonly refresh: Refresh;

  constructor(scope: Construct, id: string, stage: Stage, props: StackProps = {}) {
    super(scope, id, { ...props, env: { account: stage.account, region: stage.region }, description: `VRN data service (${stage.name})` });
    Tags.of(this).add('service', 'vrn-data-service');
    Tags.of(this).add('stage', stage.name);

    this.data = new DataStore(this, 'Data', stage);
    this.analytics = new Analytics(this, 'Analytics', stage, this.data);
    // The configuration awsPlatform(process.env) reads (functions/platform/aws.ts).
    const environment = {
      VRN_RAW_BUCKET: this.data.raw.bucketName,
      VRN_CURATED_BUCKET: this.data.curated.bucketName,
      VRN_OUTPUTS_BUCKET: this.data.outputs.bucketName,
      VRN_AUDIT_BUCKET: this.data.audit.bucketName,
      VRN_KEY_SECRET_ID: this.data.keySecret.secretArn,
      VRN_GLUE_DATABASE: this.analytics.databaseName,
      VRN_ATHENA_WORKGROUP: this.analytics.workGroup.name,
      VRN_RAW_VERSIONED: 'true',
      VRN_DEPLOYMENT: stage.deployment,
    };

    this.api = new Api(this, 'Api', { stage, environment });
    this.data.grantApi(this.api.handler.fn);
    this.analytics.grantRunQueries(this.api.handler.fn);
    this.analytics.grantMaintainViews(this.api.handler.fn);
    this.data.allowUploadsFrom(this.api.httpApi.apiEndpoint);

    this.ingest = new Ingest(this, 'Ingest', { stage, environment, raw: this.data.raw, key: this.data.key });
    this.data.grantIngest(this.ingest.handler.fn);
    this.analytics.grantMaintainViews(this.ingest.handler.fn);

    this.refresh = new Refresh(this, 'Refresh', { stage, environment, curated: this.data.curated });
    this.data.grantRefresh(this.refresh.handler.fn);
    this.analytics.grantRunQueries(this.refresh.handler.fn);
    this.analytics.grantMaintainViews(this.refresh.handler.fn);
  }
}
