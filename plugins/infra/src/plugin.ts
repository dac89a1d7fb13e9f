import {
  attachComponentData,
  createApiFactory,
  createPlugin,
  discoveryApiRef,
  Extension,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  createScaffolderFieldExtension,
  FieldExtensionComponent,
} from '@backstage/plugin-scaffolder-react';
import { infraApiRef, InfraClient } from './api';
import {
  FleetClusterPicker,
  fleetClusterPickerSchema,
  FleetClusterPickerUiOptions,
} from './fields/FleetClusterPicker';
import {
  GcpProjectIdPicker,
  gcpProjectIdPickerSchema,
  GcpProjectIdPickerUiOptions,
  gcpProjectIdValidation,
} from './fields/GcpProjectIdPicker';
import {
  GcpProjectPicker,
  gcpProjectPickerSchema,
} from './fields/GcpProjectPicker';
import {
  GcpRegionPicker,
  gcpRegionPickerSchema,
} from './fields/GcpRegionPicker';
import {
  GkeClusterPicker,
  gkeClusterPickerSchema,
  GkeClusterPickerUiOptions,
} from './fields/GkeClusterPicker';

/** @public */
export const infraPlugin = createPlugin({
  id: 'infra',
  apis: [
    createApiFactory({
      api: infraApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new InfraClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * `infraPlugin.provide` for a field extension, marked as the plugin's so that the app registers the
 * plugin (and with it infraApiRef) when it finds the field under `<ScaffolderFieldExtensions>`: the
 * scaffolder's field extensions ignore the plugin they are provided by, and without the mark the
 * fields fail with "No implementation available for apiRef{plugin.infra.service}".
 */
function provideField<TReturnValue, TInputProps>(
  extension: Extension<FieldExtensionComponent<TReturnValue, TInputProps>>,
): FieldExtensionComponent<TReturnValue, TInputProps> {
  const component = infraPlugin.provide(extension);
  attachComponentData(component, 'core.plugin', infraPlugin);
  return component;
}

/**
 * `ui:field: GcpProjectIdPicker`: a new GCP project id, formatted as typed, checked against GCP's
 * rule and (debounced) against the projects Groundcrew can see; Next refuses an invalid or taken
 * id. `ui:options.allowExisting` turns a taken id into a warning.
 *
 * @public
 */
export const GcpProjectIdPickerFieldExtension = provideField(
  createScaffolderFieldExtension<string, GcpProjectIdPickerUiOptions>({
    name: 'GcpProjectIdPicker',
    component: GcpProjectIdPicker,
    validation: gcpProjectIdValidation,
    schema: gcpProjectIdPickerSchema,
  }),
);

/**
 * `ui:field: GcpRegionPicker`: a region among those the backend offers.
 *
 * @public
 */
export const GcpRegionPickerFieldExtension = provideField(
  createScaffolderFieldExtension<string>({
    name: 'GcpRegionPicker',
    component: GcpRegionPicker,
    schema: gcpRegionPickerSchema,
  }),
);

/**
 * `ui:field: GcpProjectPicker`: an existing GCP project, searched as typed; value = project id.
 *
 * @public
 */
export const GcpProjectPickerFieldExtension = provideField(
  createScaffolderFieldExtension<string>({
    name: 'GcpProjectPicker',
    component: GcpProjectPicker,
    schema: gcpProjectPickerSchema,
  }),
);

/**
 * `ui:field: GkeClusterPicker`: a GKE cluster of the project in another field
 * (`ui:options.projectField`, default `projectId`); value = cluster name.
 *
 * @public
 */
export const GkeClusterPickerFieldExtension = provideField(
  createScaffolderFieldExtension<string, GkeClusterPickerUiOptions>({
    name: 'GkeClusterPicker',
    component: GkeClusterPicker,
    schema: gkeClusterPickerSchema,
  }),
);

/**
 * `ui:field: FleetClusterPicker`: a cluster of the Groundcrew Kubernetes fleet, shown with its
 * environment and region (`ui:options.environment` narrows to one environment); value = cluster
 * name.
 *
 * @public
 */
export const FleetClusterPickerFieldExtension = provideField(
  createScaffolderFieldExtension<string, FleetClusterPickerUiOptions>({
    name: 'FleetClusterPicker',
    component: FleetClusterPicker,
    schema: fleetClusterPickerSchema,
  }),
);
