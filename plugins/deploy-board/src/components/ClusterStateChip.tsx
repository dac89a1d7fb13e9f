import { BoardClusterStatus } from '@groundcrew/plugin-infra-common';
import { Chip, makeStyles, Theme } from '@material-ui/core';

const dotColor = (theme: Theme, state: BoardClusterStatus['state']) =>
  ({
    ok: theme.palette.success.main,
    syncing: theme.palette.info.main,
    stale: theme.palette.warning.main,
    unreachable: theme.palette.error.main,
  }[state]);

const useStyles = makeStyles(theme => ({
  dot: {
    width: 8,
    height: 8,
    borderRadius: '50%',
    marginLeft: theme.spacing(1),
    backgroundColor: ({ state }: { state: BoardClusterStatus['state'] }) =>
      dotColor(theme, state),
  },
}));

export function ClusterStateChip(props: { cluster: BoardClusterStatus }) {
  const { cluster } = props;
  const classes = useStyles({ state: cluster.state });
  const where = cluster.region ? ` (${cluster.region})` : '';
  return (
    <Chip
      size="small"
      variant="outlined"
      icon={<span className={classes.dot} />}
      label={`${cluster.name}${where}: ${cluster.state}`}
      data-cluster-state={cluster.state}
    />
  );
}
