import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { S3EventSourceV2 } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Stage } from '../config.ts';
import { ServiceFunction } from './service-function.ts';

export interface IngestProps {
  stage: Stage;
  environment: Record<string, string>;
  raw: IBucket;
  key: IKey;
}

/**
 * The ingest worker: each object created under raw/ invokes it (asynchronously). Failed invocations are retried,
 * then kept in an encrypted dead-letter queue for two weeks; reserved concurrency bounds how many extracts are
 * ingested at once (each holds one row group in memory).
 */
export class Ingest extends Construct {
  readonly handler: ServiceFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, { stage, environment, raw, key }: IngestProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true, retentionPeriod: Duration.days(14),
    });
    this.handler = new ServiceFunction(this, 'Handler', {
      handler: 'ingest', stage, environment,
      memorySize: 2048, timeout: Duration.minutes(15),
      reservedConcurrentExecutions: stage.ingestConcurrency,
      retryAttempts: stage.ingestRetries,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: this.deadLetters,
    });
    this.handler.fn.addEventSource(new S3EventSourceV2(raw, { events: [EventType.OBJECT_CREATED], filters: [{ prefix: 'raw/' }] }));
  }
}
