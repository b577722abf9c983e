import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { KeyStore } from './port.ts';
import { KeySecret, auditKeyOf, pseudonymisationKeyOf, referenceKeyOf } from './secret.ts';

/**
 * Secrets Manager can generate only top-level strings, so the CDK app creates the secret as
 * `{ current: 'v1', keys: {}, v1: <64 random characters> }`; top-level versions join `keys` (their text is read as
 * base64, like every key).
 */
function withTopLevelVersions(json: unknown): unknown {
  if (!json || typeof json !== 'object') return json;
  const doc = json as Record<string, unknown>;
  const versions = Object.entries(doc).filter(([name, value]) => /^v\d+$/.test(name) && typeof value === 'string');
  return { ...doc, keys: { ...(doc.keys as object | undefined), ...Object.fromEntries(versions) } };
}

/** A warm Lambda re-reads the secret after this long, so a rotation reaches it without a redeploy. */
const CACHE_MS = 15 * 60_000;

/**
 * The key store in AWS: the secret JSON of the key file (`{ current, keys: { v1: base64 }, created_at }`) kept in
 * Secrets Manager, with the same derivations as locally, so an extract pseudonymised here links with one
 * pseudonymised from the same secret anywhere.
 */
export class SecretsManagerKeyStore implements KeyStore {
  private cached: { doc: Promise<KeySecret>; at: number } | null = null;

  constructor(private readonly client: SecretsManagerClient, private readonly secretId: string, private readonly now: () => number = Date.now) {}

  private load(): Promise<KeySecret> {
    if (!this.cached || this.now() - this.cached.at > CACHE_MS) {
      const doc = this.fetch();
      this.cached = { doc, at: this.now() };
      doc.catch(() => { this.cached = null; });
    }
    return this.cached.doc;
  }

  private async fetch(): Promise<KeySecret> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    let json: unknown;
    try {
      json = JSON.parse(out.SecretString ?? '');
    } catch {
      json = null;
    }
    const parsed = KeySecret.safeParse(withTopLevelVersions(json));
    // Never quote the secret's text in the message.
    if (!parsed.success || !parsed.data.keys[parsed.data.current]) {
      throw new Error(`secret ${this.secretId} is not a valid key secret: expected JSON { current: "v1", keys: { v1: <32+ bytes base64> }, created_at }`);
    }
    return parsed.data;
  }

  async pseudonymisationKey() {
    return pseudonymisationKeyOf(await this.load());
  }

  async referenceKey(partner: string, version?: string) {
    return referenceKeyOf(await this.load(), partner, version);
  }

  async auditKey(version?: string) {
    return auditKeyOf(await this.load(), version);
  }
}
