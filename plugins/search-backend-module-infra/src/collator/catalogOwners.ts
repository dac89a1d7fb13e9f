import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { InfraSearchDocument } from '@groundcrew/plugin-infra-common';

const BATCH = 200;

/**
 * Sets each document's owner from its catalog entity (its `ownedBy` relation), where the entity
 * exists: the catalog is what the permission filter decides on, so the owner shown is the one that
 * counts. Documents of infrastructure the catalog does not know keep the owner from their labels.
 * One catalog request per {@link BATCH} documents.
 */
export async function* withCatalogOwners(
  docs: AsyncIterable<InfraSearchDocument>,
  catalog: { service: CatalogService; auth: AuthService },
): AsyncGenerator<InfraSearchDocument> {
  let batch: InfraSearchDocument[] = [];
  const flush = async () => {
    const refs = [...new Set(batch.map(d => d.entityRef))];
    const { items } = await catalog.service.getEntitiesByRefs(
      { entityRefs: refs, fields: ['relations'] },
      { credentials: await catalog.auth.getOwnServiceCredentials() },
    );
    const owners = new Map<string, string>();
    items.forEach((entity, i) => {
      const owner = entity?.relations?.find(r => r.type === 'ownedBy');
      if (owner) owners.set(refs[i], owner.targetRef);
    });
    for (const d of batch) {
      const owner = owners.get(d.entityRef);
      if (owner) d.owner = owner;
    }
    const out = batch;
    batch = [];
    return out;
  };
  for await (const d of docs) {
    batch.push(d);
    if (batch.length >= BATCH) yield* await flush();
  }
  if (batch.length) yield* await flush();
}
