import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { TrafficChangeRecord } from '@groundcrew/plugin-infra-common';

/** Every change, newest first. */
export function HistoryTable(props: { history: TrafficChangeRecord[] }) {
  if (props.history.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No traffic change has been made through Groundcrew yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Traffic changes">
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Who</TableCell>
          <TableCell>Route</TableCell>
          <TableCell>Cluster</TableCell>
          <TableCell>Canary</TableCell>
          <TableCell>Reason</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {[...props.history].reverse().map(c => (
          <TableRow key={c.id} data-testid="traffic-history-row">
            <TableCell>{new Date(c.time).toLocaleString()}</TableCell>
            <TableCell>{c.actor}</TableCell>
            <TableCell>{c.route}</TableCell>
            <TableCell>{c.cluster}</TableCell>
            <TableCell>
              {c.before}% → {c.after}%
            </TableCell>
            <TableCell>{c.reason}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
