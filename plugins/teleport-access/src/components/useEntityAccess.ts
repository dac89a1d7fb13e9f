import { useCallback, useEffect, useRef, useState } from 'react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { EntityAccessView } from '@groundcrew/plugin-infra-common';
import { teleportAccessApiRef } from '../api';

/** How often the tab asks again by itself (a reviewer may approve meanwhile). */
export const REFRESH_MS = 10_000;

/** The current entity's access view, refreshed every {@link REFRESH_MS}, and a way to reload it. */
export function useEntityAccess(refreshMs = REFRESH_MS) {
  const { entity } = useEntity();
  const api = useApi(teleportAccessApiRef);
  const [state, setState] = useState<{
    loading: boolean;
    view?: EntityAccessView;
    error?: Error;
  }>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  const ref = getCompoundEntityRef(entity);
  const key = `${ref.kind}:${ref.namespace}/${ref.name}`;
  const latest = useRef(0);
  useEffect(() => {
    const call = ++latest.current;
    api.getAccess(getCompoundEntityRef(entity)).then(
      view => call === latest.current && setState({ loading: false, view }),
      error =>
        call === latest.current &&
        setState(s => ({ loading: false, error, view: s.view })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, attempt]);
  useEffect(() => {
    const timer = setInterval(() => setAttempt(a => a + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  const reload = useCallback(() => setAttempt(a => a + 1), []);
  return { ...state, reload };
}
