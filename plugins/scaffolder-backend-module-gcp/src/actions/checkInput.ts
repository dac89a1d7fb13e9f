import { InputError } from '@backstage/errors';
import type { z } from 'zod/v3';

/**
 * Parses an action's input with its own schema. The scaffolder checks the JSON schema before a
 * step runs; this repeats it for callers that do not (tests, other actions), and turns every
 * problem into one InputError whose message starts with the field's path.
 */
export function checkInput<S extends z.ZodTypeAny>(
  schema: S,
  input: unknown,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const field = issue.path
      .map((p, i) => {
        if (typeof p === 'number') return `[${p}]`;
        return i ? `.${p}` : p;
      })
      .join('');
    return `${field || 'input'}: ${issue.message}`;
  });
  throw new InputError(problems.join('; '));
}
