import { ReactNode, useState } from 'react';
import {
  Box,
  Button,
  Chip,
  Grid,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  AccessRequestView,
  EntityAccessView,
  NamespaceAccess,
} from '@groundcrew/plugin-infra-common';
import { teleportAccessApiRef } from '../api';
import { timeLeft } from './format';
import { RequestDialog, ReviewDialog } from './RequestDialog';
import { useEntityAccess } from './useEntityAccess';

const STATUS_TITLE: Record<string, string> = {
  'not-configured': 'Teleport is not configured',
  unreachable: 'Teleport is unreachable',
  'certificate-rejected': "Teleport did not accept the portal's certificate",
};

const STATUS_HINT: Record<string, string> = {
  'not-configured':
    'Set groundcrew.teleport (address and identity file) in the app config.',
  unreachable: 'Requests and reviews resume when Teleport answers again.',
  'certificate-rejected':
    'The portal identity has expired or was issued by another cluster: issue a new one with tctl auth sign.',
};

function StateChip({ state }: { state: AccessRequestView['state'] }) {
  const colors: Record<string, 'primary' | 'secondary'> = {
    APPROVED: 'primary',
    DENIED: 'secondary',
  };
  const color = colors[state] ?? 'default';
  return <Chip size="small" label={state} color={color} />;
}

