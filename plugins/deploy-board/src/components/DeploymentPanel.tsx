import {
  BoardClusterStatus,
  BoardDeployment,
} from '@groundcrew/plugin-infra-common';
import { Box, makeStyles, Typography } from '@material-ui/core';
import { FluxStatusList } from './FluxStatusList';
import { formatClock } from './format';
import { PodGrid } from './PodGrid';
import { RolloutBar } from './RolloutBar';
import { RolloutChip } from './RolloutChip';

const useStyles = makeStyles(theme => ({
  panel: {
    padding: theme.spacing(1, 1.5),
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.paper,
    border: `1px solid ${theme.palette.divider}`,
  },
  outOfDate: { opacity: 0.6 },
  header: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  title: { fontWeight: 600, wordBreak: 'break-all' },
  counts: { display: 'flex', gap: theme.spacing(1.5), flexWrap: 'wrap' },
  images: {
    fontFamily: 'monospace',
    fontSize: '0.75rem',
    color: theme.palette.text.secondary,
    wordBreak: 'break-all',
  },
}));

export function DeploymentPanel(props: {
  deployment: BoardDeployment;
  cluster?: BoardClusterStatus;
}) {
  const { deployment: d, cluster } = props;
  const classes = useStyles();
  const outOfDate =
    cluster && (cluster.state === 'stale' || cluster.state === 'unreachable');
  return (
    <section
      className={`${classes.panel} ${outOfDate ? classes.outOfDate : ''}`}
      aria-label={`${d.cluster}/${d.namespace}/${d.name}`}
    >
      <div className={classes.header}>
        <Typography variant="body2" className={classes.title}>
          {`${d.cluster} / ${d.namespace} / ${d.name}`}
        </Typography>
        <RolloutChip state={d.rollout} reason={d.rolloutReason} />
      </div>
      {outOfDate && (
        <Typography variant="caption" color="error" component="div">
          {`as last seen${
            cluster.lastSeen ? ` at ${formatClock(cluster.lastSeen)}` : ''
          }: cluster ${cluster.state}`}
        </Typography>
      )}
      <div className={classes.counts}>
        {(['desired', 'updated', 'ready', 'available'] as const).map(key => (
          <Typography key={key} variant="caption">
            {key} <strong>{d[key]}</strong>
          </Typography>
        ))}
        {d.version && (
          <Typography variant="caption">
            version <strong>{d.version}</strong>
          </Typography>
        )}
      </div>
      <RolloutBar desired={d.desired} updated={d.updated} ready={d.ready} />
      <PodGrid
        pods={d.pods}
        place={{
          cluster: d.cluster,
          namespace: d.namespace,
          deployment: d.name,
        }}
      />
      {d.images.length > 0 && (
        <Box className={classes.images}>
          {d.images.map(image => (
            <div key={image}>{image}</div>
          ))}
        </Box>
      )}
      {d.flux && d.flux.length > 0 && <FluxStatusList flux={d.flux} />}
    </section>
  );
}
