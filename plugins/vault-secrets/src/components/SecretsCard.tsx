import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { makeStyles, Typography } from '@material-ui/core';
import { rootRouteRef } from '../routes';
import { isPermissionDenied } from './SecretsContent';
import { StatusChip } from './StatusChip';
import { useSecretsStatus } from './useSecretsStatus';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'flex',
    gap: theme.spacing(1),
    alignItems: 'center',
    marginBottom: theme.spacing(0.5),
  },
  error: { color: theme.palette.error.main },
}));

/** The link to the Secrets tab, undefined on a page without it. */
function useTabLink(): string | undefined {
  try {
    return useRouteRef(rootRouteRef)();
  } catch {
    return undefined;
  }
}

/** The overview card: how many secrets are overdue or due, and pods to restart. */
export function SecretsCard() {
  const classes = useStyles();
  const tabLink = useTabLink();
  const { loading, status, error } = useSecretsStatus();
  let content;
  if (error) {
    content = isPermissionDenied(error) ? (
      <Typography variant="body2">
        You may not see this entity's secrets status.
      </Typography>
    ) : (
      <ResponseErrorPanel error={error} />
    );
  } else if (!status) {
    content = loading ? <Progress /> : null;
  } else if (status.vault.state === 'not-configured') {
    content = <Typography variant="body2">Vault is not configured.</Typography>;
  } else if (status.vault.state !== 'ok' && status.vault.state !== 'standby') {
    content = (
      <Typography variant="body2" className={classes.error}>
        {status.vault.state === 'sealed'
          ? 'Vault is sealed'
          : `Vault is ${status.vault.state}`}
        {status.vault.message && status.vault.state !== 'sealed'
          ? `: ${status.vault.message}`
          : ''}
      </Typography>
    );
  } else {
    const overdue = status.secrets.filter(s => s.status === 'overdue');
    const restarts = status.secrets.reduce(
      (n, s) => n + s.podsNeedingRestart.length,
      0,
    );
    content = (
      <>
        <Typography variant="body1" gutterBottom>
          {status.secrets.length} secrets:{' '}
          <strong>{status.counts.overdue}</strong> overdue,{' '}
          <strong>{status.counts.due}</strong> due,{' '}
          <strong>{status.counts.fresh}</strong> fresh
        </Typography>
        {overdue.slice(0, 5).map(s => (
          <div key={`${s.mount}/${s.path}`} className={classes.row}>
            <StatusChip status={s.status} />
            <Typography variant="body2">
              {s.mount}/{s.path}
            </Typography>
          </div>
        ))}
        {restarts > 0 && (
          <Typography variant="body2" className={classes.error}>
            {restarts} pod(s) run on an older secret version and need a restart.
          </Typography>
        )}
      </>
    );
  }
  return (
    <InfoCard
      title="Secrets"
      deepLink={
        tabLink ? { title: 'Secrets status', link: tabLink } : undefined
      }
    >
      {content}
    </InfoCard>
  );
}
