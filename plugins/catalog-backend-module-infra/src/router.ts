import express from 'express';
import Router from 'express-promise-router';
import type { InfraProviderStatus } from './provider/GroundcrewInfraEntityProvider';

/**
 * The provider's status under the catalog's routes: `GET /api/catalog/groundcrew-infra/status`.
 * Behind the catalog's default auth (a user or a service); it says which sources answer, never
 * anything a source returned.
 */
export async function createRouter(options: {
  status: () => InfraProviderStatus;
}): Promise<express.Router> {
  const router = Router();
  router.get('/groundcrew-infra/status', (_req, res) => {
    res.json(options.status());
  });
  return router;
}
