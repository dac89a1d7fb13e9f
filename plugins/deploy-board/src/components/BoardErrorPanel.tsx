import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';

/**
 * Why there is no board. A refused read (403) is a plain statement of what is missing, not an
 * error with a stack; everything else is the standard error panel.
 */
export function BoardErrorPanel(props: { error: Error }) {
  const { error } = props;
  if (error instanceof ResponseError && error.statusCode === 403) {
    return (
      <WarningPanel
        severity="info"
        defaultExpanded
        title="You may not see this deploy board"
        message={`${error.cause.message}. The entity's owners or the platform team can give you access.`}
      />
    );
  }
  return <ResponseErrorPanel error={error} />;
}
