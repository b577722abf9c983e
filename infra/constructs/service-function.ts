import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { Stage } from '../config.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'logGroup'> {
  /** The handler module under functions/handlers/, e.g. 'ingest'. */
  handler: string;
  stage: Stage;
}

/**
 * A Lambda of the service: one of functions/handlers/*.ts, bundled by the locally installed esbuild (no Docker) as
 * an ES module for Node 22 on arm64, with its own log group kept for the stage's retention.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, { handler, stage, environment, ...props }: ServiceFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: stage.logRetentionDays as RetentionDays,
      removalPolicy: stage.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${root}functions/handlers/${handler}.ts`,
      handler: 'handler',
      projectRoot: root,
      depsLockFilePath: `${root}package-lock.json`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(30),
      logGroup,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // Native DuckDB is the local SQL engine only; Athena stands in for it here.
        externalModules: ['@duckdb/node-api'],
        banner: "import { createRequire as vrnCreateRequire } from 'node:module'; const require = vrnCreateRequire(import.meta.url);",
        forceDockerBundling: false,
      },
      ...props,
    });
  }
}
