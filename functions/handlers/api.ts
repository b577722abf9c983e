import { handle } from 'hono/aws-lambda';
import { createApp } from '../api/app.ts';
import { awsPlatform } from '../platform/aws.ts';
import type { Platform } from '../platform/platform.ts';

/** The API in AWS: the same Hono app as `vrn serve`, on the AWS platform, behind API Gateway's HTTP API. */
export const apiHandler = (platform: Platform) => handle(createApp(platform));

let cached: ReturnType<typeof apiHandler> | undefined;
export const handler = (...args: Parameters<ReturnType<typeof apiHandler>>) => (cached ??= apiHandler(awsPlatform(process.env)))(...args);
