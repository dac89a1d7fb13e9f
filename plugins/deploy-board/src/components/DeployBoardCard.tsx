import { getCompoundEntityRef } from '@backstage/catalog-model';
import { InfoCard, Progress } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useMemo } from 'react';
import { rootRouteRef } from '../routes';
import { BoardErrorPanel } from './BoardErrorPanel';
import { percent } from './format';
import { LiveIndicator } from './LiveIndicator';
import { RolloutBar } from './RolloutBar';
import { RolloutChip } from './RolloutChip';
import { summarizeEnvironment } from './summarizeEnvironment';
import { useDeployBoard } from './useDeployBoard';

const useStyles = makeStyles(theme => ({
  bar: { minWidth: 120 },
  warning: { color: theme.palette.error.main },
}));

/**
 * The link to the deploy board tab of the current entity, wherever the app mounts the tab; undefined
 * on a page that has no such tab (useRouteRef throws for a route that is not mounted). Every hook
 * inside useRouteRef runs before it can throw, so the hook order stays the same.
 */
function useTabLink(): string | undefined {
  try {
    return useRouteRef(rootRouteRef)();
  } catch {
    return undefined;
  }
}

/** The overview card: one row per environment, linking to the tab. */
export function DeployBoardCard() {
  const { entity } = useEntity();
  const classes = useStyles();
  const tabLink = useTabLink();
  const { loading, board, error, live } = useDeployBoard(
    getCompoundEntityRef(entity),
  );
  const summaries = useMemo(
    () =>
      board?.environments.map(environment =>
        summarizeEnvironment(environment, board.clusters),
      ) ?? [],
    [board],
  );

  let content;
  if (board && summaries.length === 0) {
    content = (
      <Typography variant="body2">
        No workloads match this entity's annotations (
        <code>{board.selector.labelSelector}</code>).
      </Typography>
    );
  } else if (board) {
    content = (
      <Table size="small" aria-label="deploy board summary">
        <TableHead>
          <TableRow>
            <TableCell>environment</TableCell>
            <TableCell>ready</TableCell>
            <TableCell>rollout</TableCell>
            <TableCell>canary share</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {summaries.map(summary => (
            <TableRow key={summary.name} data-environment={summary.name}>
              <TableCell>
                {summary.name}
                {summary.troubledClusters.map(cluster => (
                  <Typography
                    key={cluster.name}
                    variant="caption"
                    component="div"
                    className={classes.warning}
                  >
                    {cluster.name} {cluster.state}
                  </Typography>
                ))}
              </TableCell>
              <TableCell className={classes.bar}>
                <RolloutBar
                  desired={summary.desired}
                  updated={summary.updated}
                  ready={summary.ready}
                />
              </TableCell>
              <TableCell>
                <RolloutChip state={summary.rollout} />
              </TableCell>
              <TableCell>
                {summary.canaryShare === undefined
                  ? '—'
                  : percent(summary.canaryShare)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  } else if (error) {
    content = <BoardErrorPanel error={error} />;
  } else if (loading) {
    content = <Progress />;
  }

  return (
    <InfoCard
      title="Deploy board"
      action={board ? <LiveIndicator state={live} /> : undefined}
      deepLink={
        tabLink ? { title: 'Open the deploy board', link: tabLink } : undefined
      }
    >
      {content}
    </InfoCard>
  );
}
