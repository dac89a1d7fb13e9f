import {
  createApiFactory,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { infraApiRef, InfraClient } from './api';
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
 * `ui:field: GcpProjectIdPicker`: a new GCP project id, formatted as typed, checked against GCP's
 * rule and (debounced) against the projects Groundcrew can see; Next refuses an invalid or taken
 * id. `ui:options.allowExisting` turns a taken id into a warning.
 *
 * @public
 */
export const GcpProjectIdPickerFieldExtension = infraPlugin.provide(
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
export const GcpRegionPickerFieldExtension = infraPlugin.provide(
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
export const GcpProjectPickerFieldExtension = infraPlugin.provide(
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
export const GkeClusterPickerFieldExtension = infraPlugin.provide(
  createScaffolderFieldExtension<string, GkeClusterPickerUiOptions>({
    name: 'GkeClusterPicker',
    component: GkeClusterPicker,
    schema: gkeClusterPickerSchema,
  }),
);
