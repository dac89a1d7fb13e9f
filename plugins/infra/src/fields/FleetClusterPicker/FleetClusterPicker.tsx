import { useEffect, useMemo } from 'react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { CLUSTER_LABELS } from '@groundcrew/plugin-infra-common';
import { FleetCluster, infraApiRef } from '../../api';
import { FieldStatus, useFieldStatusProps } from '../fieldStatus';
import { formValue } from '../formValue';
import { messageOf } from '../messageOf';
import { useLookup } from '../useLookup';

/**
 * `ui:options` of the FleetClusterPicker field.
 *
 * @public
 */
export type FleetClusterPickerUiOptions = {
  /** Only the clusters whose `environment` label is this, e.g. `production`. Default: all. */
  environment?: string;
  /**
   * A form field holding a region (a dotted path for a nested one): only the clusters whose
   * `region` label is its value. Default: all regions.
   */
  regionField?: string;
};

export const fleetClusterPickerSchema = {
  returnValue: { type: 'string' as const },
  uiOptions: {
    type: 'object' as const,
    properties: {
      environment: {
        type: 'string' as const,
        description:
          'Only the clusters whose environment label is this (default: all)',
      },
      regionField: {
        type: 'string' as const,
        description:
          'A form field holding a region: only the clusters whose region label is its value',
      },
    },
  },
};

/** "gke-prod-us-east1 (production, us-east1)"; just the name for a cluster without those labels. */
export function fleetClusterLabel(cluster: FleetCluster): string {
  const where = [
    cluster.labels[CLUSTER_LABELS.environment],
    cluster.labels[CLUSTER_LABELS.region],
  ].filter(Boolean);
  return where.length ? `${cluster.name} (${where.join(', ')})` : cluster.name;
}

/**
 * A cluster of the Groundcrew Kubernetes fleet (from config, or registered at run time), shown
 * with its environment and region; value = cluster name.
 */
export const FleetClusterPicker = (
  props: FieldExtensionComponentProps<string, FleetClusterPickerUiOptions>,
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
  const environment = options?.environment;
  const region = options?.regionField
    ? formValue(formContext, options.regionField)
    : undefined;
  const clusters = useLookup(
    signal => infraApi.listFleetClusters({ signal }),
    [infraApi],
  );

  const listed = useMemo(
    () =>
      clusters.status === 'done'
        ? clusters.value.filter(
            c =>
              (!environment ||
                c.labels[CLUSTER_LABELS.environment] === environment) &&
              (!region || c.labels[CLUSTER_LABELS.region] === region),
          )
        : undefined,
    [clusters, environment, region],
  );
  // A cluster that left the fleet (or a default naming none of it) is no choice.
  useEffect(() => {
    if (listed && formData && !listed.some(c => c.name === formData)) {
      onChange(undefined);
    }
  }, [listed, formData, onChange]);

  let status: FieldStatus = {
    severity: 'info',
    text: schema.description ?? 'A cluster of the Groundcrew fleet',
  };
  if (clusters.status === 'loading') {
    status = { severity: 'info', text: 'Loading the clusters of the fleet…' };
  } else if (clusters.status === 'error') {
    status = {
      severity: 'error',
      text: `Could not list the clusters of the fleet: ${messageOf(
        clusters.error,
      )}`,
    };
  } else if (listed && !listed.length) {
    status = {
      severity: 'warning',
      text:
        environment || region
          ? `No ${environment ? `${environment} ` : ''}cluster in the fleet${
              region ? ` in ${region}` : ''
            }`
          : 'No clusters in the fleet',
    };
  }

  return (
    <TextField
      id={idSchema?.$id ?? 'fleet-cluster'}
      label={schema.title ?? 'Cluster'}
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
        <MenuItem key={c.name} value={c.name}>
          {fleetClusterLabel(c)}
        </MenuItem>
      ))}
    </TextField>
  );
};
