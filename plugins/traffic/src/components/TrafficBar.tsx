import { Box, makeStyles, Tooltip, Typography } from '@material-ui/core';
import { TrafficRule } from '@groundcrew/plugin-infra-common';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    height: 28,
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
    background: theme.palette.action.hover,
  },
  segment: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    color: theme.palette.common.white,
    fontSize: 12,
    fontWeight: 600,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    transition: 'width 300ms ease',
  },
  stable: { background: theme.palette.primary.main },
  canary: { background: theme.palette.warning.dark },
}));

/** The shares of one rule's backends as a bar: stable backends, then the canary. */
export function TrafficBar(props: { rule: TrafficRule; dense?: boolean }) {
  const classes = useStyles();
  const { rule, dense } = props;
  return (
    <Box>
      <div
        className={classes.bar}
        role="img"
        aria-label={rule.backends
          .map(b => `${b.name} ${b.percent}%`)
          .join(', ')}
      >
        {rule.backends.map(b => (
          <Tooltip
            key={`${b.name}/${b.subset ?? ''}`}
            title={`${b.name}: ${b.percent}% (weight ${b.weight})`}
          >
            <div
              className={`${classes.segment} ${
                b.canary ? classes.canary : classes.stable
              }`}
              style={{ width: `${b.percent}%` }}
              data-backend={b.name}
              data-canary={b.canary}
            >
              {b.percent >= 8
                ? `${b.canary ? 'canary' : 'stable'} ${b.percent}%`
                : ''}
            </div>
          </Tooltip>
        ))}
      </div>
      {!dense && (
        <Box display="flex" justifyContent="space-between" mt={0.5}>
          {rule.backends.map(b => (
            <Typography
              key={`${b.name}/${b.subset ?? ''}`}
              variant="caption"
              color="textSecondary"
            >
              {b.canary ? 'canary' : 'stable'} {b.name}
              {b.subset ? ` (${b.subset})` : ''}: <strong>{b.percent}%</strong>
            </Typography>
          ))}
        </Box>
      )}
    </Box>
  );
}
