import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { PLATFORM_GROUP_REF } from '@groundcrew/plugin-infra-common';

/** The Helm chart a GKE turn-up instantiates, and where Flux finds it. */
export interface RunwayChart {
  name: string;
  version: string;
  sourceRef: { kind: string; name: string; namespace: string };
}

/** What the Runway actions read from config, checked at start-up. */
export interface RunwayActionsConfig {
  platformGroup: string;
  chart: RunwayChart;
  /** The Gateway the service's HTTPRoute attaches to. */
  gateway: { name: string; namespace: string };
  /** Hostnames are `<service>.<cluster>.<domain>`. */
  domain: string;
  /** How long a GKE turn-up waits for the HelmRelease and the rollout. */
  rolloutTimeoutMs: number;
  /** How long a Cloud Run turn-up waits for each operation. */
  cloudRunTimeoutMs: number;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DOMAIN =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function minutes(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return fallback * 60_000;
  if (!(value > 0 && value <= 24 * 60)) {
    throw new InputError(
      `${key} must be a number of minutes from 0 to 1440, got ${value}`,
    );
  }
  return value * 60_000;
}

function name(config: Config, key: string, fallback: string): string {
  const value = config.getOptionalString(key) ?? fallback;
  if (!NAME.test(value) || value.length > 63) {
    throw new InputError(
      `${key} must be a lower-case DNS label (letters, digits, hyphens), got "${value}"`,
    );
  }
  return value;
}

/** Reads the actions' config; an invalid value throws an InputError that names the key. */
export function readRunwayActionsConfig(config: Config): RunwayActionsConfig {
  const version =
    config.getOptionalString('groundcrew.runway.chart.version') ?? '1.4.0';
  if (!/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version)) {
    throw new InputError(
      `groundcrew.runway.chart.version must be a semantic version such as 1.4.0, got "${version}"`,
    );
  }
  const domain =
    config.getOptionalString('groundcrew.runway.gke.domain') ?? 'example.com';
  if (!DOMAIN.test(domain)) {
    throw new InputError(
      `groundcrew.runway.gke.domain must be a DNS domain such as example.com, got "${domain}"`,
    );
  }
  return {
    platformGroup:
      config.getOptionalString('groundcrew.permissions.platformGroup') ??
      PLATFORM_GROUP_REF,
    chart: {
      name: name(config, 'groundcrew.runway.chart.name', 'runway-service'),
      version,
      sourceRef: {
        kind: 'HelmRepository',
        name: name(
          config,
          'groundcrew.runway.chart.repository.name',
          'runway-charts',
        ),
        namespace: name(
          config,
          'groundcrew.runway.chart.repository.namespace',
          'flux-system',
        ),
      },
    },
    gateway: {
      name: name(
        config,
        'groundcrew.runway.gke.gateway.name',
        'external-gateway',
      ),
      namespace: name(
        config,
        'groundcrew.runway.gke.gateway.namespace',
        'gateway-system',
      ),
    },
    domain,
    rolloutTimeoutMs: minutes(
      config,
      'groundcrew.runway.gke.rolloutTimeoutMinutes',
      10,
    ),
    cloudRunTimeoutMs: minutes(
      config,
      'groundcrew.runway.cloudRun.operationTimeoutMinutes',
      10,
    ),
  };
}
