import { useEffect } from 'react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { gcpProjectIdProblem } from '@groundcrew/plugin-infra-common';
import { GkeClusterSummary, infraApiRef } from '../../api';
import { FieldStatus, useFieldStatusProps } from '../fieldStatus';
import { formValue } from '../formValue';
import { messageOf } from '../messageOf';
import { useLookup } from '../useLookup';

/**
 * `ui:options` of the GkeClusterPicker field.
 *
 * @public
 */
export type GkeClusterPickerUiOptions = {
  /** The form field holding the project id (a dotted path for a nested one). Default `projectId`. */
  projectField?: string;
  /** A form field holding a region or zone, to list only the clusters there. Default: all. */
  locationField?: string;
};

export const gkeClusterPickerSchema = {
  returnValue: { type: 'string' as const },
  uiOptions: {
    type: 'object' as const,
    properties: {
      projectField: {
        type: 'string' as const,
        description: 'The form field holding the GCP project id',
        default: 'projectId',
      },
      locationField: {
        type: 'string' as const,
        description: 'A form field holding a region or zone to narrow the list',
      },
    },
  },
};

function clusterLabel(c: GkeClusterSummary): string {
  return `${c.name} (${c.location}${
    c.status === 'RUNNING' ? '' : `, ${c.status.toLowerCase()}`
  })`;
}

/**
 * A GKE cluster of the project chosen in another field of the form (`ui:options.projectField`);
 * value = cluster name.
 */
export const GkeClusterPicker = (
  props: FieldExtensionComponentProps<string, GkeClusterPickerUiOptions>,
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
    formContext,
  } = props;
  const infraApi = useApi(infraApiRef);
  const helperTextProps = useFieldStatusProps();
  const options = uiSchema?.['ui:options'];
  const projectField = options?.projectField ?? 'projectId';
  const projectId = formValue(formContext, projectField);
  const location = options?.locationField
    ? formValue(formContext, options.locationField)
    : undefined;
  const projectProblem = projectId ? gcpProjectIdProblem(projectId) : undefined;
  const clusters = useLookup(
    projectId && !projectProblem
      ? signal => infraApi.listClusters({ projectId, location, signal })
      : undefined,
    [infraApi, projectId, projectProblem, location],
  );

  // A cluster of the project chosen before is no cluster of this one.
  const listed = clusters.status === 'done' ? clusters.value : undefined;
  useEffect(() => {
    if (listed && formData && !listed.some(c => c.name === formData)) {
      onChange(undefined);
    }
  }, [listed, formData, onChange]);

  let status: FieldStatus = {
    severity: 'info',
    text: schema.description ?? `A GKE cluster of ${projectId}`,
  };
  if (!projectId) {
    status = { severity: 'info', text: 'Choose the GCP project first' };
  } else if (projectProblem) {
    status = {
      severity: 'error',
      text: `The project id ${projectId} ${projectProblem}`,
    };
  } else if (clusters.status === 'loading') {
    status = {
      severity: 'info',
      text: `Loading the clusters of ${projectId}…`,
    };
  } else if (clusters.status === 'error') {
    status = {
      severity: 'error',
      text: `Could not list the clusters of ${projectId}: ${messageOf(
        clusters.error,
      )}`,
    };
  } else if (listed && !listed.length) {
    status = {
      severity: 'warning',
      text: `${projectId} has no GKE cluster${
        location ? ` in ${location}` : ''
      }`,
    };
  }

  return (
    <TextField
      id={idSchema?.$id ?? 'gke-cluster'}
      label={schema.title ?? 'GKE cluster'}
      select
      margin="normal"
      fullWidth
      required={required}
      disabled={disabled || !listed?.length}
      value={listed?.some(c => c.name === formData) ? formData : ''}
      error={status.severity === 'error' || Boolean(rawErrors?.length)}
      onChange={e => onChange(e.target.value || undefined)}
      helperText={status.text}
      FormHelperTextProps={helperTextProps(status)}
    >
      {(listed ?? []).map(c => (
        <MenuItem key={`${c.location}/${c.name}`} value={c.name}>
          {clusterLabel(c)}
        </MenuItem>
      ))}
    </TextField>
  );
};
