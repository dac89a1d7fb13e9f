import { BoardPod } from '@groundcrew/plugin-infra-common';
import {
  Box,
  Drawer,
  IconButton,
  makeStyles,
  Typography,
} from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import { DefinitionList } from './DefinitionList';
import { formatAge } from './format';
import { PodEventsTable } from './PodEvents';
import { podStateLabels } from './podState';

/** Where a pod runs, shown above its details. */
export interface PodPlace {
  cluster: string;
  namespace: string;
  deployment: string;
}

const useStyles = makeStyles(theme => ({
  paper: {
    width: 680,
    maxWidth: '100vw',
    padding: theme.spacing(2, 3),
  },
  header: { display: 'flex', alignItems: 'flex-start', gap: theme.spacing(1) },
  title: { flex: 1, wordBreak: 'break-all' },
  details: {
    margin: theme.spacing(2, 0),
    display: 'grid',
    gridTemplateColumns: 'max-content auto',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, fontFamily: 'monospace' },
  },
}));

/** The rows every view of a pod shows (the tooltip a few, the panel all). */
export function podRows(pod: BoardPod): Array<[string, string]> {
  return [
    ['phase', `${pod.phase} (${podStateLabels[pod.state] ?? pod.state})`],
    ...(pod.reason ? [['reason', pod.reason] as [string, string]] : []),
    ['ready', pod.ready ? 'yes' : 'no'],
    ['restarts', String(pod.restarts)],
    ['age', formatAge(pod.createdAt)],
    ['node', pod.node ?? '—'],
    ['track', pod.track],
    ['version', pod.version ?? '—'],
  ];
}

/**
 * A pod's details and its last Kubernetes Events, beside the board. Follows the live board: it is
 * given the pod's current state on every new board, and says so when the pod is gone.
 */
export function PodPanel(props: {
  /** The pod as on the latest board; undefined once it is gone. */
  pod: BoardPod | undefined;
  name: string;
  place?: PodPlace;
  onClose: () => void;
}) {
  const { pod, name, place } = props;
  const classes = useStyles();
  return (
    <Drawer
      anchor="right"
      open
      onClose={props.onClose}
      classes={{ paper: classes.paper }}
      PaperProps={{ 'aria-label': `pod ${name}` } as object}
    >
      <div className={classes.header} data-pod-panel={name}>
        <div className={classes.title}>
          <Typography variant="h6" component="h2">
            {name}
          </Typography>
          {place ? (
            <Typography variant="body2" color="textSecondary">
              {place.cluster} · {place.namespace} · {place.deployment}
            </Typography>
          ) : null}
        </div>
        <IconButton aria-label="close" onClick={props.onClose} size="small">
          <CloseIcon />
        </IconButton>
      </div>
      {pod ? (
        <>
          <DefinitionList
            className={classes.details}
            rows={podRows(pod)}
            aria-label="pod details"
          />
          <Typography variant="subtitle1" component="h3">
            Events
          </Typography>
          <Box mt={1}>
            <PodEventsTable events={pod.events ?? []} />
          </Box>
        </>
      ) : (
        <Box mt={2}>
          <Typography variant="body2">
            This pod is no longer on the board: it was deleted or replaced.
          </Typography>
        </Box>
      )}
    </Drawer>
  );
}
