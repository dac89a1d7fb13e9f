import CircularProgress from '@material-ui/core/CircularProgress';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  formatGcpProjectId,
  gcpProjectIdProblem,
  GcpProjectIdAvailability,
} from '@groundcrew/plugin-infra-common';
import { infraApiRef } from '../../api';
import { FieldStatus, useFieldStatusProps } from '../fieldStatus';
import { messageOf } from '../messageOf';
import { LookupState, useLookup } from '../useLookup';
import { GcpProjectIdPickerUiOptions, takenBy } from './schema';

/** Wait this long after the last keystroke before asking the backend. */
export const AVAILABILITY_DEBOUNCE_MS = 400;

const RULE =
  '6 to 30 characters: lower-case letters, digits and hyphens, starting with a letter';

function statusOf(options: {
  value: string;
  problem?: string;
  check: LookupState<GcpProjectIdAvailability>;
  allowExisting: boolean;
  hint?: string;
}): FieldStatus {
  const { value, problem, check, allowExisting } = options;
  if (problem) return { severity: 'error', text: `The project id ${problem}` };
  switch (check.status) {
    case 'idle':
      return { severity: 'info', text: options.hint ?? RULE };
    case 'loading':
      return { severity: 'info', text: 'checking…' };
    case 'error':
      return {
        severity: 'error',
        text: `Could not check whether ${value} is free: ${messageOf(
          check.error,
        )}`,
      };
    default:
  }
  const availability = check.value;
  switch (availability.status) {
    case 'available':
      return { severity: 'success', text: 'available' };
    case 'invalid':
      return {
        severity: 'error',
        text: `The project id ${availability.problem}`,
      };
    default:
      return allowExisting
        ? {
            severity: 'warning',
            text: `${takenBy(
              availability.project,
            )}: the template adopts this existing project`,
          }
        : { severity: 'error', text: takenBy(availability.project) };
  }
}

/**
 * A GCP project id: formatted as it is typed, checked against GCP's rule at once and against the
 * projects Groundcrew can see a moment later.
 */
export const GcpProjectIdPicker = (
  props: FieldExtensionComponentProps<string, GcpProjectIdPickerUiOptions>,
) => {
  const {
    formData,
    onChange,
    required,
    disabled,
    rawErrors,
    schema,
    uiSchema,
    idSchema,
  } = props;
  const infraApi = useApi(infraApiRef);
  const helperTextProps = useFieldStatusProps();
  const value = formData ?? '';
  const problem = value ? gcpProjectIdProblem(value) : undefined;
  const check = useLookup(
    value && !problem
      ? signal => infraApi.checkProjectId(value, { signal })
      : undefined,
    [infraApi, value, problem],
    AVAILABILITY_DEBOUNCE_MS,
  );
  const status = statusOf({
    value,
    problem,
    check,
    allowExisting: Boolean(uiSchema?.['ui:options']?.allowExisting),
    hint: schema.description,
  });

  return (
    <TextField
      id={idSchema?.$id ?? 'gcp-project-id'}
      label={schema.title ?? 'GCP project id'}
      placeholder="team-ai-prod"
      margin="normal"
      fullWidth
      required={required}
      disabled={disabled}
      value={value}
      // The wizard keeps the errors of the last Next until the next one: once the live check says
      // the id now typed is free, they are about an earlier id and must not paint the field red
      // (nor the green "available" under it).
      error={
        status.severity === 'error' ||
        (status.severity !== 'success' && Boolean(rawErrors?.length))
      }
      onChange={e => onChange(formatGcpProjectId(e.target.value) || undefined)}
      helperText={status.text}
      FormHelperTextProps={helperTextProps(status)}
      inputProps={{ spellCheck: false, autoComplete: 'off' }}
      InputProps={{
        endAdornment:
          check.status === 'loading' ? (
            <InputAdornment position="end">
              <CircularProgress size={18} />
            </InputAdornment>
          ) : undefined,
      }}
    />
  );
};
