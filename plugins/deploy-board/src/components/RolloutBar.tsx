import { makeStyles, Typography } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  bar: {
    position: 'relative',
    height: 8,
    borderRadius: 4,
    overflow: 'hidden',
    backgroundColor: theme.palette.action.hover,
  },
  updated: {
    position: 'absolute',
    inset: 0,
    right: 'auto',
    backgroundColor: theme.palette.success.light,
    opacity: 0.45,
  },
  ready: {
    position: 'absolute',
    inset: 0,
    right: 'auto',
    backgroundColor: theme.palette.success.main,
  },
}));

const width = (part: number, whole: number) =>
  `${whole > 0 ? Math.min(100, (100 * part) / whole) : 0}%`;

/** Ready pods over desired, with the updated ones as a lighter band behind them. */
export function RolloutBar(props: {
  desired: number;
  updated: number;
  ready: number;
}) {
  const { desired, updated, ready } = props;
  const classes = useStyles();
  return (
    <div>
      <div
        className={classes.bar}
        role="progressbar"
        aria-label="ready pods"
        aria-valuemin={0}
        aria-valuemax={desired}
        aria-valuenow={ready}
      >
        <div
          className={classes.updated}
          style={{ width: width(updated, desired) }}
        />
        <div
          className={classes.ready}
          style={{ width: width(ready, desired) }}
        />
      </div>
      <Typography variant="caption" color="textSecondary">
        {`${ready} / ${desired} ready · ${updated} updated`}
      </Typography>
    </div>
  );
}
