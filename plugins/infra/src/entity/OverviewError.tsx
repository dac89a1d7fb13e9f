import { EmptyState, WarningPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { messageOf } from '../fields/messageOf';

/**
 * A failed overview, in the backend's words: a thing the backend does not know (404) is an empty
 * state; a page the permission policy keeps from the viewer (403) is a warning that says so;
 * anything else (a source that is down: 503) is an error panel that says which and why.
 */
export function OverviewError(props: {
  error: Error;
  notFoundTitle: string;
  deniedTitle: string;
  failedTitle: string;
}) {
  const { error, notFoundTitle, deniedTitle, failedTitle } = props;
  if (error instanceof ResponseError && error.statusCode === 404) {
    return (
      <EmptyState
        missing="info"
        title={notFoundTitle}
        description={messageOf(error)}
      />
    );
  }
  const denied = error instanceof ResponseError && error.statusCode === 403;
  return (
    <WarningPanel
      severity={denied ? 'warning' : 'error'}
      title={denied ? deniedTitle : failedTitle}
      message={messageOf(error)}
      defaultExpanded
    />
  );
}
