import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { Stage } from '../config.ts';
import { ServiceFunction } from './service-function.ts';

/** The scheduled refresh: people linked, then the products into the outputs bucket (functions/handlers/refresh.ts). */
export class Refresh extends Construct {
  readonly handler: ServiceFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, { stage, environment }: { stage: Stage; environment: Record<string, string> }) {
    super(scope, id);
    this.handler = new ServiceFunction(this, 'Handler', {
      handler: 'refresh', stage, environment, memorySize: stage.refreshMemoryMb, timeout: Duration.minutes(15), reservedConcurrentExecutions: 1, retryAttempts: 0,
    });
    this.rule = new Rule(this, 'Schedule', { schedule: Schedule.expression(stage.refreshSchedule), description: 'Link people and refresh the VRN products for the current year' });
    this.rule.addTarget(new LambdaFunction(this.handler.fn, { retryAttempts: 2, maxEventAge: Duration.hours(2) }));
  }
}
