import { WarningPanel } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { EntitySecretsStatus } from '@groundcrew/plugin-infra-common';
import { formatDuration } from './format';

/** Vault's own state: sealed, unreachable, standby; the portal token's TTL; paths Vault refused. */
export function VaultBanner(props: { status: EntitySecretsStatus }) {
  const { vault, problems } = props.status;
  const out = [];
  if (vault.state === 'sealed' || vault.state === 'uninitialized') {
    out.push(
      <WarningPanel
        key="state"
        severity="error"
        title={vault.message ?? `Vault is ${vault.state}`}
      >
        Secrets metadata cannot be read until Vault is unsealed.
      </WarningPanel>,
    );
  } else if (vault.state === 'unreachable') {
    out.push(
      <WarningPanel key="state" severity="error" title="Vault is unreachable">
        {vault.message}
      </WarningPanel>,
    );
  } else if (vault.state === 'standby') {
    out.push(
      <WarningPanel
        key="state"
        severity="info"
        title="Vault answered from a standby node"
      >
        {vault.message}
      </WarningPanel>,
    );
  }
  if (problems.length > 0) {
    out.push(
      <WarningPanel
        key="problems"
        severity="warning"
        title={`${problems.length} path(s) could not be read`}
      >
        {problems.map(p => (
          <Typography key={p.path} variant="body2">
            <code>{p.path}</code>: {p.message}
          </Typography>
        ))}
      </WarningPanel>,
    );
  }
  if (
    vault.tokenTtlSeconds !== undefined &&
    vault.tokenTtlSeconds > 0 &&
    vault.tokenTtlSeconds < 3600
  ) {
    out.push(
      <WarningPanel
        key="token"
        severity="warning"
        title="The portal's Vault token expires soon"
      >
        {formatDuration(vault.tokenTtlSeconds)} left
        {vault.tokenRenewable ? ' (renewable)' : ''}.
      </WarningPanel>,
    );
  }
  return <>{out}</>;
}
