import { BoardFluxStatus } from '@groundcrew/plugin-infra-common';
import { makeStyles, Typography } from '@material-ui/core';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, padding: 0, listStyle: 'none' },
  ok: { color: theme.palette.success.main },
  bad: { color: theme.palette.error.main },
  unknown: { color: theme.palette.text.secondary },
  revision: { fontFamily: 'monospace' },
}));

function readiness(ready: BoardFluxStatus['ready']) {
  if (ready === 'unknown')
    return { status: 'unknown', label: 'Ready unknown' } as const;
  if (ready) return { status: 'ok', label: 'Ready' } as const;
  return { status: 'bad', label: 'Not ready' } as const;
}

export function FluxStatusList(props: { flux: BoardFluxStatus[] }) {
  const classes = useStyles();
  return (
    <ul className={classes.list} aria-label="Flux">
      {props.flux.map(item => {
        const { status, label } = readiness(item.ready);
        return (
          <li key={`${item.kind}/${item.namespace}/${item.name}`}>
            <Typography variant="caption">
              {item.kind} {item.namespace}/{item.name}:{' '}
              <span className={classes[status]}>{label}</span>
              {item.lastAppliedRevision && (
                <>
                  {' '}
                  · applied{' '}
                  <span className={classes.revision}>
                    {item.lastAppliedRevision}
                  </span>
                </>
              )}
              {item.message && item.ready !== true && <> · {item.message}</>}
            </Typography>
          </li>
        );
      })}
    </ul>
  );
}
