import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { S3EventSourceV2 } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DECISIONS_KEY } from '../../functions/linkage/decisions.ts';
import { CATALOG_ENTRIES } from '../../functions/platform/catalog/catalog.ts';
import type { Stage } from '../config.ts';
import { ServiceFunction } from './service-function.ts';

/**
 * The refresh: people linked, then the products into the outputs bucket (functions/handlers/refresh.ts). It runs on
 * the stage's schedule and whenever the data version changes (an entry is added to the catalog, or the review decisions are written), so
 * people are linked minutes after an upload; one at a time, and a run with nothing new does nothing.
 */
export class Refresh extends Construct {
  readonly handler: ServiceFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, { stage, environment, curated }: { stage: Stage; environment: Record<string, string>; curated: IBucket }) {
    super(scope, id);
    this.handler = new ServiceFunction(this, 'Handler', {
      handler: 'refresh', stage, environment, memorySize: stage.refreshMemoryMb, timeout: Duration.minutes(15), reservedConcurrentExecutions: 1, retryAttempts: 0,
    });
    this.rule = new Rule(this, 'Schedule', { schedule: Schedule.expression(stage.refreshSchedule), description: 'Link people and refresh the VRN products for the current year' });
    this.rule.addTarget(new LambdaFunction(this.handler.fn, { retryAttempts: 2, maxEventAge: Duration.hours(2) }));
    for (const key of [CATALOG_ENTRIES, DECISIONS_KEY]) {
      this.handler.fn.addEventSource(new S3EventSourceV2(curated, { events: [EventType.OBJECT_CREATED], filters: [{ prefix: key }] }));
    }
  }
}
