import { ServiceUnavailableError } from '@backstage/errors';
import type { VaultService } from './VaultService';

/**
 * The {@link VaultService} of a backend without `groundcrew.vault`.
 *
 * @public
 */
export class UnconfiguredVault implements VaultService {
  readonly configured = false;
  private fail(): never {
    throw new ServiceUnavailableError(
      'Vault is not configured (groundcrew.vault)',
    );
  }
  health = async () => this.fail();
  tokenInfo = async () => this.fail();
  kvMounts = async () => this.fail();
  listSecrets = async () => this.fail();
  secretMetadata = async () => this.fail();
  listLeases = async () => this.fail();
  lease = async () => this.fail();
  uiUrl = () => '';
}
