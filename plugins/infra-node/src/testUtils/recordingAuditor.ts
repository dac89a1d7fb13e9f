import { AuditorService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/** What the actions told the auditor, in order: the event, then its outcome. */
export interface RecordedAuditEvent {
  eventId: string;
  meta?: JsonObject;
  outcome?:
    | { status: 'succeeded'; meta?: JsonObject }
    | { status: 'failed'; error: string };
}

/** An auditor that keeps its events, to assert what an action recorded. */
export function recordingAuditor(): AuditorService & {
  events: RecordedAuditEvent[];
} {
  const events: RecordedAuditEvent[] = [];
  return {
    events,
    async createEvent({ eventId, meta }) {
      const event: RecordedAuditEvent = { eventId, meta };
      events.push(event);
      return {
        async success(options) {
          event.outcome = { status: 'succeeded', meta: options?.meta };
        },
        async fail({ error }) {
          event.outcome = { status: 'failed', error: error.message };
        },
      };
    },
  };
}
