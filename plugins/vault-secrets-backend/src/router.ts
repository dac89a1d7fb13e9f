import express from 'express';
import Router from 'express-promise-router';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { VaultSecretsService } from './service/VaultSecretsService';

export async function createRouter(options: {
  secrets: VaultSecretsService;
  httpAuth: HttpAuthService;
}): Promise<express.Router> {
  const { secrets, httpAuth } = options;
  const router = Router();

  router.get('/secrets/:namespace/:kind/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { namespace, kind, name } = req.params;
    const status = await secrets.status(
      stringifyEntityRef({ kind, namespace, name }),
      credentials,
    );
    res.setHeader('Cache-Control', 'private, no-store');
    res.json(status);
  });

  return router;
}
