import { BoardClusterStatus } from '@groundcrew/plugin-infra-common';
import { alpha, makeStyles, Typography } from '@material-ui/core';
import WarningIcon from '@material-ui/icons/Warning';
import ErrorIcon from '@material-ui/icons/Error';
import { formatClock } from './format';

const useStyles = makeStyles(theme => ({
  banner: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 1.5),
    borderRadius: theme.shape.borderRadius,
  },
  unreachable: {
    border: `1px solid ${theme.palette.error.main}`,
    backgroundColor: alpha(theme.palette.error.main, 0.1),
    '& svg': { color: theme.palette.error.main },
  },
  stale: {
    border: `1px solid ${theme.palette.warning.main}`,
    backgroundColor: alpha(theme.palette.warning.main, 0.12),
    '& svg': { color: theme.palette.warning.dark },
  },
}));

export function isClusterOutOfDate(cluster: BoardClusterStatus) {
  return cluster.state === 'unreachable' || cluster.state === 'stale';
}

export function clusterBannerText(cluster: BoardClusterStatus): string {
  const since = formatClock(cluster.lastSeen);
  const state =
    cluster.state === 'stale' ? 'stale (reconnecting)' : 'unreachable';
  if (!since) {
    return `cluster ${cluster.name} ${state} — it has not answered yet, so nothing is shown for it`;
  }
  return `cluster ${cluster.name} ${state} since ${since} — showing what was last seen`;
}

/** Says plainly that one cluster's part of the board is old, while the rest is live. */
export function ClusterBanner(props: { cluster: BoardClusterStatus }) {
  const { cluster } = props;
  const classes = useStyles();
  const unreachable = cluster.state === 'unreachable';
  return (
    <div
      role="alert"
      className={`${classes.banner} ${
        unreachable ? classes.unreachable : classes.stale
      }`}
    >
      {unreachable ? (
        <ErrorIcon fontSize="small" />
      ) : (
        <WarningIcon fontSize="small" />
      )}
      <Typography variant="body2">
        {clusterBannerText(cluster)}
        {cluster.message && (
          <Typography component="span" variant="body2" color="textSecondary">
            {' '}
            ({cluster.message})
          </Typography>
        )}
      </Typography>
    </div>
  );
}
