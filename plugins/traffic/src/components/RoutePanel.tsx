import { useEffect, useState } from 'react';
import {
  Box,
  Button,
  Chip,
  Paper,
  Slider,
  Typography,
  makeStyles,
} from '@material-ui/core';
import { TrafficRoute } from '@groundcrew/plugin-infra-common';
import { TrafficBar } from './TrafficBar';
import { PendingChange } from './ChangeDialog';

const useStyles = makeStyles(theme => ({
  panel: { padding: theme.spacing(2) },
  controls: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginTop: theme.spacing(2),
  },
  slider: { width: 220 },
}));

export type ChangeRequester = (
  route: TrafficRoute,
  change: { canaryPercent?: number; step?: 'next' | 'rollback' },
  describe: string,
) => PendingChange;

/** One route in one cluster: its bar, and the controls that change it. */
export function RoutePanel(props: {
  route: TrafficRoute;
  /** Why the caller may not change it (no permission), when not. */
  deniedReason?: string;
  onChange: (change: PendingChange) => void;
  request: ChangeRequester;
}) {
  const classes = useStyles();
  const { route, deniedReason, onChange, request } = props;
  const current = route.canaryPercent;
  const [target, setTarget] = useState(current ?? 0);
  useEffect(() => setTarget(current ?? 0), [current]);
  const disabledReason = deniedReason ?? route.readOnlyReason;
  const disabled = Boolean(disabledReason) || current === null;
  const rules = route.rules.filter(r => r.backends.length > 0);

  return (
    <Paper
      variant="outlined"
      className={classes.panel}
      data-testid="traffic-route"
      data-route={route.route}
      data-cluster={route.cluster}
      data-canary-percent={current ?? ''}
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <Typography variant="h6" component="h3">
          {route.name}
        </Typography>
        <Chip size="small" label={route.kind} />
        <Chip size="small" variant="outlined" label={route.cluster} />
        <Typography variant="body2" color="textSecondary">
          {route.namespace}
          {route.hosts.length ? ` · ${route.hosts.join(', ')}` : ''}
        </Typography>
      </Box>
      {rules.map((rule, i) => (
        <Box key={i} mt={1.5}>
          {rules.length > 1 && (
            <Typography variant="caption">
              {rule.name ?? `rule ${i + 1}`}
            </Typography>
          )}
          <TrafficBar rule={rule} />
        </Box>
      ))}
      <Typography variant="body2" style={{ marginTop: 8 }}>
        Steps: {route.steps.map(s => `${s}%`).join(' → ')}
      </Typography>
      <div className={classes.controls}>
        <Button
          variant="contained"
          color="primary"
          disabled={disabled || route.nextStep === null}
          onClick={() =>
            onChange(
              request(
                route,
                { step: 'next' },
                `Next step: canary ${current}% → ${route.nextStep}%`,
              ),
            )
          }
        >
          {route.nextStep === null
            ? 'At 100%'
            : `Next step (${route.nextStep}%)`}
        </Button>
        <Button
          variant="outlined"
          disabled={disabled || current === 0}
          onClick={() =>
            onChange(
              request(
                route,
                { step: 'rollback' },
                `Roll back: canary ${current}% → 0%`,
              ),
            )
          }
        >
          Roll back
        </Button>
        <Box display="flex" alignItems="center" style={{ gap: 12 }}>
          <Slider
            className={classes.slider}
            value={target}
            min={0}
            max={100}
            step={1}
            valueLabelDisplay="auto"
            disabled={disabled}
            onChange={(_, v) => setTarget(v as number)}
            aria-label={`Canary share of ${route.name} in ${route.cluster}`}
          />
          <Button
            variant="outlined"
            disabled={disabled || target === current}
            onClick={() =>
              onChange(
                request(
                  route,
                  { canaryPercent: target },
                  `Set the canary: ${current}% → ${target}%`,
                ),
              )
            }
          >
            Set {target}%
          </Button>
        </Box>
      </div>
      {disabledReason && (
        <Typography
          variant="body2"
          color="textSecondary"
          style={{ marginTop: 8 }}
          data-testid="traffic-disabled-reason"
        >
          {disabledReason}
        </Typography>
      )}
    </Paper>
  );
}
