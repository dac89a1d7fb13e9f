import { createElement } from 'react';
import { getComponentData } from '@backstage/core-plugin-api';
import {
  FleetClusterPickerFieldExtension,
  GcpProjectIdPickerFieldExtension,
  GcpProjectPickerFieldExtension,
  GcpRegionPickerFieldExtension,
  GkeClusterPickerFieldExtension,
  infraPlugin,
} from './plugin';
import { infraApiRef } from './api';

describe('the infra field extensions', () => {
  it.each([
    ['GcpProjectIdPicker', GcpProjectIdPickerFieldExtension],
    ['GcpProjectPicker', GcpProjectPickerFieldExtension],
    ['GcpRegionPicker', GcpRegionPickerFieldExtension],
    ['GkeClusterPicker', GkeClusterPickerFieldExtension],
    ['FleetClusterPicker', FleetClusterPickerFieldExtension],
  ])(
    '%s brings the plugin, and so its API, into the app that mounts it',
    (name, extension) => {
      const element = createElement(extension);
      // What the app's plugin collector reads from the elements under <ScaffolderFieldExtensions>.
      expect(getComponentData(element, 'core.plugin')).toBe(infraPlugin);
      expect(
        getComponentData<{ name: string }>(
          element,
          'scaffolder.extensions.field.v1',
        )?.name,
      ).toBe(name);
      expect([...infraPlugin.getApis()].map(f => f.api.id)).toContain(
        infraApiRef.id,
      );
    },
  );
});
