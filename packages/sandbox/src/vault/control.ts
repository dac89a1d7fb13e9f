import { SandboxControl } from '../control';
import type { VaultCondition, VaultFixture } from './types';

/**
 * The control API of the Vault imitation: everything {@link SandboxControl} does (faults,
 * counters, reset, down/up), plus the server's condition (sealed, standby) and fixtures.
 */
export class VaultControl extends SandboxControl {
  /** Seals / unseals, or makes the node a (performance) standby. */
  async setCondition(
    condition: Partial<VaultCondition>,
  ): Promise<VaultCondition> {
    return (await this.call(
      'POST',
      '/_sandbox/vault/condition',
      condition,
    )) as VaultCondition;
  }

  async condition(): Promise<VaultCondition> {
    return (await this.call(
      'GET',
      '/_sandbox/vault/condition',
    )) as VaultCondition;
  }

  /** Adds mounts, secrets, policies, tokens, leases, roles; with `replace` they become the base. */
  async loadVaultFixture(
    fixture: VaultFixture,
    opts: { replace?: boolean } = {},
  ): Promise<void> {
    await this.call('POST', '/_sandbox/fixture', {
      fixture,
      replace: opts.replace ?? false,
    });
  }

  /**
   * How many requests read secret values (`…/data/…` with GET), over every KV mount: the number
   * the "never read a value" tests hold at zero.
   */
  async dataReads(): Promise<number> {
    const { routes } = await this.counters();
    return Object.entries(routes)
      .filter(([key]) => /^GET \/v1\/[^/]+\/data\//.test(key))
      .reduce((n, [, c]) => n + c, 0);
  }
}
