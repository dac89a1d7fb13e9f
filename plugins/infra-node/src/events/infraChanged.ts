import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * The events topic published after a template created or changed infrastructure, so the catalog's
 * infrastructure provider reads it at once instead of on its next scheduled run.
 *
 * @public
 */
export const INFRA_CHANGED_TOPIC = 'groundcrew.infra.changed';

/**
 * The payload of {@link INFRA_CHANGED_TOPIC}.
 *
 * @public
 */
export interface InfraChangedPayload {
  kind: 'gcp-project' | 'kubernetes-cluster' | 'runway-service';
  /** Project id, cluster name or service name. */
  name: string;
  /** The catalog entity it will have. */
  entityRef: string;
}

/**
 * The part of `@backstage/plugin-events-node`'s EventsService that publishing needs, so that a
 * module passes its events service without this package depending on the events plugin.
 *
 * @public
 */
export interface InfraEventsPublisher {
  publish(params: { topic: string; eventPayload: unknown }): Promise<void>;
}

/**
 * Publishes {@link INFRA_CHANGED_TOPIC}. Never fails the caller: the write it reports succeeded,
 * and the catalog catches up on its schedule anyway.
 *
 * @public
 */
export async function publishInfraChanged(
  events: InfraEventsPublisher | undefined,
  payload: InfraChangedPayload,
  logger: Pick<LoggerService, 'warn'>,
): Promise<void> {
  if (!events) return;
  try {
    await events.publish({ topic: INFRA_CHANGED_TOPIC, eventPayload: payload });
  } catch (error) {
    logger.warn(
      `Could not tell the catalog that ${payload.entityRef} changed; it appears on the next scheduled refresh: ${error}`,
    );
  }
}
