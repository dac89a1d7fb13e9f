import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

/**
 * Remembers for a few seconds that a caller could read an entity, so that a page reloaded in a
 * loop does not cost a catalog round trip (and its permission check) every time. Only positive
 * answers are kept; a revoked read right takes effect within `ttlMs` for page loads — a live stream
 * is checked once, when it opens, in any case.
 */
export class ReadCheckCache {
  private readonly entries = new Map<
    string,
    { entity: Entity; expires: number }
  >();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(
    entityRef: string,
    credentials: BackstageCredentials,
    read: () => Promise<Entity | undefined>,
  ): Promise<Entity | undefined> {
    if (this.ttlMs <= 0) return read();
    const key = `${principalKey(credentials)} ${entityRef}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.entity;
    const entity = await read();
    if (entity) {
      if (this.entries.size >= this.maxEntries) {
        // Oldest first: a Map iterates in insertion order.
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      this.entries.delete(key);
      this.entries.set(key, { entity, expires: now + this.ttlMs });
    } else {
      this.entries.delete(key);
    }
    return entity;
  }
}

function principalKey(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return `${p.type}:${p.userEntityRef ?? p.subject ?? ''}`;
}
