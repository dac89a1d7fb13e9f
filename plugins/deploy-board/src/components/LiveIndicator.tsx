import { makeStyles, Theme, Typography } from '@material-ui/core';
import { LiveState } from './useDeployBoard';

const text: Record<LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  offline: 'not live',
};

const color = (theme: Theme, state: LiveState) =>
  ({
    connecting: theme.palette.grey[500],
    live: theme.palette.success.main,
    reconnecting: theme.palette.warning.main,
    offline: theme.palette.error.main,
  }[state]);

const useStyles = makeStyles(theme => ({
  root: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.75),
  },
  dot: {
    width: 8,
    height: 8,
    borderRadius: '50%',
    backgroundColor: ({ state }: { state: LiveState }) => color(theme, state),
  },
}));

/** Whether the board on screen is still following the cluster state. */
export function LiveIndicator(props: { state: LiveState }) {
  const classes = useStyles({ state: props.state });
  return (
    <span className={classes.root} role="status" data-live={props.state}>
      <span className={classes.dot} />
      <Typography variant="caption">{text[props.state]}</Typography>
    </span>
  );
}
