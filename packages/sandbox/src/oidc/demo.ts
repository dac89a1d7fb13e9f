import type { OidcClient, OidcUser } from './store';

/** The client the embedded default's app-config.yaml names (`auth.providers.oidc.development`). */
export const DEMO_OIDC_CLIENT_ID = 'groundcrew-portal';
/** Its secret: the sandbox accepts it; it guards nothing real. */
export const DEMO_OIDC_CLIENT_SECRET = 'groundcrew-sandbox-oidc-secret';

/**
 * The demo people, one per user entity of `examples/org.yaml` (matched by
 * `spec.profile.email`): demo (team-ai), casey (team-commerce), pat (platform).
 */
export const DEMO_OIDC_USERS: OidcUser[] = [
  {
    sub: 'demo',
    email: 'demo@groundcrew.example',
    name: 'Demo User',
    preferredUsername: 'demo',
    groups: ['team-ai'],
  },
  {
    sub: 'casey',
    email: 'casey@groundcrew.example',
    name: 'Casey Commerce',
    preferredUsername: 'casey',
    groups: ['team-commerce'],
  },
  {
    sub: 'pat',
    email: 'pat@groundcrew.example',
    name: 'Pat Platform',
    preferredUsername: 'pat',
    groups: ['platform'],
  },
];

export function demoOidcClient(
  clientId = DEMO_OIDC_CLIENT_ID,
  clientSecret = DEMO_OIDC_CLIENT_SECRET,
): OidcClient {
  // No redirect URIs: any loopback callback is accepted, so the portal may run on any port.
  return { clientId, clientSecret, name: 'Groundcrew portal' };
}
