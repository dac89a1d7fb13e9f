import { SandboxControl } from '../control';
import type { OidcTamper, OidcTimings, OidcUser } from './store';

/** What the OIDC imitation's control API shows: no secret, no token value. */
export interface OidcStateSummary {
  users: OidcUser[];
  clients: Array<{
    clientId: string;
    name?: string;
    redirectUris: string[] | null;
  }>;
  kid: string;
  clockOffsetSeconds: number;
  timings: OidcTimings;
  pendingAuthorizations: number;
  codes: number;
  accessTokens: number;
  refreshTokens: number;
  tampers: Array<{ claims: Record<string, unknown>; remaining: number }>;
}

/**
 * The control API of the OIDC imitation: everything {@link SandboxControl}
 * does (faults, counters, reset, down/up), plus a shifted clock (tokens born
 * expired), tampered ID token claims, key rotation and a view of the state.
 */
export class OidcControl extends SandboxControl {
  async state(): Promise<OidcStateSummary> {
    return (await this.call('GET', '/_sandbox/oidc/state')) as OidcStateSummary;
  }

  /**
   * Shifts the clock the provider issues tokens by: with `-7200`, ID tokens
   * and access tokens of a 1 h lifetime are expired when issued. `reset` sets it back to 0.
   */
  async setClockOffset(offsetSeconds: number): Promise<void> {
    await this.call('POST', '/_sandbox/oidc/clock', { offsetSeconds });
  }

  /** Writes claims over the next `count` (default 1) ID tokens: a wrong `nonce`, `iss`, `aud`. */
  async tamperNextIdTokens(tamper: OidcTamper): Promise<void> {
    await this.call('POST', '/_sandbox/oidc/tamper', tamper);
  }

  /** A new signing key; returns its `kid`. */
  async rotateKey(): Promise<string> {
    return (
      (await this.call('POST', '/_sandbox/oidc/rotate-key')) as {
        kid: string;
      }
    ).kid;
  }
}