function RequestsTable(props: {
  requests: AccessRequestView[];
  now: number;
  showUser?: boolean;
  actions?: (r: AccessRequestView) => ReactNode;
}) {
  const { requests, now, showUser, actions } = props;
  return (
    <Table size="small">
      <TableHead>
        <TableRow>
          {showUser && <TableCell>Requester</TableCell>}
          <TableCell>Roles</TableCell>
          <TableCell>State</TableCell>
          <TableCell>Reason</TableCell>
          <TableCell>Time left</TableCell>
          <TableCell>Reviews</TableCell>
          {actions && <TableCell />}
        </TableRow>
      </TableHead>
      <TableBody>
        {requests.map(r => (
          <TableRow key={r.id} data-testid={`request-${r.id}`}>
            {showUser && <TableCell>{r.user}</TableCell>}
            <TableCell>{r.roles.join(', ')}</TableCell>
            <TableCell>
              <StateChip state={r.state} />
            </TableCell>
            <TableCell>{r.reason}</TableCell>
            <TableCell>
              {r.state === 'DENIED' ? '—' : timeLeft(r.accessExpiry, now)}
            </TableCell>
            <TableCell>
              {r.reviews.length === 0
                ? 'none yet'
                : r.reviews.map(v => (
                    <Typography variant="body2" key={v.author}>
                      {v.author}: {v.state}
                      {v.reason ? ` — ${v.reason}` : ''}
                    </Typography>
                  ))}
            </TableCell>
            {actions && <TableCell>{actions(r)}</TableCell>}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function NamespaceRow(props: {
  ns: NamespaceAccess;
  view: EntityAccessView;
  now: number;
  onRequest: () => void;
}) {
  const { ns, view, now, onRequest } = props;
  const pending = view.myRequests.some(
    r => r.state === 'PENDING' && r.roles.includes(ns.writeRole),
  );
  const blocked = [
    [view.teleport.status !== 'ok', 'Teleport cannot be asked now'],
    [!view.user.teleportUser, 'Your account has no Teleport user'],
    [!ns.requestable, `${ns.writeRole} cannot be requested`],
    [pending, 'A request is waiting for review'],
  ].find(([applies]) => applies)?.[1] as string | undefined;
  return (
    <TableRow>
      <TableCell>{ns.namespace}</TableCell>
      <TableCell>
        {ns.access === 'write' ? (
          <Chip
            size="small"
            color="primary"
            label={`WRITE · ${timeLeft(ns.writeUntil, now)}`}
          />
        ) : (
          <Chip size="small" label="READ" />
        )}
      </TableCell>
      <TableCell>
        <code>{ns.readRole}</code> · <code>{ns.writeRole}</code>
      </TableCell>
      <TableCell>
        {ns.access === 'write' ? null : (
          <>
            <Button
              size="small"
              variant="outlined"
              color="primary"
              disabled={!!blocked}
              onClick={onRequest}
            >
              Request write access
            </Button>
            {blocked && (
              <Typography variant="caption" display="block">
                {blocked}
              </Typography>
            )}
          </>
        )}
      </TableCell>
    </TableRow>
  );
}

/** The Access tab. */
export function AccessContent(props: { refreshMs?: number }) {
  const { entity } = useEntity();
  const api = useApi(teleportAccessApiRef);
  const { loading, view, error, reload } = useEntityAccess(props.refreshMs);
  const [asking, setAsking] = useState<NamespaceAccess>();
  const [reviewing, setReviewing] = useState<{
    request: AccessRequestView;
    state: 'APPROVED' | 'DENIED';
  }>();
  const now = Date.now();

  if (loading && !view) return <Progress />;
  if (!view) return <ResponseErrorPanel error={error!} />;

  const entityRef = stringifyEntityRef(getCompoundEntityRef(entity));
  const status = view.teleport.status;
  return (
    <Grid container spacing={3}>
      {status !== 'ok' && (
        <Grid item xs={12}>
          <WarningPanel
            severity={status === 'not-configured' ? 'info' : 'error'}
            title={STATUS_TITLE[status]}
            message={`${STATUS_HINT[status]}${
              view.teleport.message ? ` (${view.teleport.message})` : ''
            }`}
          />
        </Grid>
      )}
      {error && (
        <Grid item xs={12}>
          <ResponseErrorPanel error={error} title="The last refresh failed" />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard
          title="What you can do now"
          subheader={
            view.user.teleportUser
              ? `Teleport user ${view.user.teleportUser}${
                  view.teleport.clusterName
                    ? ` on ${view.teleport.clusterName}`
                    : ''
                }`
              : `${view.user.entityRef} has no Teleport user`
          }
        >
          {view.namespaces.length === 0 ? (
            <EmptyState
              missing="info"
              title="No namespaces"
              description="This entity names no Kubernetes namespace or Teleport role."
            />
          ) : (
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Namespace</TableCell>
                  <TableCell>Access now</TableCell>
                  <TableCell>Roles</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {view.namespaces.map(ns => (
                  <NamespaceRow
                    key={ns.namespace}
                    ns={ns}
                    view={view}
                    now={now}
                    onRequest={() => setAsking(ns)}
                  />
                ))}
              </TableBody>
            </Table>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="My requests">
          {view.myRequests.length === 0 ? (
            <Typography variant="body2">
              You have no requests for this entity's roles.
            </Typography>
          ) : (
            <RequestsTable requests={view.myRequests} now={now} />
          )}
        </InfoCard>
      </Grid>
      {view.canReview && (
        <Grid item xs={12}>
          <InfoCard title="Waiting for your review">
            {view.toReview.length === 0 ? (
              <Typography variant="body2">Nothing to review.</Typography>
            ) : (
              <RequestsTable
                requests={view.toReview}
                now={now}
                showUser
                actions={r => (
                  <Box display="flex" style={{ gap: 8 }}>
                    <Button
                      size="small"
                      variant="contained"
                      color="primary"
                      onClick={() =>
                        setReviewing({ request: r, state: 'APPROVED' })
                      }
                    >
                      Approve
                    </Button>
                    <Button
                      size="small"
                      variant="outlined"
                      color="secondary"
                      onClick={() =>
                        setReviewing({ request: r, state: 'DENIED' })
                      }
                    >
                      Deny
                    </Button>
                  </Box>
                )}
              />
            )}
          </InfoCard>
        </Grid>
      )}
      {asking && (
        <RequestDialog
          namespace={asking}
          onCancel={() => setAsking(undefined)}
          onSubmit={async input => {
            await api.createRequest({
              entityRef,
              roles: [asking.writeRole],
              ...input,
            });
            setAsking(undefined);
            reload();
          }}
        />
      )}
      {reviewing && (
        <ReviewDialog
          state={reviewing.state}
          requester={reviewing.request.user}
          roles={reviewing.request.roles}
          requestReason={reviewing.request.reason}
          onCancel={() => setReviewing(undefined)}
          onSubmit={async reason => {
            await api.review(reviewing.request.id, {
              state: reviewing.state,
              reason,
            });
            setReviewing(undefined);
            reload();
          }}
        />
      )}
    </Grid>
  );
}
