import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import {
  Grid,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import {
  EntitySecretsStatus,
  SecretStatus,
} from '@groundcrew/plugin-infra-common';
import { formatDate, formatDuration } from './format';
import { StatusChip } from './StatusChip';
import { useSecretsStatus } from './useSecretsStatus';
import { VaultBanner } from './VaultBanner';

const useStyles = makeStyles(theme => ({
  restart: { color: theme.palette.error.main, fontWeight: 'bold' },
  muted: { color: theme.palette.text.secondary },
  counts: { marginBottom: theme.spacing(2) },
  nowrap: { whiteSpace: 'nowrap' },
}));

const SOURCE: Record<SecretStatus['rotationSource'], string> = {
  custom_metadata: 'custom metadata',
  config: 'portal config',
  default: 'default',
};

export function isPermissionDenied(error: Error): boolean {
  return error instanceof ResponseError && error.statusCode === 403;
}

function SecretsTable(props: { secrets: SecretStatus[] }) {
  const classes = useStyles();
  return (
    <Table size="small" aria-label="secrets">
      <TableHead>
        <TableRow>
          <TableCell className={classes.nowrap}>path</TableCell>
          <TableCell className={classes.nowrap}>version</TableCell>
          <TableCell className={classes.nowrap}>last rotated</TableCell>
          <TableCell className={classes.nowrap}>age</TableCell>
          <TableCell className={classes.nowrap}>rotation policy</TableCell>
          <TableCell className={classes.nowrap}>status</TableCell>
          <TableCell className={classes.nowrap}>
            pods needing a restart
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.secrets.map(s => (
          <TableRow
            key={`${s.mount}/${s.path}`}
            data-secret={`${s.mount}/${s.path}`}
          >
            <TableCell>
              <Link to={s.uiUrl} title="Open in the Vault UI">
                {s.mount}/{s.path}
              </Link>
              {s.owner && (
                <Typography
                  variant="caption"
                  component="div"
                  className={classes.muted}
                >
                  owner {s.owner}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              v{s.currentVersion}
              <Typography
                variant="caption"
                component="div"
                className={classes.muted}
              >
                {s.versionCount} kept
                {s.destroyedVersions.length > 0 &&
                  `, destroyed v${s.destroyedVersions.join(', v')}`}
                {s.deletedVersions.length > 0 &&
                  `, deleted v${s.deletedVersions.join(', v')}`}
              </Typography>
            </TableCell>
            <TableCell className={classes.nowrap}>
              {formatDate(s.lastRotated)}
            </TableCell>
            <TableCell className={classes.nowrap}>
              {formatDuration(s.ageSeconds)}
            </TableCell>
            <TableCell>
              every {formatDuration(s.rotationPeriodSeconds)}
              <Typography
                variant="caption"
                component="div"
                className={classes.muted}
              >
                {SOURCE[s.rotationSource]}
              </Typography>
            </TableCell>
            <TableCell>
              <StatusChip status={s.status} />
            </TableCell>
            <TableCell data-restart={s.podsNeedingRestart.length}>
              {s.podsNeedingRestart.length === 0
                ? '—'
                : s.podsNeedingRestart.map(p => (
                    <Typography
                      key={`${p.cluster}/${p.namespace}/${p.name}`}
                      variant="body2"
                      className={classes.restart}
                      title={`started ${formatDate(p.startedAt)}, before v${
                        s.currentVersion
                      }`}
                    >
                      restart needed: {p.name}{' '}
                      <span className={classes.muted}>({p.cluster})</span>
                    </Typography>
                  ))}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function LeasesTable(props: { status: EntitySecretsStatus }) {
  const { leases, leasePrefixes } = props.status;
  if (leasePrefixes.length === 0) return null;
  return (
    <InfoCard
      title="Dynamic-secret leases"
      subheader={leasePrefixes.join(', ')}
    >
      {leases.length === 0 ? (
        <Typography variant="body2">No live leases.</Typography>
      ) : (
        <Table size="small" aria-label="leases">
          <TableHead>
            <TableRow>
              <TableCell>lease</TableCell>
              <TableCell>expires in</TableCell>
              <TableCell>expires at</TableCell>
              <TableCell>renewable</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {leases.map(l => (
              <TableRow key={l.id}>
                <TableCell>
                  <code>{l.id}</code>
                </TableCell>
                <TableCell>{formatDuration(l.ttlSeconds)}</TableCell>
                <TableCell>
                  {l.expireTime ? formatDate(l.expireTime) : '—'}
                </TableCell>
                <TableCell>{l.renewable ? 'yes' : 'no'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}

/** The Secrets tab. */
export function SecretsContent() {
  const classes = useStyles();
  const { loading, status, error } = useSecretsStatus();
  if (error) {
    if (isPermissionDenied(error)) {
      return (
        <WarningPanel severity="warning" title="Permission denied">
          You may not see the secrets status of this entity
          (groundcrew.secrets.read).
        </WarningPanel>
      );
    }
    return <ResponseErrorPanel error={error} />;
  }
  if (loading && !status) return <Progress />;
  if (!status) return null;
  if (status.vault.state === 'not-configured') {
    return (
      <EmptyState
        missing="info"
        title="Vault is not configured"
        description="The portal has no groundcrew.vault configuration, so it cannot show secrets status."
      />
    );
  }
  const { counts } = status;
  const reachable =
    status.vault.state === 'ok' || status.vault.state === 'standby';
  const restarts = status.secrets.reduce(
    (n, s) => n + s.podsNeedingRestart.length,
    0,
  );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <VaultBanner status={status} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Secrets"
          subheader={`Vault metadata under ${status.paths.join(
            ', ',
          )} — values are never read${
            status.vault.tokenTtlSeconds
              ? ` · portal token ${formatDuration(
                  status.vault.tokenTtlSeconds,
                )} left`
              : ''
          }`}
        >
          {reachable && (
            <Typography
              variant="body1"
              className={classes.counts}
              data-testid="secret-counts"
            >
              <strong>{counts.overdue}</strong> overdue ·{' '}
              <strong>{counts.due}</strong> due ·{' '}
              <strong>{counts.fresh}</strong> fresh
              {counts.deleted + counts.destroyed > 0 &&
                ` · ${counts.deleted + counts.destroyed} deleted`}
              {restarts > 0 && ` · ${restarts} pod(s) need a restart`}
              {status.truncated && ' · list truncated'}
            </Typography>
          )}
          {reachable && status.secrets.length === 0 ? (
            <EmptyState
              missing="data"
              title="No secrets"
              description={`Vault has no secrets under ${status.paths.join(
                ', ',
              )}.`}
            />
          ) : (
            reachable && <SecretsTable secrets={status.secrets} />
          )}
        </InfoCard>
      </Grid>
      {reachable && (
        <Grid item xs={12}>
          <LeasesTable status={status} />
        </Grid>
      )}
    </Grid>
  );
}
