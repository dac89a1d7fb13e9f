import { RolloutState } from '@groundcrew/plugin-infra-common';
import { Chip, makeStyles } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  complete: {
    color: theme.palette.success.dark,
    borderColor: theme.palette.success.main,
  },
  progressing: {
    color: theme.palette.info.dark,
    borderColor: theme.palette.info.main,
  },
  stalled: {
    color: theme.palette.error.contrastText,
    backgroundColor: theme.palette.error.main,
    borderColor: theme.palette.error.main,
  },
}));

export function RolloutChip(props: { state: RolloutState; reason?: string }) {
  const classes = useStyles();
  // A complete rollout's reason (NewReplicaSetAvailable) says nothing worth the space.
  const label =
    props.reason && props.state !== 'complete'
      ? `${props.state}: ${props.reason}`
      : props.state;
  return (
    <Chip
      size="small"
      variant="outlined"
      label={label}
      className={classes[props.state]}
      data-rollout={props.state}
    />
  );
}
