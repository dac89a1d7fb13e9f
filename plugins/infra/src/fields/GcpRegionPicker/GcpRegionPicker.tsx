import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { GcpRegion, infraApiRef } from '../../api';
import { FieldStatus, useFieldStatusProps } from '../fieldStatus';
import { messageOf } from '../messageOf';
import { useLookup } from '../useLookup';

export const gcpRegionPickerSchema = {
  returnValue: { type: 'string' as const },
};

/** "us-east1 (South Carolina)"; just the id for a region Groundcrew has no name for. */
export function regionLabel(region: GcpRegion): string {
  return region.location ? `${region.id} (${region.location})` : region.id;
}

/** A GCP region, from the regions the backend offers (config `groundcrew.gcp.regions`). */
export const GcpRegionPicker = (
  props: FieldExtensionComponentProps<string>,
) => {
  const {
    formData,
    onChange,
    required,
    disabled,
    rawErrors,
    schema,
    idSchema,
  } = props;
  const infraApi = useApi(infraApiRef);
  const helperTextProps = useFieldStatusProps();
  const regions = useLookup(
    signal => infraApi.listRegions({ signal }),
    [infraApi],
  );

  let status: FieldStatus = {
    severity: 'info',
    text: schema.description ?? 'Where the cluster runs',
  };
  let options: GcpRegion[] = [];
  if (regions.status === 'loading') {
    status = { severity: 'info', text: 'Loading regions…' };
  } else if (regions.status === 'error') {
    status = {
      severity: 'error',
      text: `Could not load the regions: ${messageOf(regions.error)}`,
    };
  } else if (regions.status === 'done') {
    options = regions.value;
    if (!options.length) {
      status = {
        severity: 'warning',
        text: 'No region is offered: ask the platform team (groundcrew.gcp.regions)',
      };
    } else if (formData && !options.some(r => r.id === formData)) {
      status = {
        severity: 'error',
        text: `${formData} is not among the regions offered`,
      };
    }
  }
  // Until the list is in (or when the value is not on it), keep the value selectable as it is.
  if (formData && !options.some(r => r.id === formData)) {
    options = [{ id: formData, location: '' }, ...options];
  }

  return (
    <TextField
      id={idSchema?.$id ?? 'gcp-region'}
      label={schema.title ?? 'Region'}
      select
      margin="normal"
      fullWidth
      required={required}
      disabled={disabled || regions.status !== 'done'}
      value={formData ?? ''}
      error={status.severity === 'error' || Boolean(rawErrors?.length)}
      onChange={e => onChange(e.target.value || undefined)}
      helperText={status.text}
      FormHelperTextProps={helperTextProps(status)}
    >
      {options.map(region => (
        <MenuItem key={region.id} value={region.id}>
          {regionLabel(region)}
        </MenuItem>
      ))}
    </TextField>
  );
};
