import type { Entity } from '@backstage/catalog-model';
import { GROUNDCREW_ANNOTATIONS } from '@groundcrew/plugin-infra-common';
import type { TeleportAccessConfig } from '../config';

/** Teleport usernames: what Teleport accepts, and nothing that could smuggle a path or a glob. */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/**
 * The Teleport user of a User entity: the `groundcrew.io/teleport-user` annotation, else the
 * configured rule applied to `spec.profile.email`; undefined when neither gives a valid name.
 */
export function teleportUserOf(
  user: Entity | undefined,
  rule: TeleportAccessConfig['users'],
): { name: string; mappedBy: 'annotation' | 'email' } | undefined {
  if (!user) return undefined;
  const annotated =
    user.metadata.annotations?.[GROUNDCREW_ANNOTATIONS.teleportUser]?.trim();
  if (annotated) {
    return USERNAME.test(annotated)
      ? { name: annotated, mappedBy: 'annotation' }
      : undefined;
  }
  if (rule.fromEmail === 'none') return undefined;
  const email = (user.spec as { profile?: { email?: unknown } } | undefined)
    ?.profile?.email;
  if (typeof email !== 'string') return undefined;
  const at = email.lastIndexOf('@');
  if (at <= 0) return undefined;
  const domain = email.slice(at + 1).toLowerCase();
  if (rule.emailDomains.length && !rule.emailDomains.includes(domain)) {
    return undefined;
  }
  const name = rule.fromEmail === 'email' ? email : email.slice(0, at);
  return USERNAME.test(name) ? { name, mappedBy: 'email' } : undefined;
}
