import { SandboxControl } from '../control';
import type { TeleportFixture } from './types';

/** What the control API shows of the Teleport imitation's state. */
export interface TeleportStateView {
  clusterName: string;
  now: string;
  roles: string[];
  users: Record<string, string[]>;
  requests: Array<{
    id: string;
    user: string;
    roles: string[];
    state: 'PENDING' | 'APPROVED' | 'DENIED';
    reason: string;
    created: string;
    accessExpiry: string;
    reviews: Array<{ author: string; state: string; reason: string }>;
  }>;
}

/**
 * The control API of the Teleport imitation: everything {@link SandboxControl}
 * does (faults on `/proto.AuthService/<Method>`, counters, reset, down/up),
 * plus fixtures, the state, a clock to move forward (expiry) and identities.
 */
export class TeleportControl extends SandboxControl {
  async loadTeleportFixture(
    fixture: TeleportFixture,
    opts: { replace?: boolean } = {},
  ): Promise<void> {
    await this.call('POST', '/_sandbox/fixture', {
      fixture,
      replace: opts.replace ?? false,
    });
  }

  async state(): Promise<TeleportStateView> {
    return (await this.call(
      'GET',
      '/_sandbox/teleport/state',
    )) as TeleportStateView;
  }

  /** Moves the imitation's clock forward (requests expire at their access expiry). */
  async advanceClock(ms: number): Promise<void> {
    await this.call('POST', '/_sandbox/teleport/clock', { advanceMs: ms });
  }

  /** Signs a client identity (identity-file text) that may call the auth server. */
  async issueIdentity(opts: {
    user: string;
    roles?: string[];
    validForMs?: number;
  }): Promise<string> {
    const r = (await this.call(
      'POST',
      '/_sandbox/teleport/identities',
      opts,
    )) as {
      identityFile: string;
    };
    return r.identityFile;
  }
}
