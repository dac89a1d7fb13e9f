import {
  BoardClusterStatus,
  BoardEnvironment,
} from '@groundcrew/plugin-infra-common';
import { makeStyles, Paper, Typography } from '@material-ui/core';
import { ClusterBanner, isClusterOutOfDate } from './ClusterBanner';
import { ClusterStateChip } from './ClusterStateChip';
import { TrackBox } from './TrackBox';

const useStyles = makeStyles(theme => ({
  lane: {
    padding: theme.spacing(2),
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
  },
  heading: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  stage: { display: 'flex', flexDirection: 'column', gap: theme.spacing(1) },
  tracks: {
    display: 'flex',
    gap: theme.spacing(1.5),
    alignItems: 'flex-start',
    flexWrap: 'wrap',
  },
}));

export function EnvironmentLane(props: {
  environment: BoardEnvironment;
  /** The clusters of this environment. */
  clusters: BoardClusterStatus[];
  clustersByName: Map<string, BoardClusterStatus>;
}) {
  const { environment, clusters, clustersByName } = props;
  const classes = useStyles();
  return (
    <Paper
      component="section"
      className={classes.lane}
      aria-label={`environment ${environment.name}`}
      data-environment={environment.name}
    >
      <div className={classes.heading}>
        <Typography variant="h5" component="h2">
          {environment.name}
        </Typography>
        {clusters.map(cluster => (
          <ClusterStateChip key={cluster.name} cluster={cluster} />
        ))}
      </div>
      {clusters.filter(isClusterOutOfDate).map(cluster => (
        <ClusterBanner key={cluster.name} cluster={cluster} />
      ))}
      {environment.stages.map(stage => (
        <div key={stage.name} className={classes.stage} data-stage={stage.name}>
          <Typography variant="subtitle2" component="h3">
            stage {stage.name}
          </Typography>
          <div className={classes.tracks}>
            {stage.tracks.map(track => (
              <TrackBox
                key={track.name}
                track={track}
                clusters={clustersByName}
              />
            ))}
          </div>
        </div>
      ))}
    </Paper>
  );
}
