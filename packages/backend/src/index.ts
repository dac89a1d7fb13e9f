/*
 * The Groundcrew portal backend (new backend system).
 *
 * Outside systems are configured in app-config.yaml; the embedded default points every one of them
 * at packages/sandbox, which `yarn start` runs beside this backend.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  createRootLoggerServiceFactory,
  gcpServiceFactory,
  kubernetesFleetServiceFactory,
  teleportServiceFactory,
  vaultServiceFactory,
} from '@groundcrew/plugin-infra-node';

const backend = createBackend();

// The default root logger, with the config schema (for redacting secrets) read from the file
// `tools/yarn config-schema` writes at build time, so no TypeScript is loaded at run time. Unset
// (as under `yarn start`), the schema is compiled at start as usual.
backend.add(
  createRootLoggerServiceFactory({
    schemaFile: process.env.GROUNDCREW_CONFIG_SCHEMA,
  }),
);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Sign-in through any OpenID Connect provider (the sandbox's under `yarn start`, Dex or another in
// production), resolved to the user entity whose spec.profile.email is the person's email.
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// GCP projects, Kubernetes clusters and Runway services as catalog entities.
backend.add(import('@groundcrew/plugin-catalog-backend-module-infra'));

// The catalog subscribes to events; without this it logs that the events backend is missing.
backend.add(import('@backstage/plugin-events-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@groundcrew/plugin-permission-backend-module-groundcrew'));

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));
// gcp:project:create and gke:cluster:create
backend.add(import('@groundcrew/plugin-scaffolder-backend-module-gcp'));
// runway:manifest:validate and runway:service:create
backend.add(import('@groundcrew/plugin-scaffolder-backend-module-runway'));

backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));
// Infrastructure in search: services, clusters, GCP projects, Vault paths (names only).
backend.add(import('@groundcrew/plugin-search-backend-module-infra'));

backend.add(import('@backstage/plugin-techdocs-backend'));
backend.add(import('@backstage/plugin-user-settings-backend'));

// Groundcrew's client layer: the fleet is built (and its config checked) at start-up.
backend.add(kubernetesFleetServiceFactory);
backend.add(gcpServiceFactory);
backend.add(import('@groundcrew/plugin-deploy-board-backend'));
backend.add(import('@groundcrew/plugin-traffic-backend'));
// Vault's config is checked at start-up; the Secrets tab reads metadata only.
backend.add(vaultServiceFactory);
backend.add(import('@groundcrew/plugin-vault-secrets-backend'));
// Teleport's config is checked at start-up; the Access tab asks Teleport for write access.
backend.add(teleportServiceFactory);
backend.add(import('@groundcrew/plugin-teleport-access-backend'));
backend.add(import('@groundcrew/plugin-infra-backend'));

backend.start();
