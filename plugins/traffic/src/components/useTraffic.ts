import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  TrafficChangeRecord,
  TrafficView,
} from '@groundcrew/plugin-infra-common';
import { trafficApiRef } from '../api';

/** A signature of the routes' versions: when it moves, the history may have grown. */
const versions = (view?: TrafficView) =>
  (view?.routes ?? [])
    .map(r => `${r.cluster}/${r.route}@${r.resourceVersion}`)
    .join(',');

/**
 * The entity's traffic, kept live: the first view by a GET, then every view the stream sends; the
 * history is read again whenever a route changes (here, by kubectl, or through another replica).
 */
export function useTraffic() {
  const { entity } = useEntity();
  const api = useApi(trafficApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [view, setView] = useState<TrafficView>();
  const [history, setHistory] = useState<TrafficChangeRecord[]>([]);
  const [error, setError] = useState<Error>();
  const [live, setLive] = useState(false);
  const seen = useRef('');

  const refreshHistory = useCallback(() => {
    api.getHistory(entityRef).then(setHistory, setError);
  }, [api, entityRef]);

  const accept = useCallback(
    (next: TrafficView) => {
      setView(next);
      setError(undefined);
      const signature = versions(next);
      if (signature !== seen.current) {
        seen.current = signature;
        refreshHistory();
      }
    },
    [refreshHistory],
  );

  useEffect(() => {
    const controller = new AbortController();
    api.getView(entityRef).then(
      v => !controller.signal.aborted && accept(v),
      e => !controller.signal.aborted && setError(e),
    );
    api
      .streamView(entityRef, {
        signal: controller.signal,
        onView: v => {
          setLive(true);
          accept(v);
        },
        onError: () => setLive(false),
      })
      .catch(() => setLive(false));
    return () => controller.abort();
  }, [api, entityRef, accept]);

  return { entityRef, view, history, error, live, refreshHistory };
}
