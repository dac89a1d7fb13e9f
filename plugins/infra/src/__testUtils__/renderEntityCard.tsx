import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogApi,
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ReactElement } from 'react';
import { infraApiRef } from '../api';
import { createTestClient } from './infraBackend';

/** The value at a catalog filter key, e.g. `metadata.annotations.groundcrew.io/runway-service`. */
function valueAt(entity: Entity, key: string): unknown {
  const annotation = /^metadata\.annotations\.(.+)$/.exec(key);
  if (annotation) return entity.metadata.annotations?.[annotation[1]];
  if (key === 'kind') return entity.kind;
  throw new Error(`The test catalog cannot filter by ${key}`);
}

/**
 * The two reads the cards make of the catalog, over a list of entities: by refs, and by a filter of
 * kind and annotations (values compared as the catalog does, case-insensitively, any of a list).
 */
export function testCatalog(entities: Entity[]): CatalogApi {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const api: Pick<CatalogApi, 'getEntities' | 'getEntitiesByRefs'> = {
    async getEntitiesByRefs({ entityRefs }) {
      return { items: entityRefs.map(ref => byRef.get(ref)) };
    },
    async getEntities(request) {
      const filter = (request?.filter ?? {}) as Record<
        string,
        string | string[]
      >;
      const items = entities.filter(e =>
        Object.entries(filter).every(([key, wanted]) => {
          const value = String(valueAt(e, key) ?? '').toLocaleLowerCase(
            'en-US',
          );
          return [wanted]
            .flat()
            .some(w => w.toLocaleLowerCase('en-US') === value);
        }),
      );
      return { items };
    },
  };
  return api as CatalogApi;
}

/** Renders an entity card with the real InfraClient (msw answers it) and {@link testCatalog}. */
export async function renderEntityCard(
  card: ReactElement,
  options: { entity: Entity; catalog?: Entity[] },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [infraApiRef, createTestClient()],
        [catalogApiRef, testCatalog(options.catalog ?? [])],
      ]}
    >
      <EntityProvider entity={options.entity}>{card}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
