import { AuditorService } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';

/**
 * Runs the writes of one action run inside one audit event: who, what, the state before and the
 * plan, then the result (or the error). A run with nothing to write records nothing.
 *
 * @public
 */
export async function audited<T extends JsonObject>(
  auditor: AuditorService,
  event: {
    /** Kebab-case, e.g. `gke-cluster-create`. */
    eventId: string;
    actor: string;
    target: string;
    before: JsonObject;
    plan: string[];
  },
  writes: () => Promise<T>,
): Promise<T> {
  const { eventId, ...meta } = event;
  const audit = await auditor.createEvent({
    eventId,
    severityLevel: 'medium',
    meta,
  });
  try {
    const after = await writes();
    await audit.success({ meta: { after } });
    return after;
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
}
