import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { gcpProjectIdProblem } from '@groundcrew/plugin-infra-common';
import { infraApiRef } from '../../api';
import { messageOf } from '../messageOf';
import { GcpProjectIdPickerUiOptions, takenBy } from './schema';

/**
 * Refuses, when the person presses Next, an id that breaks GCP's rule or that a visible project
 * already has (unless `ui:options.allowExisting`), so the wizard says so rather than the task log.
 */
export const gcpProjectIdValidation: CustomFieldValidator<
  string,
  GcpProjectIdPickerUiOptions
> = async (value, validation, { apiHolder, uiSchema }) => {
  // An empty field is the schema's `required` to refuse.
  if (!value) return;
  const problem = gcpProjectIdProblem(value);
  if (problem) {
    validation.addError(`The project id ${problem}`);
    return;
  }
  const infraApi = apiHolder.get(infraApiRef);
  if (!infraApi) {
    throw new Error(
      'Cannot check the project id: the infra plugin API is not installed in the app',
    );
  }
  let availability;
  try {
    availability = await infraApi.checkProjectId(value);
  } catch (e) {
    validation.addError(
      `Could not check whether ${value} is free: ${messageOf(e as Error)}`,
    );
    return;
  }
  if (availability.status === 'invalid') {
    validation.addError(`The project id ${availability.problem}`);
  } else if (
    availability.status === 'taken' &&
    !uiSchema?.['ui:options']?.allowExisting
  ) {
    validation.addError(`${value} is ${takenBy(availability.project)}`);
  }
};
