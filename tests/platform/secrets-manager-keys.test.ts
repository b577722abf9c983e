import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../functions/platform/keys/file.ts';
import { SecretsManagerKeyStore } from '../../functions/platform/keys/secrets-manager.ts';
import { POLICE, tempDataDir } from '../helpers.ts';
import { fakeJsonService } from './fake-aws.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-2:111111111111:secret:vrn-test/pseudonymisation-key-AbCdEf';

function secretsManager(secretString: () => string) {
  const { calls, config } = fakeJsonService(({ action }) =>
    action === 'GetSecretValue' ? { ARN, Name: 'vrn-test/pseudonymisation-key', SecretString: secretString() } : { error: 'InvalidRequestException' });
  return { client: new SecretsManagerClient(config), calls };
}

describe('the Secrets Manager key store', () => {
  it('derives exactly the keys the local key file derives from the same secret', async () => {
    const secret = JSON.stringify({ current: 'v2', keys: { v1: randomBytes(32).toString('base64'), v2: randomBytes(32).toString('base64') }, created_at: '2025-01-01T00:00:00Z' });
    const { dir, cleanup } = tempDataDir();
    try {
      const path = join(dir, 'key.json');
      writeFileSync(path, secret, { mode: 0o600 });
      const local = new FileKeyStore(path);
      const { client, calls } = secretsManager(() => secret);
      const aws = new SecretsManagerKeyStore(client, ARN);

      expect(await aws.pseudonymisationKey()).toEqual(await local.pseudonymisationKey());
      expect((await aws.pseudonymisationKey()).version).toBe('v2');
      expect(await aws.referenceKey(POLICE)).toEqual(await local.referenceKey(POLICE));
      expect(await aws.referenceKey(POLICE, 'v1')).toEqual(await local.referenceKey(POLICE, 'v1'));
      expect((await aws.referenceKey(POLICE)).key).not.toEqual((await aws.referenceKey('leicester-city-council')).key);
      expect(await aws.auditKey()).toEqual(await local.auditKey());
      expect(await aws.auditKey('v1')).toEqual(await local.auditKey('v1'));
      expect((await aws.auditKey()).key).not.toEqual((await aws.pseudonymisationKey()).key);
      expect(calls).toEqual([{ action: 'GetSecretValue', body: { SecretId: ARN } }]);
    } finally {
      cleanup();
    }
  });

  it('reads the secret again after the cache time, so a rotation arrives without a redeploy', async () => {
    let current = 'v1';
    const keys = { v1: randomBytes(32).toString('base64'), v2: randomBytes(32).toString('base64') };
    const { client, calls } = secretsManager(() => JSON.stringify({ current, keys, created_at: 'now' }));
    let now = 0;
    const store = new SecretsManagerKeyStore(client, ARN, () => now);
    expect((await store.pseudonymisationKey()).version).toBe('v1');
    current = 'v2';
    now = 10 * 60_000;
    expect((await store.pseudonymisationKey()).version).toBe('v1');
    now = 16 * 60_000;
    expect((await store.pseudonymisationKey()).version).toBe('v2');
    expect(calls).toHaveLength(2);
  });

  it('reads the secret the CDK app generates, with its first version at the top level', async () => {
    const v1 = 'Zx8'.repeat(21) + 'q';
    const generated = new SecretsManagerKeyStore(secretsManager(() => JSON.stringify({ current: 'v1', keys: {}, created_at: 'deployment', v1 })).client, ARN);
    const nested = new SecretsManagerKeyStore(secretsManager(() => JSON.stringify({ current: 'v1', keys: { v1 }, created_at: 'deployment' })).client, ARN);
    expect(await generated.pseudonymisationKey()).toEqual(await nested.pseudonymisationKey());
    expect(await generated.referenceKey(POLICE)).toEqual(await nested.referenceKey(POLICE));
  });

  it('refuses a malformed secret without quoting it, and asks again next time', async () => {
    let text = '{"current":"v1","keys":{"v1":"too-short-to-be-a-key"}}';
    const { client, calls } = secretsManager(() => text);
    const store = new SecretsManagerKeyStore(client, ARN);
    const error = await store.pseudonymisationKey().catch((e: Error) => e);
    expect(String(error)).toContain(`secret ${ARN} is not a valid key secret`);
    expect(String(error)).not.toContain('too-short');
    text = JSON.stringify({ current: 'v1', keys: { v1: randomBytes(32).toString('base64') }, created_at: 'now' });
    expect((await store.pseudonymisationKey()).version).toBe('v1');
    expect(calls).toHaveLength(2);
  });
});
