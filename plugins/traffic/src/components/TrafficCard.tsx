import { Box, Typography } from '@material-ui/core';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../routes';
import { useTraffic } from './useTraffic';

/** The tab's link, wherever the app mounts it; undefined on a page without the tab. */
function useTabLink(): string | undefined {
  try {
    return useRouteRef(rootRouteRef)();
  } catch {
    return undefined;
  }
}
import { TrafficBar } from './TrafficBar';

/** The overview card: each route's canary share, live; the tab has the controls. */
export function TrafficCard() {
  const { view, error } = useTraffic();
  const tabLink = useTabLink();
  return (
    <InfoCard
      title="Traffic"
      subheader="Stable / canary share per route and cluster"
      deepLink={tabLink ? { title: 'Open traffic', link: tabLink } : undefined}
    >
      {error && !view && <ResponseErrorPanel error={error} />}
      {!error && !view && <Progress />}
      {view && view.routes.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No routes found for this entity.
        </Typography>
      )}
      {view?.routes.map(route => (
        <Box
          key={`${route.cluster}/${route.route}`}
          mb={1.5}
          data-testid="traffic-card-route"
        >
          <Typography variant="body2">
            {route.name} · {route.cluster}
            {route.canaryPercent !== null
              ? ` · canary ${route.canaryPercent}%`
              : ''}
          </Typography>
          {route.rules[0] && <TrafficBar rule={route.rules[0]} dense />}
        </Box>
      ))}
    </InfoCard>
  );
}
