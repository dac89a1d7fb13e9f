import {
  BoardClusterStatus,
  BoardTrack,
} from '@groundcrew/plugin-infra-common';
import { alpha, makeStyles, Typography } from '@material-ui/core';
import { percent } from './format';
import { DeploymentPanel } from './DeploymentPanel';

const useStyles = makeStyles(theme => ({
  track: {
    flex: '1 1 360px',
    minWidth: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${theme.palette.divider}`,
  },
  canary: {
    flexGrow: 0.6,
    border: `2px solid ${theme.palette.warning.main}`,
    backgroundColor: alpha(theme.palette.warning.main, 0.08),
  },
  label: { fontWeight: 600 },
  canaryLabel: { color: theme.palette.warning.dark },
}));

export function TrackBox(props: {
  track: BoardTrack;
  clusters: Map<string, BoardClusterStatus>;
}) {
  const { track, clusters } = props;
  const classes = useStyles();
  const isCanary = track.name === 'canary';
  const label = `${track.name} — ${percent(track.podShare)} of pods`;
  return (
    <section
      className={`${classes.track} ${isCanary ? classes.canary : ''}`}
      aria-label={label}
      data-track={track.name}
    >
      <Typography
        variant="overline"
        className={`${classes.label} ${isCanary ? classes.canaryLabel : ''}`}
      >
        {label}
      </Typography>
      {track.deployments.map(deployment => (
        <DeploymentPanel
          key={`${deployment.cluster}/${deployment.namespace}/${deployment.name}`}
          deployment={deployment}
          cluster={clusters.get(deployment.cluster)}
        />
      ))}
    </section>
  );
}
