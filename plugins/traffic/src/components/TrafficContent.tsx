import { useCallback, useState } from 'react';
import { Box, Chip, Grid, Typography } from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { TrafficRoute } from '@groundcrew/plugin-infra-common';
import { trafficApiRef } from '../api';
import { useTraffic } from './useTraffic';
import { RoutePanel, ChangeRequester } from './RoutePanel';
import { ChangeDialog, PendingChange } from './ChangeDialog';
import { WeightChart } from './WeightChart';
import { HistoryTable } from './HistoryTable';

const DENIED =
  'You may not change this traffic: only the owners of this entity and the platform team may.';

/** The Traffic tab. */
export function TrafficContent() {
  const api = useApi(trafficApiRef);
  const { entityRef, view, history, error, live, refreshHistory } =
    useTraffic();
  const [pending, setPending] = useState<PendingChange>();
  const [notice, setNotice] = useState<string>();

  const request: ChangeRequester = useCallback(
    (route: TrafficRoute, change, describe) => ({
      title: `Change traffic of ${route.name} in ${route.cluster}`,
      description: `${describe} (${route.kind} ${route.namespace}/${route.name}).`,
      submit: async (reason: string) => {
        const result = await api.change(entityRef, {
          route: route.route,
          cluster: route.cluster,
          reason,
          resourceVersion: route.resourceVersion,
          ...change,
        });
        const outcome = result.outcomes[0];
        setNotice(
          outcome.status === 'changed'
            ? `${route.name} in ${route.cluster}: canary ${outcome.before}% → ${outcome.after}%`
            : `${route.name} in ${route.cluster}: nothing to change`,
        );
        refreshHistory();
      },
    }),
    [api, entityRef, refreshHistory],
  );

  if (error && !view) return <ResponseErrorPanel error={error} />;
  if (!view) return <Progress />;

  const troubled = view.clusters.filter(c => c.state !== 'ok');
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <Chip
            size="small"
            color={live ? 'primary' : 'default'}
            label={live ? 'Live' : 'Reconnecting…'}
            data-testid="traffic-live"
          />
          {notice && (
            <Typography variant="body2" role="status">
              {notice}
            </Typography>
          )}
        </Box>
      </Grid>
      {troubled.length > 0 && (
        <Grid item xs={12}>
          <WarningPanel
            severity="warning"
            title={`Some clusters are not up to date: ${troubled
              .map(c => c.name)
              .join(', ')}`}
          >
            {troubled.map(c => (
              <Typography key={c.name} variant="body2">
                {c.name}: {c.state}
                {c.message ? ` — ${c.message}` : ''}
                {c.lastSeen
                  ? ` (last seen ${new Date(c.lastSeen).toLocaleTimeString()})`
                  : ''}
              </Typography>
            ))}
          </WarningPanel>
        </Grid>
      )}
      {!view.canUpdate && (
        <Grid item xs={12}>
          <Typography
            variant="body2"
            color="textSecondary"
            data-testid="traffic-denied"
          >
            {DENIED}
          </Typography>
        </Grid>
      )}
      {view.routes.length === 0 ? (
        <Grid item xs={12}>
          <EmptyState
            missing="data"
            title="No routes found"
            description="No HTTPRoute, VirtualService, ingress-nginx Ingress or Cloud Run service of this entity was found in the fleet."
          />
        </Grid>
      ) : (
        view.routes.map(route => (
          <Grid item xs={12} lg={6} key={`${route.cluster}/${route.route}`}>
            <RoutePanel
              route={route}
              deniedReason={view.canUpdate ? undefined : DENIED}
              onChange={setPending}
              request={request}
            />
          </Grid>
        ))
      )}
      <Grid item xs={12}>
        <InfoCard title="Canary share over time">
          <WeightChart routes={view.routes} history={history} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="History">
          <HistoryTable history={history} />
        </InfoCard>
      </Grid>
      <ChangeDialog change={pending} onClose={() => setPending(undefined)} />
    </Grid>
  );
}
