import { InputError } from '@backstage/errors';

/** The part of a zod schema (v3 or v4) that {@link checkInput} uses. */
export interface InputSchema<T> {
  safeParse(input: unknown):
    | { success: true; data: T }
    | {
        success: false;
        error: {
          issues: ReadonlyArray<{
            path: ReadonlyArray<PropertyKey>;
            message: string;
          }>;
        };
      };
}

/**
 * Parses an action's input with its own schema. The scaffolder checks the JSON schema before a
 * step runs; this repeats it for callers that do not (tests, other actions), and turns every
 * problem into one InputError whose message starts with the field's path.
 *
 * @public
 */
export function checkInput<T>(schema: InputSchema<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const field = issue.path
      .map((p, i) => {
        if (typeof p === 'number') return `[${p}]`;
        return i ? `.${String(p)}` : String(p);
      })
      .join('');
    return `${field || 'input'}: ${issue.message}`;
  });
  throw new InputError(problems.join('; '));
}
