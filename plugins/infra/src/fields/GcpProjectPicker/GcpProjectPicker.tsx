import { useState } from 'react';
import CircularProgress from '@material-ui/core/CircularProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useApi } from '@backstage/core-plugin-api';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { GcpProject } from '@groundcrew/plugin-infra-common';
import { infraApiRef } from '../../api';
import { FieldStatus, useFieldStatusProps } from '../fieldStatus';
import { messageOf } from '../messageOf';
import { useLookup } from '../useLookup';

/** Wait this long after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 300;
const SEARCH_LIMIT = 20;

export const gcpProjectPickerSchema = {
  returnValue: { type: 'string' as const },
};

/** The value before its project is found: a project known only by its id. */
function known(projectId: string): GcpProject {
  return {
    projectId,
    projectNumber: '',
    displayName: '',
    parent: '',
    state: 'ACTIVE',
    labels: {},
  };
}

/** A GCP project Groundcrew can see, searched by id or display name as it is typed; value = id. */
export const GcpProjectPicker = (
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
  const [inputValue, setInputValue] = useState(formData ?? '');
  const [selected, setSelected] = useState<GcpProject | null>(
    formData ? known(formData) : null,
  );
  // The label of the chosen project in the box is not something to search for.
  const query = inputValue === selected?.projectId ? '' : inputValue;
  const search = useLookup(
    signal => infraApi.listProjects({ query, limit: SEARCH_LIMIT, signal }),
    [infraApi, query],
    SEARCH_DEBOUNCE_MS,
  );
  const found = search.status === 'done' ? search.value : [];
  const options =
    selected && !found.some(p => p.projectId === selected.projectId)
      ? [selected, ...found]
      : found;

  let status: FieldStatus = {
    severity: 'info',
    text: schema.description ?? 'Type to search projects by id or name',
  };
  if (search.status === 'error') {
    status = {
      severity: 'error',
      text: `Could not search the projects: ${messageOf(search.error)}`,
    };
  } else if (search.status === 'done' && !found.length && !selected) {
    status = {
      severity: 'warning',
      text: query
        ? `No project Groundcrew can see matches "${query}"`
        : 'Groundcrew cannot see any project',
    };
  }

  return (
    <Autocomplete<GcpProject>
      id={idSchema?.$id ?? 'gcp-project'}
      options={options}
      value={selected}
      inputValue={inputValue}
      disabled={disabled}
      loading={search.status === 'loading'}
      loadingText="Searching projects…"
      noOptionsText={query ? `No project matches "${query}"` : 'No projects'}
      // The backend has filtered already.
      filterOptions={x => x}
      getOptionLabel={p => p.projectId}
      getOptionSelected={(a, b) => a.projectId === b.projectId}
      onInputChange={(_e, text) => setInputValue(text)}
      onChange={(_e, project) => {
        setSelected(project);
        onChange(project?.projectId || undefined);
      }}
      renderOption={p => (
        <div>
          <Typography variant="body1">
            {p.displayName || p.projectId}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {p.projectId}
            {p.parent ? ` · ${p.parent}` : ''}
          </Typography>
        </div>
      )}
      renderInput={params => (
        <TextField
          {...params}
          label={schema.title ?? 'GCP project'}
          margin="normal"
          required={required}
          error={status.severity === 'error' || Boolean(rawErrors?.length)}
          helperText={status.text}
          FormHelperTextProps={helperTextProps(status)}
          InputProps={{
            ...params.InputProps,
            endAdornment: (
              <>
                {search.status === 'loading' ? (
                  <CircularProgress size={18} />
                ) : null}
                {params.InputProps.endAdornment}
              </>
            ),
          }}
        />
      )}
    />
  );
};
