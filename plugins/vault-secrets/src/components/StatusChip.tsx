import { Chip, makeStyles } from '@material-ui/core';
import { SecretFreshness } from '@groundcrew/plugin-infra-common';

const useStyles = makeStyles(theme => ({
  fresh: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  due: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  overdue: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  deleted: {
    backgroundColor: theme.palette.grey[600],
    color: theme.palette.common.white,
  },
  destroyed: {
    backgroundColor: theme.palette.error.dark,
    color: theme.palette.error.contrastText,
  },
}));

/** The freshness of a secret: green fresh, amber due, red overdue, grey deleted, dark red destroyed. */
export function StatusChip(props: { status: SecretFreshness }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={props.status}
      className={classes[props.status]}
      data-status={props.status}
    />
  );
}
