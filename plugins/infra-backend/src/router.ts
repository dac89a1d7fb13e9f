import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  infraEntityRef,
  runwayManifestJsonSchema,
} from '@groundcrew/plugin-infra-common';
import { ClusterOverviewService } from './service/ClusterOverviewService';
import { EntityReadGuard } from './service/EntityReadGuard';
import { FleetLookupService } from './service/FleetLookupService';
import { GcpLookupService } from './service/GcpLookupService';
import { ProjectOverviewService } from './service/ProjectOverviewService';

/** A query parameter given at most once, as text; InputError naming it otherwise. */
function queryString(req: express.Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`Query parameter ${name} must be given once, as text`);
  }
  return value;
}

function queryBoolean(req: express.Request, name: string): boolean | undefined {
  const value = queryString(req, name);
  if (value === undefined || value === '') return undefined;
  if (value !== 'true' && value !== 'false') {
    throw new InputError(
      `Query parameter ${name} must be true or false, got "${value}"`,
    );
  }
  return value === 'true';
}

function queryInteger(req: express.Request, name: string): number | undefined {
  const value = queryString(req, name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) {
    throw new InputError(
      `Query parameter ${name} must be a whole number, got "${value}"`,
    );
  }
  return Number(value);
}

export async function createRouter(options: {
  lookups: GcpLookupService;
  fleet: FleetLookupService;
  clusterOverviews: ClusterOverviewService;
  projectOverviews: ProjectOverviewService;
  entityReads: EntityReadGuard;
  httpAuth: HttpAuthService;
}): Promise<express.Router> {
  const {
    lookups,
    fleet,
    clusterOverviews,
    projectOverviews,
    entityReads,
    httpAuth,
  } = options;
  const router = Router();

  // The Runway manifest's JSON Schema, for editors: a manifest's `# yaml-language-server: $schema=`
  // header points here, and editors fetch it without signing in (the plugin allows it).
  const schema = runwayManifestJsonSchema();
  router.get('/runway/schema.json', (_req, res) => {
    res.type('application/schema+json').json(schema);
  });

  // Every lookup is for a signed-in person filling in a template, or for another backend.
  router.use(async (req, _res, next) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    next();
  });

  router.get('/gcp/projects/:projectId/availability', async (req, res) => {
    res.json(await lookups.projectIdAvailability(req.params.projectId));
  });

  router.get('/gcp/projects', async (req, res) => {
    const items = await lookups.searchProjects({
      query: queryString(req, 'query'),
      limit: queryInteger(req, 'limit'),
      includeInactive: queryBoolean(req, 'includeInactive'),
    });
    res.json({ items });
  });

  router.get('/gcp/projects/:projectId/clusters', async (req, res) => {
    const items = await lookups.listClusters({
      projectId: req.params.projectId,
      location: queryString(req, 'location') || undefined,
    });
    res.json({ items });
  });

  router.get('/gcp/regions', async (_req, res) => {
    res.json({ items: lookups.regions() });
  });

  router.get('/gcp/billing-accounts', async (_req, res) => {
    res.json({ items: await lookups.listBillingAccounts() });
  });

  router.get('/fleet/clusters', async (_req, res) => {
    res.json({ items: await fleet.listClusters() });
  });

  // The entity pages of clusters and projects: shown to whom the catalog shows the cluster's or
  // project's entity (the entity provider's ref), asked before anything of it is read.
  router.get('/clusters/:name/overview', async (req, res) => {
    const { name } = req.params;
    await entityReads.check({
      credentials: await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      }),
      entityRef: infraEntityRef.cluster(name),
      what: `the overview of cluster ${name}`,
    });
    res.json(
      await clusterOverviews.overview({
        name,
        projectId: queryString(req, 'project') || undefined,
        location: queryString(req, 'location') || undefined,
      }),
    );
  });

  router.get('/gcp/projects/:projectId/overview', async (req, res) => {
    const { projectId } = req.params;
    await entityReads.check({
      credentials: await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      }),
      entityRef: infraEntityRef.project(projectId),
      what: `the overview of GCP project ${projectId}`,
    });
    res.json(await projectOverviews.overview(projectId));
  });

  return router;
}
