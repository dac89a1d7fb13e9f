import { useCallback, useEffect, useState } from 'react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { EntitySecretsStatus } from '@groundcrew/plugin-infra-common';
import { vaultSecretsApiRef } from '../api';

/** The current entity's secrets status, and a way to load it again. */
export function useSecretsStatus() {
  const { entity } = useEntity();
  const api = useApi(vaultSecretsApiRef);
  const [state, setState] = useState<{
    loading: boolean;
    status?: EntitySecretsStatus;
    error?: Error;
  }>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  const ref = getCompoundEntityRef(entity);
  const key = `${ref.kind}:${ref.namespace}/${ref.name}`;
  useEffect(() => {
    let cancelled = false;
    setState(s => ({ ...s, loading: true }));
    api.getStatus(getCompoundEntityRef(entity)).then(
      status => !cancelled && setState({ loading: false, status }),
      error => !cancelled && setState({ loading: false, error }),
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, attempt]);
  const retry = useCallback(() => setAttempt(a => a + 1), []);
  return { ...state, retry };
}
