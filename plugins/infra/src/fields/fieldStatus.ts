import { FormHelperTextProps } from '@material-ui/core/FormHelperText';
import { makeStyles } from '@material-ui/core/styles';

/** How the line under a field reads: a hint, good news, a caution, or what stops the wizard. */
export type FieldStatusSeverity = 'info' | 'success' | 'warning' | 'error';

/** The line under a field as its TextField's helper text: what it says, and how. */
export interface FieldStatus {
  severity: FieldStatusSeverity;
  text: string;
}

const useStyles = makeStyles(theme => ({
  info: {},
  success: { color: theme.palette.success.main },
  warning: { color: theme.palette.warning.dark },
  error: { color: theme.palette.error.main },
}));

/**
 * The props of a TextField's helper text that show a status: coloured by severity and announced
 * as it changes.
 */
export function useFieldStatusProps(): (
  status: FieldStatus,
) => Partial<FormHelperTextProps> {
  const classes = useStyles();
  return status => ({
    className: classes[status.severity],
    role: status.severity === 'error' ? 'alert' : 'status',
  });
}
