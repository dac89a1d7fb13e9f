import { BoardPodEvent } from '@groundcrew/plugin-infra-common';
import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { formatAge } from './format';

const useStyles = makeStyles(theme => ({
  warning: { color: theme.palette.error.main, fontWeight: 600 },
  // On the tooltip's dark background.
  tooltipWarning: { color: theme.palette.error.light, fontWeight: 600 },
  normal: { color: theme.palette.text.secondary },
  tooltipNormal: { opacity: 0.75 },
  nowrap: { whiteSpace: 'nowrap' },
  message: { wordBreak: 'break-word', fontFamily: 'monospace', fontSize: 12 },
  compact: { margin: theme.spacing(0.5, 0, 0), paddingLeft: 0 },
  compactItem: { listStyle: 'none', marginTop: theme.spacing(0.5) },
}));

/** `BackOff ×12`: the reason and how often it happened. */
export function eventTitle(event: BoardPodEvent): string {
  return event.count > 1 ? `${event.reason} ×${event.count}` : event.reason;
}

/** `3m 2s ago`, or an empty string without a time. */
export function eventAgo(event: BoardPodEvent, now = Date.now()): string {
  return event.lastSeen ? `${formatAge(event.lastSeen, now)} ago` : '';
}

const shorten = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** The newest events in a few lines, for the pod tooltip: warnings first. */
export function PodEventsSummary(props: {
  events: BoardPodEvent[];
  max?: number;
}) {
  const classes = useStyles();
  const shown = [...props.events]
    .sort(
      (a, b) =>
        Number(b.type === 'Warning') - Number(a.type === 'Warning') ||
        (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''),
    )
    .slice(0, props.max ?? 2);
  return (
    <ul className={classes.compact} aria-label="last events">
      {shown.map(e => (
        <li
          key={`${e.reason}|${e.message}`}
          className={classes.compactItem}
          data-event-reason={e.reason}
        >
          <span
            className={
              e.type === 'Warning' ? classes.tooltipWarning : undefined
            }
          >
            {eventTitle(e)}
          </span>{' '}
          <span className={classes.tooltipNormal}>{eventAgo(e)}</span>
          <div className={classes.message}>{shorten(e.message, 140)}</div>
        </li>
      ))}
    </ul>
  );
}

/** A pod's last events as a table, newest first, for the pod panel. */
export function PodEventsTable(props: { events: BoardPodEvent[] }) {
  const classes = useStyles();
  if (props.events.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No warnings reported for this pod. Kubernetes records Events while
        something goes wrong (a crash loop, an image that cannot be pulled, no
        node that fits); a pod that starts normally shows none here.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="pod events">
      <TableHead>
        <TableRow>
          <TableCell className={classes.nowrap}>Type</TableCell>
          <TableCell className={classes.nowrap}>Reason</TableCell>
          <TableCell>Message</TableCell>
          <TableCell className={classes.nowrap} align="right">
            Count
          </TableCell>
          <TableCell className={classes.nowrap}>Last seen</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.events.map(e => (
          <TableRow
            key={`${e.reason}|${e.message}|${e.firstSeen}`}
            data-event-reason={e.reason}
          >
            <TableCell
              className={`${classes.nowrap} ${
                e.type === 'Warning' ? classes.warning : classes.normal
              }`}
            >
              {e.type}
            </TableCell>
            <TableCell className={classes.nowrap}>{e.reason}</TableCell>
            <TableCell className={classes.message}>
              {e.message}
              {e.source ? (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  from {e.source}
                  {e.firstSeen && e.count > 1
                    ? `, first ${formatAge(e.firstSeen)} ago`
                    : ''}
                </Typography>
              ) : null}
            </TableCell>
            <TableCell align="right">{e.count}</TableCell>
            <TableCell className={classes.nowrap}>
              {eventAgo(e) || '—'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
