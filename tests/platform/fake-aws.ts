import { Readable } from 'node:stream';

export type Call = { action: string; body: Record<string, any> };
/** An answer is the response body, or `{ error, message }` for an AWS error (HTTP 400). */
export type Answer = (call: Call, calls: Call[]) => object;

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
      const call = { action: request.headers['x-amz-target']!.split('.')[1]!, body: JSON.parse(text || '{}') };
      calls.push(call);
      const out = answer(call, calls);
      const error = 'error' in out;
      const payload = error ? { __type: out.error, message: (out as { message?: string }).message } : out;
      return { response: { statusCode: error ? 400 : 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from(JSON.stringify(payload))]) } };
    },
  };
  const config = { region: 'eu-west-2', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1, requestHandler: requestHandler as never };
  return { calls, config };
}
