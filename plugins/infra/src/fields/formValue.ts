/** A text value of the whole form (every step), at a dotted path. */
export function formValue(
  formContext: unknown,
  path: string,
): string | undefined {
  let current: unknown = (formContext as { formData?: unknown } | undefined)
    ?.formData;
  for (const key of path.split('.')) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' && current ? current : undefined;
}
