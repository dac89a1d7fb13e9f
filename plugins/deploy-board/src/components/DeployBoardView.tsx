import {
  BoardClusterStatus,
  DeployBoard,
} from '@groundcrew/plugin-infra-common';
import { makeStyles, Typography } from '@material-ui/core';
import { useLayoutEffect, useMemo } from 'react';
import { ClusterBanner, isClusterOutOfDate } from './ClusterBanner';
import { EnvironmentLane } from './EnvironmentLane';
import { formatClock } from './format';
import { LiveIndicator } from './LiveIndicator';
import { PodLegend } from './PodGrid';
import { countPods, markBoardRendered } from './renderTiming';
import { SelectorEmptyState } from './SelectorEmptyState';
import { LiveState } from './useDeployBoard';

const useStyles = makeStyles(theme => ({
  root: { display: 'flex', flexDirection: 'column', gap: theme.spacing(2) },
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
    flexWrap: 'wrap',
  },
  meta: { display: 'flex', alignItems: 'center', gap: theme.spacing(2) },
}));

/** The board itself: one lane per environment; the caller handles loading and errors. */
export function DeployBoardView(props: {
  board: DeployBoard;
  live: LiveState;
}) {
  const { board, live } = props;
  const classes = useStyles();

  const { byName, byEnvironment, elsewhere } = useMemo(() => {
    const environments = new Set(board.environments.map(e => e.name));
    const grouped = new Map<string, BoardClusterStatus[]>();
    for (const cluster of board.clusters) {
      grouped.set(cluster.environment, [
        ...(grouped.get(cluster.environment) ?? []),
        cluster,
      ]);
    }
    return {
      byName: new Map(board.clusters.map(c => [c.name, c])),
      byEnvironment: grouped,
      // An out-of-date cluster whose environment has no lane still deserves a banner.
      elsewhere: board.clusters.filter(
        c => !environments.has(c.environment) && isClusterOutOfDate(c),
      ),
    };
  }, [board]);

  useLayoutEffect(() => markBoardRendered(board), [board]);

  const pods = useMemo(() => countPods(board), [board]);

  return (
    <div
      className={classes.root}
      data-board-revision={board.revision}
      data-pod-count={pods}
    >
      <div className={classes.toolbar}>
        <PodLegend />
        <div className={classes.meta}>
          <Typography variant="caption" color="textSecondary">
            {pods} pods · revision {board.revision} · as of{' '}
            {formatClock(board.generatedAt) ?? board.generatedAt}
          </Typography>
          <LiveIndicator state={live} />
        </div>
      </div>
      {elsewhere.map(cluster => (
        <ClusterBanner key={cluster.name} cluster={cluster} />
      ))}
      {board.environments.length === 0 ? (
        <SelectorEmptyState selector={board.selector} />
      ) : (
        board.environments.map(environment => (
          <EnvironmentLane
            key={environment.name}
            environment={environment}
            clusters={byEnvironment.get(environment.name) ?? []}
            clustersByName={byName}
          />
        ))
      )}
    </div>
  );
}
