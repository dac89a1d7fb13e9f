import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { TeleportAccessService } from './service/TeleportAccessService';

/** Maps HTTP to the Access service: every route needs a signed-in user. */
export async function createRouter(options: {
  access: TeleportAccessService;
  httpAuth: HttpAuthService;
}): Promise<express.Router> {
  const { access, httpAuth } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/access/:namespace/:kind/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { namespace, kind, name } = req.params;
    res.json(
      await access.getAccess(
        stringifyEntityRef({ kind, namespace, name }),
        credentials,
      ),
    );
  });

  router.post('/requests', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.status(201).json(await access.createRequest(req.body, credentials));
  });

  router.post('/requests/:id/reviews', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await access.review(req.params.id, req.body, credentials));
  });

  return router;
}
