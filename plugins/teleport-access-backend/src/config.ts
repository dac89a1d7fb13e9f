import type { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/** `groundcrew.teleportAccess`, read and checked. */
export interface TeleportAccessConfig {
  users: {
    fromEmail: 'local-part' | 'email' | 'none';
    /** Lower-case; empty means any domain. */
    emailDomains: string[];
  };
}

const FROM_EMAIL = ['local-part', 'email', 'none'] as const;

/** Reads `groundcrew.teleportAccess`; an invalid value throws an InputError naming the key. */
export function readTeleportAccessConfig(
  root: RootConfigService,
): TeleportAccessConfig {
  const c = root.getOptionalConfig('groundcrew.teleportAccess.users');
  const fromEmail = c?.getOptionalString('fromEmail') ?? 'local-part';
  if (!(FROM_EMAIL as readonly string[]).includes(fromEmail)) {
    throw new InputError(
      `groundcrew.teleportAccess.users.fromEmail must be one of ${FROM_EMAIL.join(
        ', ',
      )}, got "${fromEmail}"`,
    );
  }
  const domains = c?.getOptionalStringArray('emailDomains') ?? [];
  for (const d of domains) {
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(d)) {
      throw new InputError(
        `groundcrew.teleportAccess.users.emailDomains has an invalid domain "${d}"`,
      );
    }
  }
  return {
    users: {
      fromEmail: fromEmail as TeleportAccessConfig['users']['fromEmail'],
      emailDomains: domains.map(d => d.toLowerCase()),
    },
  };
}
