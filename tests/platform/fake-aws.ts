import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { testSecret } from '../helpers.ts';

export type Call = { action: string; body: Record<string, any> };
/** An answer is the response body, or `{ error, message }` for an AWS error (HTTP 400). */
export type Answer = (call: Call, calls: Call[]) => object;

/** Records a call (its X-Amz-Target and JSON body) and gives the answer as an HTTP status and body. */
function respond(answer: Answer, calls: Call[], target: string, text: string) {
  const call = { action: target.split('.')[1]!, body: JSON.parse(text || '{}') };
  calls.push(call);
  const out = answer(call, calls);
  const error = 'error' in out;
  return { status: error ? 400 : 200, payload: JSON.stringify(error ? { __type: out.error, message: (out as { message?: string }).message } : out) };
}

/**
 * An AWS JSON-protocol service (Athena, Glue, Secrets Manager) with no network: the real client serialises, signs
 * and deserialises each call, and this request handler (the bottom of its middleware stack) records the call and
 * answers as the service would.
 */
export function fakeJsonService(answer: Answer) {
  const calls: Call[] = [];
  const requestHandler = {
    async handle(request: { headers: Record<string, string>; body?: string | Uint8Array }) {
      const text = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
      const { status, payload } = respond(answer, calls, request.headers['x-amz-target']!, text);
      return { response: { statusCode: status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(payload)]) } };
    },
  };
  const config = { region: 'eu-west-2', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1, requestHandler: requestHandler as never };
  return { calls, config };
}

/** The environment the CDK app gives the Lambdas, for these buckets. */
export const awsTestEnvironment = (buckets: { raw: string; curated: string; outputs: string }) => ({
  VRN_RAW_BUCKET: buckets.raw, VRN_CURATED_BUCKET: buckets.curated, VRN_OUTPUTS_BUCKET: buckets.outputs, VRN_AUDIT_BUCKET: 'vrn-test-audit',
  VRN_KEY_SECRET_ID: 'vrn-test/key', VRN_GLUE_DATABASE: 'vrn_test', VRN_ATHENA_WORKGROUP: 'vrn-test', VRN_DEPLOYMENT: 'llr',
});

/**
 * Secrets Manager (the fixed test secret), Glue (no views yet) and Athena (every query answers n = 5) in one fake;
 * pass its config as each of their clients' settings.
 */
export function fakeAwsServices() {
  return fakeJsonService(awsServicesAnswer());
}

/** The answers of fakeAwsServices, for serving over HTTP too. */
export function awsServicesAnswer(): Answer {
  return ({ action, body }) => {
    switch (action) {
      case 'GetSecretValue': return { SecretString: testSecret };
      case 'GetTables': return { TableList: [] };
      case 'GetTable': return { Table: { Name: body.Name, StorageDescriptor: { Location: `s3://curated/${body.Name}/` } } };
      case 'BatchCreatePartition': return { Errors: [] };
      case 'CreateTable': return {};
      case 'StartQueryExecution': return { QueryExecutionId: 'q-1' };
      case 'GetQueryExecution': return { QueryExecution: { Status: { State: 'SUCCEEDED' } } };
      case 'GetQueryResults': return { ResultSet: { ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'integer' }] }, Rows: [{ Data: [{ VarCharValue: 'n' }] }, { Data: [{ VarCharValue: '5' }] }] } };
      default: return { error: 'InvalidRequestException', message: action };
    }
  };
}

/**
 * The same answers over real HTTP on 127.0.0.1, for a process that only takes endpoints from its environment
 * (AWS_ENDPOINT_URL_GLUE, AWS_ENDPOINT_URL_SECRETS_MANAGER…), such as a bundled Lambda.
 */
export async function serveJsonServices(answer: Answer) {
  const calls: Call[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const { status, payload } = respond(answer, calls, String(request.headers['x-amz-target']), Buffer.concat(chunks).toString('utf8'));
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
