import { useState } from 'react';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { RenderResult } from '@testing-library/react';
import { infraApiRef } from '../api';
import { createTestClient } from './infraBackend';

/** What a test sets of a field's props; the rest are what RJSF gives a field at rest. */
export interface FieldTestProps<TUiOptions> {
  formData?: string;
  title?: string;
  description?: string;
  uiOptions?: TUiOptions;
  formContext?: { formData: Record<string, unknown> };
  rawErrors?: string[];
}

/**
 * Renders a field extension's component as the scaffolder form would: controlled, with the infra
 * API on the msw backend. Returns the onChange mock to read what the field reported.
 */
export async function renderField<TUiOptions>(
  Field: (
    props: FieldExtensionComponentProps<string, TUiOptions>,
  ) => JSX.Element | null,
  props: FieldTestProps<TUiOptions> = {},
): Promise<RenderResult & { onChange: jest.Mock }> {
  const onChange = jest.fn();
  function Harness() {
    const [value, setValue] = useState(props.formData);
    const fieldProps = {
      name: 'field',
      schema: {
        type: 'string',
        title: props.title,
        description: props.description,
      },
      uiSchema: props.uiOptions ? { 'ui:options': props.uiOptions } : {},
      idSchema: { $id: 'root_field' },
      formData: value,
      formContext: props.formContext,
      rawErrors: props.rawErrors ?? [],
      disabled: false,
      readonly: false,
      required: true,
      onBlur: () => {},
      onFocus: () => {},
      onChange: (next: string | undefined) => {
        onChange(next);
        setValue(next);
      },
    } as unknown as FieldExtensionComponentProps<string, TUiOptions>;
    return <Field {...fieldProps} />;
  }
  const rendered = await renderInTestApp(
    <TestApiProvider apis={[[infraApiRef, createTestClient()]]}>
      <Harness />
    </TestApiProvider>,
  );
  return { ...rendered, onChange };
}
