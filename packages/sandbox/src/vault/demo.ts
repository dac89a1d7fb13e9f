import { createHash } from 'node:crypto';
import type { VaultFixture, VaultFixtureSecret } from './types';

/** Planted in every sandbox secret value: a test that finds it anywhere outside Vault has caught a leak. */
export const VAULT_CANARY = 'GROUNDCREW-CANARY';

/** The token `app-config.yaml` gives the portal: metadata reads only (policy `groundcrew-portal`). */
export const DEMO_VAULT_TOKEN = 'groundcrew-sandbox-vault-token';
/** A root token for tests and for seeding (never the portal's). */
export const DEMO_VAULT_ROOT_TOKEN = 'groundcrew-sandbox-vault-root';

/** The portal's policy: list and read KV metadata, list and look up leases; no `…/data/…`. */
export const PORTAL_POLICY = `
path "sys/mounts" { capabilities = ["read"] }
path "secret/metadata/*" { capabilities = ["read", "list"] }
path "secret/metadata/platform/*" { capabilities = ["deny"] }
path "sys/leases/lookup/database/creds/*" { capabilities = ["list", "sudo"] }
path "sys/leases/lookup" { capabilities = ["update"] }
path "sys/policies/acl" { capabilities = ["list"] }
`;

const DAY = 86_400;

function canary(path: string, key: string): string {
  const tag = createHash('sha256')
    .update(`${path}/${key}`)
    .digest('hex')
    .slice(0, 8);
  return `${VAULT_CANARY}-${tag}`;
}

function secret(
  path: string,
  ages: number[],
  customMetadata?: Record<string, string>,
  extra: Partial<VaultFixtureSecret> = {},
): VaultFixtureSecret {
  return {
    mount: 'secret',
    path,
    customMetadata,
    versions: ages.map((ageDays, i) => ({
      ageSeconds: Math.round(ageDays * DAY),
      data: { value: `v${i + 1}-${canary(path, 'value')}` },
    })),
    ...extra,
  };
}

/**
 * The demo's Vault: KV v2 secrets of the demo services with ages spread over fresh / due /
 * overdue, a destroyed version, a database lease per service, the portal's token and policy, and a
 * Kubernetes auth role for a portal running in a cluster. Pods of the demo clusters (see
 * `demo/demoFixture.ts`) started three days ago: a secret rotated since is "restart needed".
 */
export function vaultDemoFixture(
  opts: { token?: string; rootToken?: string } = {},
): VaultFixture {
  const destroyed = secret('ai-gateway/signing-key', [70, 40, 1], {
    owner: 'team-ai',
    rotation_period: '30d',
  });
  destroyed.versions[0].destroyed = true;
  return {
    mounts: [
      {
        path: 'secret',
        type: 'kv',
        version: '2',
        description: 'service secrets',
      },
      {
        path: 'platform-secrets',
        type: 'kv',
        version: '2',
        description: 'platform team only',
      },
      {
        path: 'database',
        type: 'database',
        description: 'dynamic database credentials',
      },
    ],
    policies: { 'groundcrew-portal': PORTAL_POLICY },
    tokens: [
      {
        token: opts.token ?? DEMO_VAULT_TOKEN,
        policies: ['groundcrew-portal'],
        ttlSeconds: 32 * DAY,
        renewable: true,
        displayName: 'token-groundcrew-portal',
      },
      {
        token: opts.rootToken ?? DEMO_VAULT_ROOT_TOKEN,
        policies: ['root'],
        displayName: 'root',
      },
    ],
    kubernetesRoles: [
      {
        name: 'groundcrew-portal',
        boundServiceAccountNames: ['groundcrew-portal'],
        boundServiceAccountNamespaces: ['groundcrew'],
        policies: ['groundcrew-portal'],
        ttlSeconds: 3600,
      },
    ],
    secrets: [
      // ai-gateway: fresh, due, and one rotated yesterday (pods older than it need a restart).
      secret('ai-gateway/openai-api-key', [100, 12], {
        owner: 'team-ai',
        rotation_period: '90d',
      }),
      secret('ai-gateway/anthropic-api-key', [26], {
        owner: 'team-ai',
        rotation_period: '30d',
      }),
      destroyed,
      // checkout-api: overdue, a nested folder rotated two days ago, and one on the default policy.
      secret('checkout-api/stripe-key', [120, 45], {
        owner: 'team-commerce',
        rotation_period: '720h',
      }),
      secret(
        'checkout-api/db/password',
        [9, 2],
        { owner: 'team-commerce', rotation_period: '14d' },
        { maxVersions: 5 },
      ),
      secret('checkout-api/webhook-secret', [20], { owner: 'team-commerce' }),
      // search-indexer: overdue on the default period, and a fresh one with versions that expire.
      secret('search-indexer/elastic-password', [400, 200], undefined),
      secret(
        'search-indexer/api-token',
        [5],
        { owner: 'team-ai', rotation_period: '30d' },
        { deleteVersionAfter: '2160h' },
      ),
      // Denied to the portal by its policy.
      secret('platform/root-ca-key', [10], { owner: 'platform' }),
    ],
    leases: [
      {
        id: 'database/creds/checkout-api/q7JbXw2n4kG1sYpT',
        ttlSeconds: 3 * 3600,
        issuedSecondsAgo: 3600,
      },
      {
        id: 'database/creds/checkout-api/Z1mRk8vLd0aQe3Hc',
        ttlSeconds: 20 * 60,
        issuedSecondsAgo: 7200,
      },
      {
        id: 'database/creds/search-indexer/Lw9Tn5pQr2Xy7Bv4',
        ttlSeconds: 20 * 3600,
        issuedSecondsAgo: 4 * 3600,
      },
    ],
  };
}

/** The same fixture without demo secrets: the portal token, policy and mounts only. */
export function vaultBaseFixture(
  opts: { token?: string; rootToken?: string } = {},
): VaultFixture {
  const demo = vaultDemoFixture(opts);
  return { ...demo, secrets: [], leases: [] };
}

/**
 * The Vault Agent injector annotations of a demo service's pods: one
 * `vault.hashicorp.com/agent-inject-secret-<file>: <KV v2 API path>` per secret it mounts.
 */
export const DEMO_VAULT_POD_ANNOTATIONS: Record<
  string,
  Record<string, string>
> = {
  'ai-gateway': {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'ai-gateway',
    'vault.hashicorp.com/agent-inject-secret-openai':
      'secret/data/ai-gateway/openai-api-key',
    'vault.hashicorp.com/agent-inject-secret-signing-key':
      'secret/data/ai-gateway/signing-key',
  },
  'checkout-api': {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'checkout-api',
    'vault.hashicorp.com/agent-inject-secret-stripe':
      'secret/data/checkout-api/stripe-key',
    'vault.hashicorp.com/agent-inject-secret-db-password':
      'secret/data/checkout-api/db/password',
  },
  'search-indexer': {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'search-indexer',
    'vault.hashicorp.com/agent-inject-secret-elastic':
      'secret/data/search-indexer/elastic-password',
  },
};
