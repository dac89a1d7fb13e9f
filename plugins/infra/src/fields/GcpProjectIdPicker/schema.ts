import { GcpProject } from '@groundcrew/plugin-infra-common';

/**
 * `ui:options` of the GcpProjectIdPicker field.
 *
 * @public
 */
export type GcpProjectIdPickerUiOptions = {
  /**
   * The template adopts a project that already exists and Groundcrew can see (the action's
   * `allowExisting`): such an id is then a warning, not an error.
   */
  allowExisting?: boolean;
};

export const gcpProjectIdPickerSchema = {
  returnValue: { type: 'string' as const },
  uiOptions: {
    type: 'object' as const,
    properties: {
      allowExisting: {
        type: 'boolean' as const,
        description:
          'Accept the id of an existing project Groundcrew can see (the template adopts it)',
      },
    },
  },
};

/** Who has the id, in the words the field and its validation both use. */
export function takenBy(project: GcpProject): string {
  return `already taken by ${project.displayName || project.projectId} (${
    project.parent
  })`;
}
